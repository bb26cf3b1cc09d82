-- Grain: one row per valid CALL of the staged file, ready to store.
create or replace temp view stage_ready as
select
    station_id, received_at, direction, message_type, unique_id, action, payload, error_code, error_description, frame_hash,
    line_no
from stage_frames
where valid and message_type = 2
