-- Grain: one row per stuck lock in the analysis window, for the support desk: those still open first (newest
-- first), then the cleared ones (newest first); at most $max_rows rows, with total_rows saying how many there are.
-- Duration is the whole episode (to the end of the data while open). Reads the temp table lock_failures.
with stuck as (
    -- lock failures classified as stuck locks
    select *
    from lock_failures
    where classification = 'stuck_lock'
)
select
    station_id,
    connector_id,
    started_at,
    ended_at,
    open,
    full_duration_s,
    reason,
    unlock_attempts,
    unlock_result,
    reset_attempts,
    reset_outcomes,
    resolution,
    transaction_id,
    count(*) over () as total_rows
from stuck
order by open desc, started_at desc, station_id, connector_id
limit $max_rows
