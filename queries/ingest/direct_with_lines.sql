-- The staged views of a piece the JSON reader read but for a few lines, which the line-by-line path staged
-- (stage_parsed and stage_frames, of those lines alone): the two together, every line of the piece once.
alter table stage_parsed rename to stage_parsed_lines;
alter table stage_frames rename to stage_frames_lines;
create view stage_parsed as
select * from stage_parsed_direct
union all by name
select * from stage_parsed_lines;
create view stage_frames as
select * from stage_frames_direct
union all by name
select * from stage_frames_lines;
