-- Grain: one row per vendor, model and firmware version (as BootNotifications named them; all null for stations
-- that never booted in the data) of the stations in the temp table report_scope (every station for an export; the
-- report's --station ones for a report): faults in the analysis window normalised per 100 sessions and per
-- connector-day, so fleets of different size compare. Each episode and session counts for what the station ran when
-- it started (its last boot at or before then, else its first boot); connector-days split each station's time in
-- the window, cut to the span of its own data, at its boots.
-- Reads the temp tables episodes, lock_failures, analysis_window and report_scope.
with first_boots as (
    -- each station's first boot, for whatever came before it
    select station_id, vendor, model, firmware_version
    from station_boots
    qualify row_number() over (partition by station_id order by booted_at) = 1
),
station_spans as (
    -- the stations covered, with their connectors and the span of their own data
    select
        s.station_id,
        coalesce(c.connectors, 0) as connectors,
        least(m.first_at, c.first_at) as first_at,
        greatest(m.last_at, c.last_at) as last_at
    from report_scope s
    left join (
        select station_id, min(received_at) as first_at, max(received_at) as last_at
        from messages
        group by station_id
    ) m on m.station_id = s.station_id
    left join (
        select station_id, count(distinct connector_id) filter (where connector_id > 0) as connectors,
            min(effective_at) as first_at, max(effective_at) as last_at
        from status_notifications
        group by station_id
    ) c on c.station_id = s.station_id
),
periods as (
    -- what each station ran from one boot to the next (the first boot also covers the time before it)
    select
        b.station_id,
        b.vendor,
        b.model,
        b.firmware_version,
        case when row_number() over w = 1 then '-infinity'::timestamptz else b.booted_at end as period_start,
        coalesce(lead(b.booted_at) over w, 'infinity'::timestamptz) as period_end
    from station_boots b
    semi join report_scope s on s.station_id = b.station_id
    window w as (partition by b.station_id order by b.booted_at)
    union all
    select s.station_id, null, null, null, '-infinity'::timestamptz, 'infinity'::timestamptz
    from report_scope s
    anti join station_boots b on b.station_id = s.station_id
),
exposure as (
    -- per period, the seconds of it inside the window and the station's data, and the station's connectors
    select
        p.vendor,
        p.model,
        p.firmware_version,
        p.station_id,
        greatest(
            epoch(least(p.period_end, w.window_end, t.last_at)) - epoch(greatest(p.period_start, w.window_start, t.first_at)),
            0) as overlap_s,
        t.connectors
    from periods p
    join station_spans t on t.station_id = p.station_id
    cross join analysis_window w
),
attributed_episodes as (
    -- each episode with what its station ran when it started
    select
        case when b.station_id is not null then b.vendor else f.vendor end as vendor,
        case when b.station_id is not null then b.model else f.model end as model,
        case when b.station_id is not null then b.firmware_version else f.firmware_version end as firmware_version,
        e.station_id,
        e.faulted,
        e.faulted_s,
        l.classification
    from episodes e
    asof left join station_boots b on b.station_id = e.station_id and b.booted_at <= e.started_at
    left join first_boots f on f.station_id = e.station_id
    left join lock_failures l on l.station_id = e.station_id and l.connector_id = e.connector_id and l.started_at = e.started_at
),
window_sessions as (
    -- transactions started in the window on the stations covered
    select t.station_id, t.started_at
    from transactions t
    semi join report_scope s on s.station_id = t.station_id
    cross join analysis_window w
    where t.started_at >= w.window_start and t.started_at < w.window_limit
),
attributed_sessions as (
    -- each session with what its station ran when it started
    select
        case when b.station_id is not null then b.vendor else f.vendor end as vendor,
        case when b.station_id is not null then b.model else f.model end as model,
        case when b.station_id is not null then b.firmware_version else f.firmware_version end as firmware_version
    from window_sessions t
    asof left join station_boots b on b.station_id = t.station_id and b.booted_at <= t.started_at
    left join first_boots f on f.station_id = t.station_id
),
fault_counts as (
    -- episodes per vendor, model and firmware
    select
        vendor, model, firmware_version,
        count(*) as episodes,
        count(*) filter (where faulted) as faulted_episodes,
        count(*) filter (where classification is not null) as lock_failures,
        count(*) filter (where classification = 'stuck_lock') as stuck_locks,
        sum(faulted_s) / 3600 as downtime_h,
        count(distinct station_id) as stations_affected
    from attributed_episodes
    group by all
),
session_counts as (
    -- sessions per vendor, model and firmware
    select vendor, model, firmware_version, count(*) as sessions
    from attributed_sessions
    group by all
),
exposure_totals as (
    -- stations, connectors and connector-days per vendor, model and firmware
    select
        vendor, model, firmware_version,
        count(distinct station_id) filter (where overlap_s > 0) as stations,
        sum(connectors * overlap_s) / 86400 as connector_days
    from exposure
    group by all
),
groups as (
    -- every vendor, model and firmware seen in any of the three
    select vendor, model, firmware_version from exposure_totals
    union
    select vendor, model, firmware_version from fault_counts
    union
    select vendor, model, firmware_version from session_counts
)
select
    g.vendor,
    g.model,
    g.firmware_version,
    coalesce(x.stations, 0) as stations,
    coalesce(f.stations_affected, 0) as stations_affected,
    round(coalesce(x.connector_days, 0), 3) as connector_days,
    coalesce(s.sessions, 0) as sessions,
    coalesce(f.episodes, 0) as episodes,
    coalesce(f.faulted_episodes, 0) as faulted_episodes,
    coalesce(f.lock_failures, 0) as lock_failures,
    coalesce(f.stuck_locks, 0) as stuck_locks,
    round(coalesce(f.downtime_h, 0), 3) as downtime_h,
    round(100 * coalesce(f.episodes, 0) / nullif(s.sessions, 0), 3) as episodes_per_100_sessions,
    round(coalesce(f.episodes, 0) / nullif(x.connector_days, 0), 4) as episodes_per_connector_day,
    round(coalesce(f.downtime_h, 0) / nullif(24 * x.connector_days, 0), 5) as downtime_share
from groups g
left join exposure_totals x
    on x.vendor is not distinct from g.vendor and x.model is not distinct from g.model and x.firmware_version is not distinct from g.firmware_version
left join fault_counts f
    on f.vendor is not distinct from g.vendor and f.model is not distinct from g.model and f.firmware_version is not distinct from g.firmware_version
left join session_counts s
    on s.vendor is not distinct from g.vendor and s.model is not distinct from g.model and s.firmware_version is not distinct from g.firmware_version
order by episodes_per_connector_day desc nulls last, episodes desc, g.vendor nulls last, g.model nulls last, g.firmware_version nulls last
