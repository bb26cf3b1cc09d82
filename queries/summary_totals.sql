-- Grain: one row: the analysis window and the headline figures in it.
with episode_totals as (
    -- episodes, open ones, spread and downtime
    select
        count(*) as episodes,
        count(*) filter (where open) as open_episodes,
        count(*) filter (where faulted) as faulted_episodes,
        count(distinct station_id) as stations_affected,
        count(distinct (station_id, connector_id)) filter (where connector_id > 0) as connectors_affected,
        coalesce(sum(faulted_s), 0) / 3600 as downtime_h
    from episodes
),
lock_totals as (
    -- lock failures by class
    select
        count(*) as lock_failures,
        count(*) filter (where classification = 'stuck_lock') as stuck_lock,
        count(*) filter (where classification = 'driver_misuse') as driver_misuse,
        count(*) filter (where classification = 'undetermined') as undetermined
    from lock_failures
),
connector_totals as (
    -- connectors with a suspected lock mechanism
    select count(*) filter (where mechanism_suspected) as mechanism_suspected_connectors
    from lock_connectors
),
chronic_totals as (
    -- stations and station-connector-code keys that are chronic
    select
        count(distinct station_id) filter (where chronic) as chronic_stations,
        count(*) filter (where chronic) as chronic_keys
    from recurrence
)
select
    w.requested_from,
    w.requested_to,
    w.data_start,
    w.data_end,
    w.window_start,
    w.window_end,
    round(w.window_s / 3600, 3) as window_h,
    e.episodes,
    e.open_episodes,
    e.faulted_episodes,
    e.stations_affected,
    e.connectors_affected,
    round(e.downtime_h, 6) as downtime_h,
    c.chronic_stations,
    c.chronic_keys,
    l.lock_failures,
    l.stuck_lock,
    l.driver_misuse,
    l.undetermined,
    k.mechanism_suspected_connectors
from analysis_window w, episode_totals e, lock_totals l, connector_totals k, chronic_totals c
