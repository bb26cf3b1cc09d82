-- Grain: one row per line of the file, as parse_jsonl gives it, from the rows the JSON reader took (stage_json):
-- every line a frame. Their table keeps file order, so a row's place is its line number: its row id less the base
-- that stage_json_lines set (row ids of a table made inside a transaction start at a large number).
create or replace temp view stage_parsed as
select
    rowid - getvariable('stage_json_line_base') as line_no,
    'frame' as kind,
    null::varchar as reason,
    null::varchar as raw,
    station_id,
    received_at,
    direction,
    frame_elements,
    null::varchar as frame
from stage_json
