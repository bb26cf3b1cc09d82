-- Grain: one row per valid CALLRESULT or CALLERROR of the staged file, to be paired with its CALL (by line: the
-- file is the one being staged, so no file id).
create or replace view stage_answers as
select null::integer as file_id, line_no, station_id, unique_id, received_at, direction
from stage_frames
where valid and message_type in (3, 4)
