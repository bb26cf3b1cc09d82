-- Grain: one row when stage_parsed exists: whether the last file staged left it as a table (line-by-line path)
-- or a view (JSON reader path), so the next one can drop it as what it is.
select table_type = 'VIEW' as is_view
from information_schema.tables
where table_catalog = 'temp' and table_name = 'stage_parsed'
