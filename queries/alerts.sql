-- Grain: one row per alert for the analysis window, in a fixed order: by kind (stuck_lock_open,
-- lock_mechanism_suspected, uptime_below_target, chronic_station, error_code_rise), then station, connector, code
-- and time. Compares the window's conditions (temp table alert_conditions_current) with those of the previous
-- window of the same length (alert_conditions_previous), both from alert_conditions.sql, built by
-- src/analysis/alerts.ts. chronic_station and lock_mechanism_suspected fire when they hold now and did not in the
-- previous window; stuck_lock_open and uptime_below_target fire whenever they hold; error_code_rise fires when a
-- code's episodes rose by at least $alert_rise_min_share of the previous count and by at least
-- $alert_rise_min_episodes, and only when the previous window holds data ($previous_has_data: a window before the
-- data began is no baseline to rise from). evidence is JSON text.
with current_conditions as (
    -- this window
    select *
    from alert_conditions_current
),
previous_conditions as (
    -- the window before it
    select *
    from alert_conditions_previous
),
became as (
    -- conditions that must be new: held now, not in the previous window
    select c.kind, c.station_id, c.connector_id, c.error_code, c.sort_at, c.message, c.evidence
    from current_conditions c
    where c.kind in ('chronic_station', 'lock_mechanism_suspected', 'station_silent')
        and not exists (select 1 from previous_conditions p where p.kind = c.kind and p.match_key = c.match_key)
),
standing as (
    -- conditions that alert whenever they hold
    select kind, station_id, connector_id, error_code, sort_at, message, evidence
    from current_conditions
    where kind in ('stuck_lock_open', 'uptime_below_target')
),
compared as (
    -- each code's episodes now and in the previous window
    select
        c.error_code,
        c.episodes,
        coalesce(p.episodes, 0) as previous_episodes,
        c.episodes - coalesce(p.episodes, 0) as rise,
        c.message as top_stations,
        c.evidence
    from current_conditions c
    left join previous_conditions p on p.kind = 'code_episodes' and p.match_key = c.match_key
    where c.kind = 'code_episodes'
),
rises as (
    -- codes that rose by the share and by the count
    select
        'error_code_rise' as kind,
        cast(null as varchar) as station_id,
        cast(null as integer) as connector_id,
        error_code,
        cast(null as timestamptz) as sort_at,
        format('{}: {} episodes in this window against {} in the previous one (+{}{}), most on {} — look for a cause they share (firmware, site power, weather, a vehicle model)',
            error_code, episodes, previous_episodes, rise,
            case when previous_episodes > 0 then ', +' || cast(round(100.0 * rise / previous_episodes) as bigint) || '%' else '' end,
            top_stations) as message,
        cast(json_merge_patch(evidence, json_object(
            'previous_episodes', previous_episodes,
            'rise', rise,
            'rise_pct', case when previous_episodes > 0 then round(100.0 * rise / previous_episodes, 1) end,
            'min_rise_share', $alert_rise_min_share,
            'min_rise_episodes', $alert_rise_min_episodes
        )) as varchar) as evidence
    from compared
    where $previous_has_data
        and rise >= $alert_rise_min_episodes
        and episodes >= (1 + $alert_rise_min_share) * previous_episodes
),
alerts as (
    -- every alert
    select * from became
    union all
    select * from standing
    union all
    select * from rises
)
select
    kind,
    station_id,
    connector_id,
    error_code,
    message,
    evidence
from alerts
order by
    case kind
        when 'stuck_lock_open' then 1
        when 'lock_mechanism_suspected' then 2
        when 'uptime_below_target' then 3
        when 'chronic_station' then 4
        when 'station_silent' then 5
        else 6
    end,
    station_id nulls first,
    connector_id nulls first,
    error_code nulls first,
    sort_at nulls first
