-- Grain: one row per stored message within the time span of the staged file's frames: the only stored messages a
-- staged frame can repeat. A table of its own so that the duplicate check knows how few they usually are, and
-- hashes them rather than the file's frames.
create or replace temp table stage_stored_span as
with bounds as (
    select min(received_at) as first_at, max(received_at) as last_at
    from stage_frames
    where valid
)
select m.station_id, m.received_at, m.direction, m.frame_hash
from messages m, bounds b
where m.received_at between b.first_at and b.last_at
