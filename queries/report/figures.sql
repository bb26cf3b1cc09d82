-- Grain: one row: the headline figures of the analysis window the temp tables were built for (the report's window,
-- or the window of the same length before it). Reads the temp tables analysis_window, episodes, lock_failures and
-- recurrence. Counts match summary_totals.sql and remediation_fleet.sql.
with episode_figures as (
    -- episodes, their spread and the time in Faulted
    select
        count(*) as episodes,
        count(*) filter (where open) as open_episodes,
        count(distinct station_id) as stations_affected,
        count(distinct (station_id, connector_id)) filter (where connector_id > 0) as connectors_affected,
        coalesce(sum(faulted_s), 0) / 3600 as downtime_h
    from episodes
),
lock_figures as (
    -- lock failures by class, and how remote unlocks fared on the stuck ones
    select
        count(*) as lock_failures,
        count(*) filter (where classification = 'stuck_lock') as stuck_lock,
        count(*) filter (where classification = 'driver_misuse') as driver_misuse,
        count(*) filter (where classification = 'undetermined') as undetermined,
        count(*) filter (where classification = 'stuck_lock' and unlock_attempts > 0) as unlock_tried,
        count(*) filter (where classification = 'stuck_lock' and resolution = 'remote unlock') as unlock_freed
    from lock_failures
),
chronic_figures as (
    -- stations with a chronic code
    select count(distinct station_id) filter (where chronic) as chronic_stations
    from recurrence
)
select
    w.requested_from,
    w.requested_to,
    w.window_start,
    w.window_end,
    w.window_s,
    e.episodes,
    e.open_episodes,
    e.stations_affected,
    e.connectors_affected,
    round(e.downtime_h, 6) as downtime_h,
    c.chronic_stations,
    l.lock_failures,
    l.stuck_lock,
    l.driver_misuse,
    l.undetermined,
    l.unlock_tried,
    l.unlock_freed,
    round(l.unlock_freed / nullif(l.unlock_tried, 0), 4) as unlock_success_rate
from analysis_window w, episode_figures e, lock_figures l, chronic_figures c
