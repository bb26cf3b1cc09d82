-- A JSON reader read given up for the line-by-line path after its views were made: they go, so that the line-by-line
-- path's tables can take their names.
drop view if exists stage_parsed;
drop view if exists stage_frames;
drop view if exists stage_parsed_direct;
drop view if exists stage_frames_direct;
