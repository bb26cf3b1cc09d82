-- Grain: one row per file read (its slot) whose JSON reader rows (stage_json) do not stand for its lines, one to one,
-- with each row a frame; none when every file's do. A file's rows stand for its lines when there are as many as its
-- line count ($lines: each file's, in slot order), in one unbroken run of row ids. Rows of no file read make every
-- file's count suspect. A file listed here is read line by line instead (a batch: alone, its other files in batches
-- around it).
with files as (
    select slot, count(*) as n, max(rowid) - min(rowid) + 1 as row_span, bool_and(usable) as usable
    from stage_json
    group by slot
),
strays as (
    select count(*) as n
    from files
    where slot is null or slot not between 0 and len($lines) - 1
)
select
    r.slot::integer as slot,
    -- its rows stand for its lines, one to one, some of them not frames the reader could take
    s.n = 0 and coalesce(f.n = $lines[r.slot + 1] and f.row_span = f.n, false) as aligned
from range(len($lines)) r(slot)
left join files f on f.slot = r.slot
cross join strays s
where s.n > 0 or not coalesce(f.n = $lines[r.slot + 1] and f.row_span = f.n and f.usable, false)
order by r.slot
