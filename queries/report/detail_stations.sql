-- Grain: one row per station that gets a detail section, in page order: the ids in $ids (a JSON array), numbered.
with ids as (
    -- the list as DuckDB sees it
    select from_json($ids, '["VARCHAR"]') as list
)
select
    unnest(generate_series(1, len(list))) as position,
    unnest(list) as station_id
from ids
