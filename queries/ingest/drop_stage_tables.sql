-- The staging tables the line-by-line path makes, gone before the JSON reader path makes views of the same names.
drop table if exists stage_parsed;
drop table if exists stage_frames;
