-- Grain: one row: the number that turns a row id of stage_json into the line number of its line in the file: the
-- first row is line $line_offset + 1. A table, not a variable: the writing connection reads the views built on it.
create or replace table stage_piece as
select min(rowid) - 1 - $line_offset as line_base
from stage_json
