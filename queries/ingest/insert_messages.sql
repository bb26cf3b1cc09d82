-- Grain: one row per frame in stage_ready that repeats neither an earlier line (stage_repeats) nor a stored message
-- (stored_repeats). An answer paired again with stored CALLs (stored_pairs) takes that pairing. $file_id is the
-- piece's first file (a batch's files have the ids after it).
insert into messages
select
    f.station_id,
    f.received_at,
    case when p.line_no is null then f.direction else coalesce(f.frame_direction, p.direction) end as direction,
    f.message_type,
    f.unique_id,
    case when p.line_no is null then f.action else p.action end as action,
    f.payload,
    f.error_code,
    f.error_description,
    f.frame_hash,
    staged_file_id($file_id, f.line_no) as file_id,
    staged_line_no(f.line_no) as line_no
from stage_ready f
left join stored_pairs p on p.line_no = f.line_no
anti join stage_repeats r on r.line_no = f.line_no
anti join stored_repeats s on s.line_no = f.line_no
