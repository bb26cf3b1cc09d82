-- Grain: one row per CALL those answers (stored_pair_answers) may answer: the stored ones (stored_calls) and the
-- piece's own that use the same station and id. A table, not a view: the pairing reads it twice.
create or replace temp table stored_pair_calls as
select station_id, unique_id, received_at, direction, action
from stored_calls
union all
select c.station_id, c.unique_id, c.received_at, c.direction, c.action
from stored_pair_frames c
semi join stored_calls s on s.station_id = c.station_id and s.unique_id = c.unique_id
where c.message_type = 2
