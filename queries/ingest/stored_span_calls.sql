-- Grain: one row per stored CALL received from $calls_from to $calls_to (piece_span): the only stored CALLs a staged
-- answer may answer. Usually few: the CALLs near the end of the piece before; none for a file that overlaps nothing
-- stored.
create or replace temp table stored_span_calls as
select station_id, unique_id, received_at, direction, action
from messages
where message_type = 2 and received_at between $calls_from::timestamptz and $calls_to::timestamptz
