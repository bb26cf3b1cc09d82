-- Grain: one row per line of the file, as parse_jsonl gives it, from the rows the JSON reader took (stage_json):
-- every line a frame. Their table keeps file order, so a row's place is its line number: its row id less the base
-- that stage_json_lines set (stage_piece).
create or replace view stage_parsed as
select
    s.rowid - p.line_base as line_no,
    'frame' as kind,
    null::varchar as reason,
    null::varchar as raw,
    station_id,
    received_at,
    direction,
    frame_elements,
    null::varchar as frame
from stage_json s
cross join stage_piece p
