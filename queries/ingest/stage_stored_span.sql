-- Grain: one row per stored message within the time span of the staged piece's frames (piece_span): the only stored messages a
-- staged frame can repeat. A table of its own so that the duplicate check knows how few they usually are, and
-- hashes them rather than the file's frames.
create or replace temp table stage_stored_span as
select station_id, received_at, direction, frame_hash
from messages
where received_at between $first_at::timestamptz and $last_at::timestamptz
