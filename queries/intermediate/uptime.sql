-- Grain: one row per port (station and connector > 0 seen in the data): its down minutes in the analysis window
-- by cause, and uptime by the US NEVI formula scaled to the window:
-- uptime_pct = (window minutes - (outage minutes - excluded minutes)) / window minutes * 100.
-- The window is the requested one cut to the data (analysis_window); with no time in it uptime_pct is null.
-- below_target: uptime_pct is not above $uptime_target_pct (NEVI requires more than 97%).
-- Reads the temp tables uptime_ports, uptime_outages and analysis_window.
with per_port as (
    -- the outages of each port added up
    select
        station_id,
        connector_id,
        count(*) as outages,
        sum(minutes) as outage_min,
        sum(faulted_min) as faulted_min,
        sum(unavailable_min) as unavailable_min,
        sum(offline_min) as offline_min,
        sum(excluded_min) as excluded_min,
        max(minutes) as longest_outage_min
    from uptime_outages
    group by station_id, connector_id
),
figures as (
    -- every port, with no outage counting as zero minutes down
    select
        p.station_id,
        p.connector_id,
        p.offline_tracked,
        w.window_start,
        w.window_end,
        w.window_s / 60 as window_min,
        coalesce(o.faulted_min, 0) as faulted_min,
        coalesce(o.unavailable_min, 0) as unavailable_min,
        coalesce(o.offline_min, 0) as offline_min,
        coalesce(o.outage_min, 0) as outage_min,
        coalesce(o.excluded_min, 0) as excluded_min,
        coalesce(o.outages, 0) as outages,
        coalesce(o.longest_outage_min, 0) as longest_outage_min
    from uptime_ports p
    cross join analysis_window w
    left join per_port o on o.station_id = p.station_id and o.connector_id = p.connector_id
)
select
    station_id,
    connector_id,
    window_min,
    faulted_min,
    unavailable_min,
    offline_min,
    outage_min,
    excluded_min,
    case when window_min > 0 then 100 * (window_min - (outage_min - excluded_min)) / window_min end as uptime_pct,
    case when window_min > 0 then not (100 * (window_min - (outage_min - excluded_min)) / window_min > $uptime_target_pct) end as below_target,
    outages,
    longest_outage_min,
    offline_tracked,
    window_start,
    window_end
from figures
