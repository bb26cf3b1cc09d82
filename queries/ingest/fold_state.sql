-- Grain: one row per repeated hour the staged piece has zone-less times in (stage_folds), by the time it is
-- (received, reported) and the instant the clock went back, for the whole file (scope 'file') and for each station,
-- or station and connector of a status-csv (scope 'key'): what the next piece of its file carries over
-- (stage_folds' $carried), the latest local time seen there and whether the clock has gone back within it; and how
-- many of the piece's times stage_folds moved (counted on the file's rows).
select
    part,
    fold_at::varchar as fold_at,
    'file' as scope,
    null::varchar as station,
    null::varchar as connector,
    greatest(max(local_at), any_value(carried_latest))::varchar as latest,
    bool_or(carried_back or stepped_back) as went_back,
    count(*) filter (where moved) as moved
from stage_folds
group by part, fold_at
union all
select
    part,
    fold_at::varchar as fold_at,
    'key' as scope,
    station_id as station,
    connector_text as connector,
    greatest(max(local_at), any_value(key_carried_latest))::varchar as latest,
    bool_or(key_carried_back or key_stepped_back) as went_back,
    0 as moved
from stage_folds
group by part, fold_at, station_id, connector_text
order by scope, part, fold_at, station, connector
