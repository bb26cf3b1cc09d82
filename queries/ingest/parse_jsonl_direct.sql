-- Grain: one row per line of the file, as parse_jsonl gives it, from the rows the JSON reader took (stage_json):
-- every line a frame. Their table keeps file order, so a row's line number is its row id less its file's base that
-- stage_json_lines set (stage_piece), plus the empty lines before it (line_shift: direct_shift_past_empty_lines),
-- placed by its file's slot (staged_line).
create or replace view stage_parsed as
select
    case when p.batched then staged_line(s.slot, s.rowid - p.line_bases[s.slot + 1]) else s.rowid - p.line_base + s.line_shift end as line_no,
    'frame' as kind,
    null::varchar as reason,
    null::varchar as raw,
    station_id,
    received_at,
    local_at,
    null::timestamp as reported_local,
    direction,
    frame_elements,
    frame
from stage_json s
cross join stage_piece p
