-- Grain: one row per valid CALLRESULT or CALLERROR of the staged file, to be paired with its CALL.
create or replace temp table stage_answers as
select $file_id::integer as file_id, line_no, station_id, unique_id, received_at, direction
from stage_frames
where valid and message_type in (3, 4)
