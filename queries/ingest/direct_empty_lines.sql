-- The staged views of a piece the JSON reader read whole but for its empty lines (stage_empty_lines), its rows moved
-- past them (direct_shift_past_empty_lines): each empty line is a line skipped, as the line-by-line path takes it.
alter view stage_parsed rename to stage_parsed_rows;
create view stage_parsed as
select * from stage_parsed_rows
union all by name
select line_no, 'skip' as kind
from stage_empty_lines;
