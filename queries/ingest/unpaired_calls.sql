-- Grain: one row per stored CALL that a stored answer still without its CALL (unpaired_answers) may answer: the same
-- station and unique id, received from $calls_from to $calls_to (run_span).
create or replace temp table unpaired_calls as
select m.station_id, m.unique_id, m.received_at, m.direction, m.action
from messages m
semi join unpaired_answers a on a.station_id = m.station_id and a.unique_id = m.unique_id
where m.message_type = 2 and m.received_at between $calls_from::timestamptz and $calls_to::timestamptz
