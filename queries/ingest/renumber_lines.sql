-- Grain: every staged line gets its line number in the file, where the reader left some lines out (not UTF-8, too long).
-- Staged lines are numbered $line_offset + k, k = 1, 2, ... among the readable ones of the piece read. The i-th
-- unreadable line, at number r in the piece, has
-- r - i readable lines ahead of it, so readable line k sits after every unreadable line with r - i < k.
update stage_parsed p
set line_no = p.line_no + shifted.unreadable_before
from (
    with unreadable as (
        -- lines the reader could not take, once each, numbered in order
        select line as line_no, row_number() over (order by line) as i
        from stage_read_errors
        group by line
    ),
    offsets as (
        -- readable lines ahead of each unreadable one; consecutive unreadable lines share an offset
        select line_no - i as readable_before, max(i) as unreadable_so_far
        from unreadable
        group by line_no - i
    )
    select s.line_no as staged_no, coalesce(o.unreadable_so_far, 0) as unreadable_before
    from stage_parsed s
    asof left join offsets o on s.line_no - $line_offset > o.readable_before
) shifted
where shifted.staged_no = p.line_no
