-- Grain: one row per lock-failure episode in the analysis window, classified stuck_lock | driver_misuse |
-- undetermined with its reason and evidence (built in intermediate/lock_failures.sql).
with classified as (
    -- the lock failures with their evidence
    select *
    from lock_failures
)
select
    station_id,
    connector_id,
    started_at,
    ended_at,
    duration_s,
    classification,
    reason,
    transaction_id,
    unlock_attempts,
    unlock_result,
    reset_attempts,
    vendor_error_code,
    open,
    full_duration_s,
    error_code,
    status,
    status_before,
    status_after,
    vendor_id,
    vendor_signal,
    transaction_state,
    after_stop,
    at_plug_in,
    since_plug_in_s,
    since_stop_s,
    long_lasting,
    cleared_quickly,
    unlock_failed,
    reset_cleared,
    remote_commands,
    unlock_outcomes,
    reset_outcomes,
    next_transaction_id,
    info
from classified
order by station_id, connector_id, started_at
