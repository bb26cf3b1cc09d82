-- Grain: one row per line of an ocpp-jsonl file (or piece), in file order: the fast path, DuckDB's JSON reader on
-- the file itself, for files whose lines are all {timestamp, chargeBoxId, direction, message: [...]} objects.
-- The reader keeps each line's place: a line it cannot read comes back as a row of nulls (ignore_errors), and a blank
-- line is skipped, so stage_direct_usable compares the rows with the line count taken while hashing the file;
-- any difference sends the file down the line-by-line path (parse_jsonl), which gives every line its reason.
create or replace temp table stage_json as
select
    nullif(trim(chargeBoxId), '') as station_id,
    parse_time(timestamp, $tz) as received_at,
    direction_of(direction) as direction,
    message as frame_elements,
    $line_offset::bigint as line_offset
from read_json(
    $path,
    format = 'newline_delimited',
    compression = $compression,
    auto_detect = false,
    ignore_errors = true,
    columns = {'timestamp': 'VARCHAR', 'chargeBoxId': 'VARCHAR', 'direction': 'VARCHAR', 'message': 'JSON[]'}
)
