-- Grain: one row per port: a station and connector id > 0 seen anywhere in the data (status notifications or
-- transactions). offline_tracked says whether the station sent messages at all: a station known only from a
-- status CSV has no messages, so its offline time cannot be judged and counts as zero. A silent station (nothing
-- from it for $silent_station_days days before the window's end: decommissioned, or its export stopped) has no
-- ports: alert_conditions reports it once instead. Reads the temp table analysis_window.
with seen as (
    -- connector ids > 0 per station, from notifications and transactions
    select station_id, connector_id from status_notifications where connector_id > 0
    union
    select station_id, connector_id from transactions where connector_id > 0
),
talking as (
    -- stations with at least one message that did not come from the central system, and their last one
    select station_id, max(received_at) as last_message_at
    from messages
    where coalesce(direction, 'in') = 'in'
    group by station_id
)
select
    s.station_id,
    s.connector_id,
    t.station_id is not null as offline_tracked
from seen s
left join talking t on t.station_id = s.station_id
where t.last_message_at is null
    or t.last_message_at >= (select window_end from analysis_window) - to_days($silent_station_days)
