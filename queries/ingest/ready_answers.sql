-- Grain: one row per valid CALLRESULT or CALLERROR of the staged file, with the action and direction pairing found, ready to store.
create or replace temp view stage_ready as
select
    f.station_id,
    f.received_at,
    coalesce(f.direction, p.direction) as direction,
    f.message_type,
    f.unique_id,
    p.action,
    f.payload,
    f.error_code,
    f.error_description,
    f.frame_hash,
    f.line_no
from stage_frames f
left join stage_pairs p on p.line_no = f.line_no
where f.valid and f.message_type in (3, 4)
