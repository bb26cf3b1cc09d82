-- Grain: one row per valid CALL of the staged file, for answers of the same file to pair with before it is stored.
create or replace view stage_calls as
select station_id, unique_id, received_at, direction, action
from stage_frames
where valid and message_type = 2
