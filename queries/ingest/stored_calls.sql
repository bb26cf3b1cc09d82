-- Grain: one row per stored CALL that a staged answer may answer: a CALL of the span (stored_span_calls) whose station
-- and unique id a staged answer uses (stored_pair_frames holds every such answer).
create or replace temp table stored_calls as
select c.*
from stored_span_calls c
semi join stored_pair_frames a on a.station_id = c.station_id and a.unique_id = c.unique_id and a.message_type in (3, 4)
