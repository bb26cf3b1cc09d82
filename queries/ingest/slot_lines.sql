-- Grain: every staged line of a batch of small files staged as one piece takes its place in its own file
-- (staged_line): $bases are each file's first line number less one in the piece, in order.
update stage_parsed p
set line_no = staged_line(b.slot, p.line_no - b.base)
from (
    select p.line_no as piece_no, b.slot, b.base
    from stage_parsed p
    asof join (
        select unnest($bases::bigint[]) as base, generate_subscripts($bases::bigint[], 1) - 1 as slot
    ) b on p.line_no > b.base
) b
where b.piece_no = p.line_no
