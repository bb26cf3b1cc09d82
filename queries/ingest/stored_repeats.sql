-- Grain: one row per staged frame that repeats a message already stored (stage_stored_span): an exact repeat of
-- station + received time + direction + frame (its minified text, by hash). Repeats within the piece are
-- stage_repeats.
create or replace temp table stored_repeats as
with staged as (
    -- each frame's duplicate key, as stage_repeats takes it: the frame's own direction, else its pairing's
    select line_no, station_id, received_at, direction, frame_hash
    from stage_frames
    where valid and direction is not null
    union all
    select line_no, station_id, received_at, direction, frame_hash
    from stage_undirected
)
select k.line_no
from staged k
semi join stage_stored_span m
    on m.station_id = k.station_id
    and m.received_at = k.received_at
    and m.direction is not distinct from k.direction
    and m.frame_hash = k.frame_hash
