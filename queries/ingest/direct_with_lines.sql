-- The staged views of a piece the JSON reader read but for a few lines, which the line-by-line path staged
-- (stage_parsed and stage_frames, of those lines alone): the two together, every line of the piece once, the
-- reader's rows of those lines left out. (Left out here rather than in the reader's views, which every piece reads:
-- a filter there cost every clean piece some 5%.)
alter table stage_parsed rename to stage_parsed_lines;
alter table stage_frames rename to stage_frames_lines;
create view stage_parsed as
select d.* from stage_parsed_direct d anti join stage_parsed_lines l on l.line_no = d.line_no
union all by name
select * from stage_parsed_lines;
create view stage_frames as
select d.* from stage_frames_direct d anti join stage_parsed_lines l on l.line_no = d.line_no
union all by name
select * from stage_frames_lines;
