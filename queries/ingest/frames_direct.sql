-- Grain: one row per line of the file, as frames.sql gives it, from the frames the JSON reader path unpacked
-- (stage_json), numbered as in parse_jsonl_direct.
create or replace view stage_frames as
select
    case when p.batched then staged_line(s.slot, s.rowid - p.line_bases[s.slot + 1]) else s.rowid - p.line_base + s.line_shift end as line_no,
    reason is null as valid,
    reason,
    station_id,
    received_at,
    direction,
    message_type,
    unique_id,
    action,
    payload,
    error_code,
    error_description,
    frame_hash
from stage_json s
cross join stage_piece p
