-- Grain: one row per station, connector and error code with at least one episode in the analysis window
-- (built in intermediate/recurrence.sql): how often the code returns there, and whether it is chronic.
with keyed as (
    -- the recurrence figures per station, connector and code
    select *
    from recurrence
)
select
    station_id,
    connector_id,
    error_code,
    episodes,
    first_seen,
    last_seen,
    distinct_days,
    median_gap_h,
    repeats_within_24h,
    mttr_s,
    mtbf_h,
    chronic,
    max_episodes_in_chronic_window,
    open_episodes,
    faulted_episodes,
    downtime_h
from keyed
order by station_id, connector_id, error_code
