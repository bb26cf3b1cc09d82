-- The staged views of a piece the JSON reader read whole but for the empty lines it ends with (stage_empty_lines):
-- no row comes after them, so none moves (direct_empty_lines); each empty line is a line skipped.
alter view stage_parsed rename to stage_parsed_rows;
create view stage_parsed as
select * from stage_parsed_rows
union all by name
select line_no, 'skip' as kind
from stage_empty_lines;
