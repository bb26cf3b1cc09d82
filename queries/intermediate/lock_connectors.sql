-- Grain: one row per station and connector with at least one lock failure in the analysis window, with the
-- verdict on its lock mechanism. mechanism_suspected when lock failures repeat across plug-in attempts with no
-- successful session between them ($mechanism_min_failures or more within $mechanism_window_days days with no
-- successful session started between them, and at least $mechanism_min_failed_share of the plug-in attempts
-- failing), even when each episode alone looks like driver misuse; or when stuck locks repeat
-- ($mechanism_min_stuck_locks or more within the same days), which the first rule cannot see because a lock that
-- sticks after stopping follows a successful session. A failed plug-in followed by a successful session is what
-- driver misuse looks like (the domain reference: "a successful session often follows"), so failures that
-- alternate with successful sessions never add up to a suspect mechanism, whatever share of attempts failed.
-- Reads the temp tables lock_failures, status_changes, transactions and analysis_window.
with successful_starts as (
    -- each successful session's start (accepted, and not ended with no energy), with how many such sessions had
    -- started on the connector by then
    select
        station_id,
        connector_id,
        started_at,
        count(*) over (partition by station_id, connector_id order by started_at range unbounded preceding) as sessions_so_far
    from transactions
    where connector_id is not null
        and started_at is not null
        and coalesce(id_tag_status, 'Accepted') = 'Accepted'
        and not coalesce(meter_stop <= meter_start, false)
),
after_sessions as (
    -- each lock failure with how many successful sessions started on its connector before it: failures with the
    -- same count have no successful session between them
    select l.*, coalesce(s.sessions_so_far, 0) as sessions_before
    from lock_failures l
    asof left join successful_starts s
        on s.station_id = l.station_id
        and s.connector_id = l.connector_id
        and s.started_at < l.started_at
),
failures as (
    -- each lock failure with how many (how many stuck ones, how many with no successful session between them)
    -- started on the connector in the days up to it
    select
        *,
        count(*) over recent as recent_failures,
        count(*) over (partition by station_id, connector_id, sessions_before order by started_at
            range between to_days(cast($mechanism_window_days as integer)) preceding and current row) as recent_failures_between_sessions,
        -- a count, as a sum would give HUGEINT, which Parquet stores as DOUBLE
        (sum(case when classification = 'stuck_lock' then 1 else 0 end) over recent)::bigint as recent_stuck
    from after_sessions
    window recent as (partition by station_id, connector_id order by started_at
        range between to_days(cast($mechanism_window_days as integer)) preceding and current row)
),
per_connector as (
    -- lock failures per connector by class; failed attempts are those at a plug-in, or not during or after a
    -- transaction
    select
        station_id,
        connector_id,
        count(*) as lock_failures,
        count(*) filter (where classification = 'stuck_lock') as stuck_lock,
        count(*) filter (where classification = 'driver_misuse') as driver_misuse,
        count(*) filter (where classification = 'undetermined') as undetermined,
        count(*) filter (where at_plug_in or (not after_stop and not transaction_running)) as failed_attempts,
        max(recent_failures) as max_failures_in_days,
        max(recent_failures_between_sessions) as max_failures_between_sessions,
        max(recent_stuck) as max_stuck_in_days,
        min(started_at) as first_failure_at,
        max(started_at) as last_failure_at,
        count(*) filter (where open) as open_failures
    from failures
    group by station_id, connector_id
),
plug_ins as (
    -- the connector entering Preparing within the window
    select s.station_id, s.connector_id, count(*) as preparing_edges
    from status_changes s, analysis_window w
    where s.status = 'Preparing'
        and s.prev_status is distinct from 'Preparing'
        and s.changed_at >= w.window_start
        and s.changed_at < w.window_limit
    group by s.station_id, s.connector_id
),
sessions as (
    -- transactions started within the window; successful ones were accepted and did not end with no energy
    select
        t.station_id,
        t.connector_id,
        count(*) as sessions_started,
        count(*) filter (where coalesce(t.id_tag_status, 'Accepted') = 'Accepted'
            and not coalesce(t.meter_stop <= t.meter_start, false)) as successful_sessions
    from transactions t, analysis_window w
    where t.connector_id is not null
        and t.started_at >= w.window_start
        and t.started_at < w.window_limit
    group by t.station_id, t.connector_id
),
combined as (
    -- plug-in attempts: Preparing edges, or at least the sessions plus the failed attempts (chargers that skip Preparing)
    select
        f.*,
        greatest(coalesce(p.preparing_edges, 0), coalesce(s.sessions_started, 0) + f.failed_attempts) as plug_in_attempts,
        coalesce(s.sessions_started, 0) as sessions_started,
        coalesce(s.successful_sessions, 0) as successful_sessions
    from per_connector f
    left join plug_ins p on p.station_id = f.station_id and p.connector_id = f.connector_id
    left join sessions s on s.station_id = f.station_id and s.connector_id = f.connector_id
),
judged as (
    -- the two rules
    select
        *,
        round(failed_attempts / greatest(plug_in_attempts, 1), 4) as failed_attempt_share,
        max_failures_between_sessions >= $mechanism_min_failures
            and failed_attempts >= $mechanism_min_failed_share * plug_in_attempts as repeated_failed_plug_ins,
        max_stuck_in_days >= $mechanism_min_stuck_locks as repeated_stuck_locks
    from combined
)
select
    station_id,
    connector_id,
    lock_failures,
    stuck_lock,
    driver_misuse,
    undetermined,
    plug_in_attempts,
    successful_sessions,
    repeated_failed_plug_ins or repeated_stuck_locks as mechanism_suspected,
    concat_ws('; ',
        format('{} of {} plug-in attempts failed with a lock failure, {} successful session(s)', failed_attempts, plug_in_attempts, successful_sessions),
        format('{} lock failure(s) within {} days at most, {} with no successful session between them', max_failures_in_days, $mechanism_window_days, max_failures_between_sessions),
        case when repeated_stuck_locks then format('{} stuck locks within {} days', max_stuck_in_days, $mechanism_window_days) end
    ) as verdict_reason,
    failed_attempts,
    failed_attempt_share,
    sessions_started,
    max_failures_in_days,
    max_stuck_in_days,
    max_failures_between_sessions,
    repeated_failed_plug_ins,
    repeated_stuck_locks,
    open_failures,
    first_failure_at,
    last_failure_at
from judged
