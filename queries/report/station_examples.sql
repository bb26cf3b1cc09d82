-- Grain: one row per station id, the first few in sort order: examples for the message about an unknown --station.
with known as (
    -- every station that sent anything
    select station_id from messages
    union
    select station_id from status_notifications
)
select station_id
from known
order by station_id
limit $examples
