-- Grain: one row: whether the JSON reader's rows (stage_json) stand for every line of the files read, one to one,
-- with each row a frame: every file ($lines: the line count of each, in slot order) has as many rows as lines, in one
-- unbroken run of row ids, and no other rows are there. When not, the line-by-line path reads the file instead (a
-- batch of files: each file alone).
with files as (
    select slot, count(*) as n, max(rowid) - min(rowid) + 1 as row_span, bool_and(usable) as usable
    from stage_json
    group by slot
)
select
    count(*) = len($lines)
        and coalesce(bool_and(coalesce(n = $lines[slot + 1] and row_span = n and usable, false)), false) as usable
from files
