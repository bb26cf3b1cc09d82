-- Grain: one row per port (station and connector > 0 seen in the data) with its uptime in the analysis window by
-- the US NEVI formula scaled to the window (built in intermediate/uptime.sql):
-- uptime_pct = (window_min - (outage_min - excluded_min)) / window_min * 100. Minutes are rounded to 3 decimals
-- and uptime_pct to 2; below_target is judged before rounding.
with ports as (
    -- the ports and their figures
    select *
    from uptime
)
select
    station_id,
    connector_id,
    round(window_min, 3) as window_minutes,
    round(faulted_min, 3) as faulted_min,
    round(unavailable_min, 3) as unavailable_min,
    round(offline_min, 3) as offline_min,
    round(outage_min, 3) as outage_min,
    round(excluded_min, 3) as excluded_min,
    round(uptime_pct, 2) as uptime_pct,
    below_target,
    outages,
    round(longest_outage_min, 3) as longest_outage_min,
    offline_tracked,
    window_start,
    window_end
from ports
order by station_id, connector_id
