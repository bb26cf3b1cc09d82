-- Grain: one row per outage of a port that overlaps the analysis window: a maximal stretch of time the port was
-- down, Faulted or Unavailable (itself or connector 0) or with its station offline, whichever came first and
-- however they overlap (built in intermediate/uptime_outages.sql). started_at/ended_at are its real times;
-- minutes and the per-cause minutes are the part inside the window; cause is the one with the most minutes.
with outages as (
    -- the outages with their split by cause
    select *
    from uptime_outages
)
select
    station_id,
    connector_id,
    started_at,
    ended_at,
    round(minutes, 3) as minutes,
    cause,
    round(faulted_min, 3) as faulted_min,
    round(unavailable_min, 3) as unavailable_min,
    round(offline_min, 3) as offline_min,
    round(excluded_min, 3) as excluded_min,
    error_codes,
    station_wide,
    open,
    clipped_start,
    clipped_end,
    round(full_minutes, 3) as full_minutes
from outages
order by station_id, connector_id, started_at
