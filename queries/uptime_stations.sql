-- Grain: one row per station with at least one port: its ports' uptime in the analysis window put together
-- (built from intermediate/uptime.sql). Minutes are port-minutes (a station with two ports down for 10 minutes has
-- 20 outage port-minutes) except offline_min, which is the station's own; uptime_pct is the share of port-minutes
-- up, i.e. the mean of its ports' uptime (all ports share the window).
with per_station as (
    -- the ports of each station added up, and the worst port
    select
        station_id,
        count(*) as ports,
        any_value(window_min) as window_min,
        sum(faulted_min) as faulted_port_min,
        sum(unavailable_min) as unavailable_port_min,
        max(offline_min) as offline_min,
        sum(outage_min) as outage_port_min,
        sum(excluded_min) as excluded_port_min,
        avg(uptime_pct) as uptime_pct,
        min(uptime_pct) as min_uptime_pct,
        arg_min(connector_id, (uptime_pct, connector_id)) as worst_connector_id,
        count(*) filter (where below_target) as ports_below_target,
        bool_and(offline_tracked) as offline_tracked
    from uptime
    group by station_id
)
select
    station_id,
    ports,
    round(window_min, 3) as window_minutes,
    round(faulted_port_min, 3) as faulted_port_min,
    round(unavailable_port_min, 3) as unavailable_port_min,
    round(offline_min, 3) as offline_min,
    round(outage_port_min, 3) as outage_port_min,
    round(excluded_port_min, 3) as excluded_port_min,
    round(uptime_pct, 2) as uptime_pct,
    round(min_uptime_pct, 2) as min_uptime_pct,
    worst_connector_id,
    ports_below_target,
    offline_tracked
from per_station
order by station_id
