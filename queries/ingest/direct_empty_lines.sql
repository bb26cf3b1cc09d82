-- The staged views of a piece the JSON reader read whole but for its empty lines (stage_empty_lines): each row
-- moves past the empty lines before it, and each empty line is a line skipped, as the line-by-line path takes it.
-- The moved rows are tables: every later step of the piece reads them, and an as-of join in each read cost more
-- (1M lines: ~1 s) than writing them once.
alter view stage_parsed rename to stage_parsed_rows;
alter view stage_frames rename to stage_frames_rows;

create table stage_line_shifts as
-- consecutive empty lines share an after_line: the last of them has the shift
select after_line, max(shift) as shift
from stage_empty_lines
group by after_line;

create table stage_parsed_moved as
select coalesce(r.line_no + g.shift, r.line_no) as line_no, r.* exclude (line_no)
from stage_parsed_rows r
asof left join stage_line_shifts g on r.line_no > g.after_line
union all by name
select line_no, 'skip' as kind
from stage_empty_lines;

create table stage_frames_moved as
select coalesce(r.line_no + g.shift, r.line_no) as line_no, r.* exclude (line_no)
from stage_frames_rows r
asof left join stage_line_shifts g on r.line_no > g.after_line;

create view stage_parsed as select * from stage_parsed_moved;
create view stage_frames as select * from stage_frames_moved;
