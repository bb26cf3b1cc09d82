-- Grain: one row per file of a batch staged as one piece ($files of them, by slot), how its lines were taken.
select
    slot,
    count(o.line_no)::bigint as lines,
    count(o.line_no) filter (where kind in ('frame', 'status'))::bigint as accepted,
    count(o.line_no) filter (where kind = 'skip')::bigint as skipped,
    count(o.line_no) filter (where kind = 'reject')::bigint as rejected
from range($files) f(slot)
left join stage_outcomes o on staged_file_id(0, o.line_no) = f.slot
group by slot
order by slot
