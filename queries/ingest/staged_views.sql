-- Grain: one row per staging relation the last file left as a view (the JSON reader path) rather than a table
-- (the line-by-line path), so the next file can drop it as what it is.
select table_name as name
from information_schema.tables
where table_catalog = 'temp' and table_type = 'VIEW' and table_name in ('stage_parsed', 'stage_frames')
