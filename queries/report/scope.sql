-- Grain: one row per station the report covers: every station in the database, or only those named in $stations
-- (a JSON array of ids, matched exactly; null = all stations).
with known as (
    -- every station that sent anything
    select station_id from messages
    union
    select station_id from status_notifications
),
requested as (
    -- the stations asked for
    select unnest(from_json($stations, '["VARCHAR"]')) as station_id
)
select k.station_id
from known k
where $stations is null or k.station_id in (select station_id from requested)
order by k.station_id
