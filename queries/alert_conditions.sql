-- Grain: one row per condition in the analysis window that an alert may be raised on; alerts.sql compares the
-- conditions of the window with those of the previous window of the same length. Kinds:
--   chronic_station           a station with a chronic code on some connector (connector and code: its worst key)
--   stuck_lock_open           a stuck lock still open at the window end, unless its station is silent
--   lock_mechanism_suspected  a connector whose lock mechanism is suspected
--   code_episodes             an error code's episodes that started in the window, fleet-wide (not an alert itself)
--   uptime_below_target       a port whose uptime is not above the target
--   station_silent            a station that has sent nothing for $silent_station_days days before the window end
-- match_key is what "the same condition" is in another window. message is the alert's one line for support; for
-- code_episodes, whose line alerts.sql writes (it knows the previous count), it holds the stations with the most
-- episodes. evidence is a JSON object with the numbers behind it (times as ISO 8601 UTC text). Reads the temp tables recurrence, lock_failures, lock_connectors, episodes, uptime,
-- uptime_periods and analysis_window. Parameters: $chronic_min_episodes, $chronic_window_days,
-- $mechanism_window_days, $uptime_target_pct, $silent_station_days.
with chronic_keys as (
    -- chronic station, connector and code keys, the worst of each station first
    select
        *,
        case when connector_id = 0 then 'the whole station' else 'connector ' || connector_id end as place,
        row_number() over (
            partition by station_id
            order by max_episodes_in_chronic_window desc, episodes desc, connector_id, error_code
        ) as position
    from recurrence
    where chronic
),
chronic_stations as (
    -- stations with a chronic key, what is chronic there and how often it came back
    select
        'chronic_station' as kind,
        station_id as match_key,
        station_id,
        arg_min(connector_id, position) as connector_id,
        arg_min(error_code, position) as error_code,
        min(first_seen) as sort_at,
        cast(null as bigint) as episodes,
        format('{} became chronic (not in the previous window): {} — plan a technician visit to find the root cause',
            station_id,
            string_agg(format('{} on {}, {} episodes within {} days', error_code, place, max_episodes_in_chronic_window, $chronic_window_days), '; ' order by position)
        ) as message,
        json_object(
            'chronic', to_json(list(json_object(
                'connector_id', connector_id,
                'error_code', error_code,
                'episodes', episodes,
                'max_episodes_in_chronic_window', max_episodes_in_chronic_window,
                'first_seen', strftime(first_seen, '%Y-%m-%dT%H:%M:%S.%gZ'),
                'last_seen', strftime(last_seen, '%Y-%m-%dT%H:%M:%S.%gZ'),
                'repeats_within_24h', repeats_within_24h,
                'downtime_h', downtime_h
            ) order by position)),
            'chronic_min_episodes', $chronic_min_episodes,
            'chronic_window_days', $chronic_window_days
        ) as evidence
    from chronic_keys
    group by station_id
),
silent_stations as (
    -- stations whose last message is $silent_station_days days or more before the window end; their ports are out
    -- of uptime (uptime_ports)
    select
        'station_silent' as kind,
        m.station_id as match_key,
        m.station_id,
        cast(null as integer) as connector_id,
        cast(null as varchar) as error_code,
        max(m.received_at) as sort_at,
        cast(null as bigint) as episodes,
        format('{} has sent nothing since {} ({} before the window end) — its ports are left out of uptime; check whether it was decommissioned, or its power, network link and the export that brings its logs',
            m.station_id, strftime(max(m.received_at), '%Y-%m-%d %H:%M UTC'),
            human_duration(epoch(any_value(w.window_end)) - epoch(max(m.received_at)))) as message,
        json_object(
            'last_message_at', strftime(max(m.received_at), '%Y-%m-%dT%H:%M:%S.%gZ'),
            'silent_days', round((epoch(any_value(w.window_end)) - epoch(max(m.received_at))) / 86400, 2),
            'silent_station_days', $silent_station_days
        ) as evidence
    from messages m, analysis_window w
    where coalesce(m.direction, 'in') = 'in'
    group by m.station_id
    having max(m.received_at) < any_value(w.window_end) - to_days($silent_station_days)
),
open_stuck_locks as (
    -- stuck locks that had not ended at the window end, with the next thing to try
    select
        l.*,
        epoch(w.window_end) - epoch(l.started_at) as open_s,
        case
            when l.unlock_attempts = 0 then 'send a remote UnlockConnector, then a Reset if it fails'
            when l.reset_attempts = 0 then format('remote unlock tried ({}); send a Reset', l.unlock_result)
            else 'remote unlock and Reset tried; send a technician'
        end as next_step
    from lock_failures l, analysis_window w
    where l.classification = 'stuck_lock'
        and (l.ended_at is null or l.ended_at > w.window_end)
        -- a station silent for days cannot take a remote unlock, and would alert every night as long as it stays
        -- silent: its station_silent alert, once, says what to do
        and l.station_id not in (select station_id from silent_stations)
),
stuck_locks as (
    -- one condition per open stuck lock
    select
        'stuck_lock_open' as kind,
        station_id || '/' || connector_id || '/' || strftime(started_at, '%Y-%m-%dT%H:%M:%S.%f') as match_key,
        station_id,
        connector_id,
        error_code,
        started_at as sort_at,
        cast(null as bigint) as episodes,
        format('{} connector {}: cable locked since {} UTC, {} at the window end — {}. {}',
            station_id, connector_id, strftime(started_at, '%Y-%m-%d %H:%M'), human_duration(open_s), next_step,
            -- the classification's reason starts a sentence here
            upper(left(reason, 1)) || substr(reason, 2)) as message,
        json_object(
            'started_at', strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ'),
            'open_s', round(open_s, 3),
            'transaction_id', transaction_id,
            'transaction_state', transaction_state,
            'unlock_attempts', unlock_attempts,
            'unlock_result', unlock_result,
            'unlock_outcomes', unlock_outcomes,
            'reset_attempts', reset_attempts,
            'reset_outcomes', reset_outcomes,
            'vendor_error_code', vendor_error_code,
            'reason', reason
        ) as evidence
    from open_stuck_locks
),
mechanisms as (
    -- connectors whose lock mechanism is suspected
    select
        'lock_mechanism_suspected' as kind,
        station_id || '/' || connector_id as match_key,
        station_id,
        connector_id,
        'ConnectorLockFailure' as error_code,
        first_failure_at as sort_at,
        cast(null as bigint) as episodes,
        format('{} connector {}: lock mechanism suspected (not in the previous window): {} — inspect the lock actuator and latch',
            station_id, connector_id, verdict_reason) as message,
        json_object(
            'lock_failures', lock_failures,
            'stuck_lock', stuck_lock,
            'driver_misuse', driver_misuse,
            'undetermined', undetermined,
            'failed_attempts', failed_attempts,
            'plug_in_attempts', plug_in_attempts,
            'failed_attempt_share', failed_attempt_share,
            'successful_sessions', successful_sessions,
            'max_failures_in_days', max_failures_in_days,
            'max_failures_between_sessions', max_failures_between_sessions,
            'max_stuck_in_days', max_stuck_in_days,
            'days', $mechanism_window_days,
            'repeated_failed_plug_ins', repeated_failed_plug_ins,
            'repeated_stuck_locks', repeated_stuck_locks,
            'first_failure_at', strftime(first_failure_at, '%Y-%m-%dT%H:%M:%S.%gZ'),
            'last_failure_at', strftime(last_failure_at, '%Y-%m-%dT%H:%M:%S.%gZ')
        ) as evidence
    from lock_connectors
    where mechanism_suspected
),
started_episodes as (
    -- episodes that started in the window (an episode running on from the previous window is not counted again)
    select e.*
    from episodes e, analysis_window w
    where e.started_at >= w.window_start
),
code_stations as (
    -- episodes per code and station, most first
    select
        error_code,
        station_id,
        count(*) as episodes,
        row_number() over (partition by error_code order by count(*) desc, station_id) as position
    from started_episodes
    group by error_code, station_id
),
code_counts as (
    -- episodes per code, and the stations with the most of them
    select
        'code_episodes' as kind,
        error_code as match_key,
        cast(null as varchar) as station_id,
        cast(null as integer) as connector_id,
        error_code,
        cast(null as timestamptz) as sort_at,
        sum(episodes) as episodes,
        string_agg(format('{} ({})', station_id, episodes), ', ' order by position) filter (where position <= 3) as message,
        json_object(
            'episodes', sum(episodes),
            'stations', count(*),
            'top_stations', to_json(list(json_object('station_id', station_id, 'episodes', episodes) order by position) filter (where position <= 5))
        ) as evidence
    from code_stations
    group by error_code
),
port_codes as (
    -- minutes Faulted per port and code inside the window, most first
    select
        p.station_id,
        p.connector_id,
        p.error_code,
        sum(epoch(least(p.ended_at, w.window_end)) - epoch(greatest(p.started_at, w.window_start))) / 60 as minutes,
        row_number() over (partition by p.station_id, p.connector_id order by sum(epoch(least(p.ended_at, w.window_end)) - epoch(greatest(p.started_at, w.window_start))) desc, p.error_code) as position
    from uptime_periods p, analysis_window w
    where p.cause = 'faulted' and p.error_code is not null
    group by p.station_id, p.connector_id, p.error_code
),
port_faults as (
    -- the fault codes of each port, the longest first
    select
        station_id,
        connector_id,
        arg_min(error_code, position) as top_code,
        string_agg(error_code, ', ' order by position) as codes
    from port_codes
    group by station_id, connector_id
),
low_uptime as (
    -- ports not above the uptime target, with what kept them down
    select
        u.*,
        f.top_code,
        f.codes,
        case
            when u.faulted_min >= u.unavailable_min and u.faulted_min >= u.offline_min then 'look into the fault codes; reset or repair the connector'
            when u.unavailable_min >= u.offline_min then 'find out why it was set Unavailable (ChangeAvailability, maintenance) and bring it back'
            else 'check the station''s network link and power'
        end as next_step
    from uptime u
    left join port_faults f on f.station_id = u.station_id and f.connector_id = u.connector_id
    where u.below_target
),
uptime_alerts as (
    -- one condition per port below the target
    select
        'uptime_below_target' as kind,
        station_id || '/' || connector_id as match_key,
        station_id,
        connector_id,
        top_code as error_code,
        cast(null as timestamptz) as sort_at,
        cast(null as bigint) as episodes,
        format('{} connector {}: uptime {}% in the window (target: above {}%), down {} of {}: {} — {}',
            station_id, connector_id, printf('%.2f', uptime_pct), $uptime_target_pct,
            human_duration((outage_min - excluded_min) * 60), human_duration(window_min * 60),
            concat_ws(', ',
                case when faulted_min > 0 then format('{} Faulted ({})', human_duration(faulted_min * 60), codes) end,
                case when unavailable_min > 0 then format('{} Unavailable', human_duration(unavailable_min * 60)) end,
                case when offline_min > 0 then format('{} offline', human_duration(offline_min * 60)) end
            ),
            next_step) as message,
        json_object(
            'uptime_pct', round(uptime_pct, 2),
            'target_pct', $uptime_target_pct,
            'window_minutes', round(window_min, 3),
            'outage_min', round(outage_min, 3),
            'excluded_min', round(excluded_min, 3),
            'faulted_min', round(faulted_min, 3),
            'unavailable_min', round(unavailable_min, 3),
            'offline_min', round(offline_min, 3),
            'outages', outages,
            'longest_outage_min', round(longest_outage_min, 3),
            'fault_codes', codes
        ) as evidence
    from low_uptime
),
conditions as (
    -- all kinds together
    select * from chronic_stations
    union all
    select * from stuck_locks
    union all
    select * from mechanisms
    union all
    select * from code_counts
    union all
    select * from uptime_alerts
    union all
    select * from silent_stations
)
select
    kind,
    match_key,
    station_id,
    connector_id,
    error_code,
    sort_at,
    episodes,
    message,
    cast(evidence as varchar) as evidence
from conditions
