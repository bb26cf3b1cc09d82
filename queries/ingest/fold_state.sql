-- Grain: one row per repeated hour the staged piece has zone-less times in (stage_folds), by the time it is
-- (received, reported) and the instant the clock went back: what the next piece of its file carries over (stage_folds'
-- $carried), the latest local time seen in that hour and whether the clock has gone back within it; and how many of
-- the piece's times stage_folds moved.
select
    part,
    fold_at::varchar as fold_at,
    greatest(max(local_at), any_value(carried_latest))::varchar as latest,
    bool_or(carried_back or stepped_back) as went_back,
    count(*) filter (where moved) as moved
from stage_folds
group by part, fold_at
order by part, fold_at
