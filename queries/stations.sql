-- Grain: one row per station with at least one episode in the analysis window, ranked by impact: downtime
-- (time in Faulted) first, then the number of chronic codes, then episodes. Vendor, model and firmware are
-- from the station's last BootNotification at or before the window end (else its first one).
with per_station as (
    -- episodes, downtime and repair time per station
    select
        station_id,
        count(*) as episodes,
        count(*) filter (where open) as open_episodes,
        count(*) filter (where connector_id = 0) as station_wide_episodes,
        count(distinct connector_id) filter (where connector_id > 0) as connectors_affected,
        count(distinct error_code) as codes,
        sum(faulted_s) / 3600 as downtime_h,
        avg(duration_s) as mttr_s,
        min(started_at) as first_seen,
        max(started_at) as last_seen
    from episodes
    group by station_id
),
code_counts as (
    -- episodes per station and code, most frequent first
    select
        station_id,
        error_code,
        row_number() over (partition by station_id order by count(*) desc, error_code) as position
    from episodes
    group by station_id, error_code
),
chronic as (
    -- codes that are chronic on some connector of the station
    select
        station_id,
        count(distinct error_code) as chronic_codes,
        string_agg(distinct error_code, ', ' order by error_code) as chronic_code_list
    from recurrence
    where chronic
    group by station_id
),
locks as (
    -- lock failures and stuck locks per station
    select
        station_id,
        count(*) as lock_failures,
        count(*) filter (where classification = 'stuck_lock') as stuck_locks
    from lock_failures
    group by station_id
),
mechanisms as (
    -- connectors whose lock mechanism is suspected
    select station_id, count(*) filter (where mechanism_suspected) as mechanism_suspected_connectors
    from lock_connectors
    group by station_id
),
boots as (
    -- the station's last boot at or before the window end, else its first
    select b.station_id, b.vendor, b.model, b.firmware_version
    from station_boots b, analysis_window w
    qualify row_number() over (
        partition by b.station_id
        order by b.booted_at <= w.window_end desc,
            case when b.booted_at <= w.window_end then b.booted_at end desc,
            b.booted_at
    ) = 1
),
ranked as (
    -- every station's figures, ranked by impact
    select
        s.*,
        coalesce(c.chronic_codes, 0) as chronic_codes,
        c.chronic_code_list,
        t.error_code as top_code,
        coalesce(l.lock_failures, 0) as lock_failures,
        coalesce(l.stuck_locks, 0) as stuck_locks,
        coalesce(m.mechanism_suspected_connectors, 0) as mechanism_suspected_connectors,
        b.vendor,
        b.model,
        b.firmware_version,
        row_number() over (order by s.downtime_h desc, coalesce(c.chronic_codes, 0) desc, s.episodes desc, s.station_id) as rank
    from per_station s
    left join chronic c on c.station_id = s.station_id
    left join code_counts t on t.station_id = s.station_id and t.position = 1
    left join locks l on l.station_id = s.station_id
    left join mechanisms m on m.station_id = s.station_id
    left join boots b on b.station_id = s.station_id
)
select
    rank,
    station_id,
    episodes,
    round(downtime_h, 6) as downtime_h,
    chronic_codes > 0 as chronic,
    chronic_codes,
    chronic_code_list,
    open_episodes,
    station_wide_episodes,
    connectors_affected,
    codes,
    top_code,
    round(mttr_s, 3) as mttr_s,
    first_seen,
    last_seen,
    lock_failures,
    stuck_locks,
    mechanism_suspected_connectors,
    vendor,
    model,
    firmware_version
from ranked
order by rank
