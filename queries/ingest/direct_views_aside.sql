-- The JSON reader's staged views of a piece, set aside under names of their own, so that the line-by-line path can
-- stage the lines the reader could not take under the usual names (direct_with_lines joins them again).
alter view stage_parsed rename to stage_parsed_direct;
alter view stage_frames rename to stage_frames_direct;
