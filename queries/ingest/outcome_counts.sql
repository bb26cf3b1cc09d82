-- Grain: one row: how the staged file's lines were taken.
select
    count(*)::bigint as lines,
    count(*) filter (where kind in ('frame', 'status'))::bigint as accepted,
    count(*) filter (where kind = 'skip')::bigint as skipped,
    count(*) filter (where kind = 'reject')::bigint as rejected
from stage_outcomes
