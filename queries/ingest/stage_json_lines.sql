-- The number that turns a row id of stage_json into the line number of its line in the file: the first row is
-- line $line_offset + 1.
set variable stage_json_line_base = (select min(rowid) from stage_json) - 1 - $line_offset
