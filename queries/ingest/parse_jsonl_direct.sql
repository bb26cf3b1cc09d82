-- Grain: one row per line of the file, as parse_jsonl gives it, from the rows the JSON reader took (stage_json):
-- every line a frame. Their table keeps file order, so a row's place is its line number (row ids of a table made
-- inside a transaction start at a large base, hence the first one is taken off).
create or replace temp view stage_parsed as
select
    rowid - (select min(rowid) from stage_json) + 1 + line_offset as line_no,
    'frame' as kind,
    null::varchar as reason,
    null::varchar as raw,
    station_id,
    received_at,
    direction,
    frame_elements,
    null::varchar as frame
from stage_json
