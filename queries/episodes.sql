-- Grain: one row per error episode on a station and connector that overlaps the analysis window
-- (built in intermediate/episodes.sql; connector 0 is the whole station). started_at/ended_at are the episode's
-- real times; duration_s and faulted_s are the part inside the window.
with ordered as (
    -- the episodes, each with its facts
    select *
    from episodes
)
select
    station_id,
    connector_id,
    error_code,
    status,
    started_at,
    ended_at,
    duration_s,
    open,
    notifications,
    info,
    vendor_id,
    vendor_error_code,
    status_before,
    status_after,
    ended_by_code,
    faulted,
    faulted_s,
    full_duration_s,
    clipped_start,
    clipped_end,
    transaction_id,
    transaction_started_at,
    last_stopped_transaction_id,
    last_stopped_at,
    last_stop_reason
from ordered
order by station_id, connector_id, started_at
