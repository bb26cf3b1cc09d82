-- Grain: one row per alert for the analysis window, in a fixed order: by kind (stuck_lock_open,
-- lock_mechanism_suspected, uptime_below_target, chronic_station, error_code_rise), then station, connector, code
-- and time. Compares the window's conditions (temp table alert_conditions_current) with those of the previous
-- window of the same length (alert_conditions_previous), both from alert_conditions.sql, built by
-- src/analysis/alerts.ts. chronic_station and lock_mechanism_suspected fire when they hold now and did not in the
-- previous window; stuck_lock_open and uptime_below_target fire whenever they hold; error_code_rise fires when a
-- code's episodes rose by at least $alert_rise_min_share of its baseline and by at least $alert_rise_min_episodes
-- episodes. The baseline is the previous window's count scaled to the seconds the data covers of this window
-- ($current_covered_s) from the seconds it covers of the previous one ($previous_covered_s): the same count when
-- both are covered whole. The baseline is taken to one decimal, as the message and evidence give it: data that
-- begins or ends a few seconds into a window scales 10 to 10.0003 or 9.9988, which must neither stop a rise of 10
-- from alerting nor make the message name a scaling it did not show. A previous window the data covers less than
-- $alert_rise_min_coverage of ($window_length_s) is no baseline, and no code rises from it: a window before the data
-- began, or one the first export reached only at its end, says nothing of how often a code was raised there.
-- evidence is JSON text.
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
    -- each code's episodes now and in the previous window, and the baseline they are measured against
    select
        c.error_code,
        c.episodes,
        coalesce(p.episodes, 0) as previous_episodes,
        round(coalesce(p.episodes, 0) * $current_covered_s / $previous_covered_s, 1) as baseline,
        c.message as top_stations,
        c.evidence
    from current_conditions c
    left join previous_conditions p on p.kind = 'code_episodes' and p.match_key = c.match_key
    where c.kind = 'code_episodes'
        and $previous_covered_s > 0
        and $previous_covered_s >= $alert_rise_min_coverage * $window_length_s
),
measured as (
    select
        *,
        episodes - baseline as rise,
        round(least($previous_covered_s / $window_length_s, 1), 4) as previous_coverage,
        -- whole counts as they are, a scaled baseline and its rise to one decimal
        one_decimal(100 * least($previous_covered_s / $window_length_s, 1)) as previous_coverage_pct,
        one_decimal(100 * least($current_covered_s / $window_length_s, 1)) as current_coverage_pct,
        one_decimal(baseline) as baseline_text,
        one_decimal(episodes - baseline) as rise_text
    from compared
),
rises as (
    -- codes that rose by the share and by the count
    select
        'error_code_rise' as kind,
        cast(null as varchar) as station_id,
        cast(null as integer) as connector_id,
        error_code,
        cast(null as timestamptz) as sort_at,
        format('{}: {} episodes in this window against {} in the previous one{} (+{}{}), most on {} — look for a cause they share (firmware, site power, weather, a vehicle model)',
            error_code, episodes, previous_episodes,
            -- the scaling is named when it changed the count, and with this window's coverage when that is not whole
            case when baseline <> previous_episodes
                then format(', whose data covers {}% of it: {} over the {}',
                    previous_coverage_pct,
                    baseline_text,
                    case when current_coverage_pct = '100' then 'length this window covers'
                        else format('{}% of this window the data covers', current_coverage_pct) end)
                else '' end,
            rise_text,
            case when baseline > 0 then ', +' || cast(round(100.0 * rise / baseline) as bigint) || '%' else '' end,
            top_stations) as message,
        cast(json_merge_patch(evidence, json_object(
            'previous_episodes', previous_episodes,
            'previous_coverage', previous_coverage,
            'baseline_episodes', round(baseline, 1),
            'rise', round(rise, 1),
            'rise_pct', case when baseline > 0 then round(100.0 * rise / baseline, 1) end,
            'min_rise_share', $alert_rise_min_share,
            'min_rise_episodes', $alert_rise_min_episodes,
            'min_previous_coverage', $alert_rise_min_coverage
        )) as varchar) as evidence
    from measured
    where rise >= $alert_rise_min_episodes
        and episodes >= (1 + $alert_rise_min_share) * baseline
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
