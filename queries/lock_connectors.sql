-- Grain: one row per station and connector with at least one lock failure in the analysis window, with the
-- verdict on its lock mechanism (built in intermediate/lock_connectors.sql).
with judged as (
    -- the connectors and their verdicts
    select *
    from lock_connectors
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
    mechanism_suspected,
    verdict_reason,
    failed_attempts,
    failed_attempt_share,
    sessions_started,
    max_failures_in_days,
    max_stuck_in_days,
    open_failures,
    first_failure_at,
    last_failure_at,
    max_failures_between_sessions
from judged
order by mechanism_suspected desc, lock_failures desc, station_id, connector_id
