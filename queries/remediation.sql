-- Grain: one row per stuck lock in the analysis window: the remote unlock and reset attempts made while it
-- lasted, their outcomes, and what cleared it (resolution: remote unlock | reset | by itself | unattributed |
-- still open).
with stuck as (
    -- the lock failures classified as stuck locks
    select *
    from lock_failures
    where classification = 'stuck_lock'
)
select
    station_id,
    connector_id,
    started_at,
    ended_at,
    duration_s,
    open,
    resolution,
    unlock_attempts,
    unlock_outcomes,
    unlock_result,
    unlock_freed,
    first_unlock_at,
    reset_attempts,
    reset_outcomes,
    reset_cleared,
    last_reset_at,
    remote_commands,
    -- 0 for an unlock under way when the failure was raised
    round(greatest(epoch(first_command_at) - epoch(started_at), 0), 3) as time_to_first_command_s,
    full_duration_s,
    transaction_id,
    reason
from stuck
order by station_id, connector_id, started_at
