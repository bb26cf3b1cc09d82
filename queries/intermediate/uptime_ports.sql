-- Grain: one row per port: a station and connector id > 0 seen anywhere in the data (status notifications or
-- transactions). offline_tracked says whether the station sent messages at all: a station known only from a
-- status CSV has no messages, so its offline time cannot be judged and counts as zero. Window-independent.
with seen as (
    -- connector ids > 0 per station, from notifications and transactions
    select station_id, connector_id from status_notifications where connector_id > 0
    union
    select station_id, connector_id from transactions where connector_id > 0
),
talking as (
    -- stations with at least one message that did not come from the central system
    select distinct station_id
    from messages
    where coalesce(direction, 'in') = 'in'
)
select
    s.station_id,
    s.connector_id,
    t.station_id is not null as offline_tracked
from seen s
left join talking t on t.station_id = s.station_id
