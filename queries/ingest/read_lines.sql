-- Grain: one row per line of one input file that DuckDB could read as UTF-8 text, in file order (k = 1, 2, ...).
-- The file is read as a single text column (a 4-byte delimiter no text line holds, no quoting), so every
-- line arrives whole; blank lines arrive as null. Lines that are not UTF-8 or are too long land in
-- stage_read_errors with their line numbers instead of being dropped silently.
create or replace temp table stage_lines as
select row_number() over () as k, line
from read_csv(
    $path,
    columns = {'line': 'VARCHAR'},
    header = false,
    delim = E'\x01\x02\x03\x04',
    quote = '',
    escape = '',
    auto_detect = false,
    strict_mode = false,
    compression = $compression,
    max_line_size = $max_line_bytes,
    ignore_errors = true,
    store_rejects = true,
    rejects_table = 'stage_read_errors',
    rejects_scan = 'stage_read_scans'
)
