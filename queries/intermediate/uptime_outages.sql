-- Grain: one row per outage of a port that overlaps the analysis window: a maximal stretch of time the port was
-- down for any cause (the union of its uptime_periods; periods that overlap or touch merge). started_at/ended_at
-- are its real times (ended_at = data_end while open); the *_min figures are minutes inside the window: minutes
-- the outage lasted, and the union of each cause's periods within it (causes overlap, so they may add up to more).
-- excluded_min is the part of it that only excluded periods explain. Reads the temp tables uptime_periods and
-- analysis_window.
with layered as (
    -- every period under its cause, again under 'outage' (any cause), and under 'counted' unless excluded
    select station_id, connector_id, cause as layer, started_at, ended_at from uptime_periods
    union all
    select station_id, connector_id, 'outage', started_at, ended_at from uptime_periods
    union all
    select station_id, connector_id, 'counted', started_at, ended_at from uptime_periods where not excluded
),
reaching as (
    -- how far the earlier periods of the same port and layer reach
    select
        *,
        max(ended_at) over (
            partition by station_id, connector_id, layer order by started_at, ended_at
            rows between unbounded preceding and 1 preceding
        ) as reach
    from layered
),
numbered as (
    -- a new stretch starts where a period begins after everything before it has ended
    select
        *,
        sum(case when reach is null or started_at > reach then 1 else 0 end) over (
            partition by station_id, connector_id, layer order by started_at, ended_at
            rows between unbounded preceding and current row
        ) as stretch
    from reaching
),
stretches as (
    -- the merged stretches of each port and layer, with their minutes inside the window
    select
        n.station_id,
        n.connector_id,
        n.layer,
        min(n.started_at) as started_at,
        max(n.ended_at) as ended_at,
        greatest(epoch(least(max(n.ended_at), w.window_end)) - epoch(greatest(min(n.started_at), w.window_start)), 0) / 60 as window_min
    from numbered n, analysis_window w
    group by n.station_id, n.connector_id, n.layer, n.stretch, w.window_start, w.window_end
),
outages as (
    -- the outages: stretches of any cause with time inside the window
    select station_id, connector_id, started_at, ended_at, window_min
    from stretches
    where layer = 'outage' and window_min > 0
),
split as (
    -- each cause's minutes inside each outage (a stretch of one layer lies within exactly one outage)
    select
        o.station_id,
        o.connector_id,
        o.started_at,
        coalesce(sum(s.window_min) filter (where s.layer = 'faulted'), 0) as faulted_min,
        coalesce(sum(s.window_min) filter (where s.layer = 'unavailable'), 0) as unavailable_min,
        coalesce(sum(s.window_min) filter (where s.layer = 'offline'), 0) as offline_min,
        coalesce(sum(s.window_min) filter (where s.layer = 'counted'), 0) as counted_min
    from outages o
    join stretches s
        on s.station_id = o.station_id and s.connector_id = o.connector_id and s.layer <> 'outage'
        and s.started_at >= o.started_at and s.started_at <= o.ended_at
    group by o.station_id, o.connector_id, o.started_at
),
details as (
    -- what the periods of each outage say: its fault codes, whether connector 0 took part, whether it still goes on
    select
        o.station_id,
        o.connector_id,
        o.started_at,
        string_agg(distinct p.error_code, ', ' order by p.error_code) as error_codes,
        bool_or(coalesce(p.source_connector_id = 0, false)) as station_wide,
        bool_or(p.open) as open
    from outages o
    join uptime_periods p
        on p.station_id = o.station_id and p.connector_id = o.connector_id
        and p.started_at >= o.started_at and p.started_at <= o.ended_at
    group by o.station_id, o.connector_id, o.started_at
)
select
    o.station_id,
    o.connector_id,
    o.started_at,
    case when not d.open then o.ended_at end as ended_at,
    o.window_min as minutes,
    case
        when s.faulted_min >= s.unavailable_min and s.faulted_min >= s.offline_min then 'faulted'
        when s.unavailable_min >= s.offline_min then 'unavailable'
        else 'offline'
    end as cause,
    s.faulted_min,
    s.unavailable_min,
    s.offline_min,
    o.window_min - s.counted_min as excluded_min,
    d.error_codes,
    d.station_wide,
    d.open,
    o.started_at < w.window_start as clipped_start,
    o.ended_at > w.window_end as clipped_end,
    (epoch(o.ended_at) - epoch(o.started_at)) / 60 as full_minutes
from outages o
join split s on s.station_id = o.station_id and s.connector_id = o.connector_id and s.started_at = o.started_at
join details d on d.station_id = o.station_id and d.connector_id = o.connector_id and d.started_at = o.started_at
cross join analysis_window w
