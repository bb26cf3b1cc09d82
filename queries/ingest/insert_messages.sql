-- Grain: one row per frame in stage_ready that is not a duplicate (stage_repeats).
insert into messages
select
    f.station_id,
    f.received_at,
    f.direction,
    f.message_type,
    f.unique_id,
    f.action,
    f.payload,
    f.error_code,
    f.error_description,
    f.frame_hash,
    $file_id::integer as file_id,
    f.line_no
from stage_ready f
anti join stage_repeats r on r.line_no = f.line_no
