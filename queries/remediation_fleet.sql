-- Grain: one row for the whole fleet: how stuck locks in the analysis window were cleared, how often a remote
-- unlock freed the cable (of the stuck locks that got one) and how often a reset was needed.
with stuck as (
    -- the lock failures classified as stuck locks
    select *
    from lock_failures
    where classification = 'stuck_lock'
),
counted as (
    -- the outcomes, counted
    select
        count(*) as stuck_locks,
        count(*) filter (where unlock_attempts > 0) as with_unlock_attempt,
        count(*) filter (where resolution = 'remote unlock') as freed_by_unlock,
        count(*) filter (where unlock_failed) as with_unlock_failed,
        count(*) filter (where reset_attempts > 0) as with_reset_attempt,
        count(*) filter (where resolution = 'reset') as cleared_by_reset,
        count(*) filter (where resolution = 'by itself') as cleared_by_itself,
        count(*) filter (where resolution = 'unattributed') as unattributed,
        count(*) filter (where resolution = 'still open') as still_open,
        median(full_duration_s) filter (where not open) as median_time_to_clear_s,
        median(greatest(epoch(first_command_at) - epoch(started_at), 0)) as median_time_to_first_command_s
    from stuck
)
select
    stuck_locks,
    with_unlock_attempt,
    freed_by_unlock,
    round(freed_by_unlock / nullif(with_unlock_attempt, 0), 4) as unlock_success_rate,
    with_unlock_failed,
    with_reset_attempt,
    cleared_by_reset,
    round(cleared_by_reset / nullif(stuck_locks, 0), 4) as reset_needed_rate,
    cleared_by_itself,
    unattributed,
    still_open,
    round(median_time_to_clear_s, 3) as median_time_to_clear_s,
    round(median_time_to_first_command_s, 3) as median_time_to_first_command_s
from counted
