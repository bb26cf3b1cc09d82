-- Grain: one row per input line (1-based line_no), readable or not.
-- A read line's number is its position k among the readable lines plus the count of unreadable lines before it:
-- the i-th unreadable line at number r leaves r - i readable lines ahead of it, so a readable line k sits after
-- every unreadable line whose r - i < k.
create or replace temp table stage_numbered as
with unreadable as (
    -- lines the reader could not take, once each, numbered in order
    select line as line_no, min(error_type) as error_type, row_number() over (order by line) as i
    from stage_read_errors
    group by line
),
offsets as (
    -- readable lines ahead of each unreadable one; consecutive unreadable lines share an offset
    select line_no - i as readable_before, max(i) as unreadable_so_far
    from unreadable
    group by line_no - i
),
readable as (
    -- each read line with its file line number; a byte-order mark on line 1 is not content
    select
        l.k + coalesce(o.unreadable_so_far, 0) as line_no,
        case when l.k + coalesce(o.unreadable_so_far, 0) = 1 then ltrim(l.line, chr(65279)) else l.line end as line,
        null::varchar as read_error
    from stage_lines l
    asof left join offsets o on l.k > o.readable_before
)
select line_no, line, read_error from readable
union all
select
    line_no,
    null,
    case error_type
        when 'INVALID ENCODING' then 'invalid UTF-8'
        when 'LINE SIZE OVER MAXIMUM' then 'line longer than ' || ($max_line_bytes // 1048576) || ' MB'
        else lower(error_type)
    end
from unreadable
