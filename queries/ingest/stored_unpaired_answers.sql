-- Grain: one row per stored CALLRESULT or CALLERROR whose CALL was not found when it was stored.
create or replace temp view stage_answers as
select file_id, line_no, station_id, unique_id, received_at, direction
from messages
where message_type in (3, 4) and action is null
