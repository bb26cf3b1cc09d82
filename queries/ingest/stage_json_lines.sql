-- Grain: one row: the numbers that turn a row id of stage_json into its line's place (staged_line in macros.sql):
-- for each file read (slot order), what to take from a row id so that its first row is line $line_offset + 1 (a
-- piece of a file starts after the lines before it; a batch's files each start at line 1). A table, not a
-- variable: the writing connection reads the views built on it.
create or replace table stage_piece as
select
    list(first_row - 1 - $line_offset order by slot) as line_bases,
    -- one file: its base alone, which the views take without looking a file up for every row (cheaper, each time a
    -- statement reads them)
    count(*) > 1 as batched,
    min(first_row) - 1 - $line_offset as line_base
from (
    select slot, min(rowid) as first_row
    from stage_json
    group by slot
)
