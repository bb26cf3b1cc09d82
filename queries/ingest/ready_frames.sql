-- Grain: one row per valid frame of the staged file, answers with the action and direction their pairing found, ready to store.
create or replace temp view stage_ready as
select
    f.station_id,
    f.received_at,
    coalesce(f.direction, p.direction) as direction,
    f.message_type,
    f.unique_id,
    coalesce(f.action, p.action) as action,
    f.payload,
    f.error_code,
    f.error_description,
    f.frame_hash,
    f.line_no
from stage_frames f
left join stage_pairs p on p.line_no = f.line_no
where f.valid
