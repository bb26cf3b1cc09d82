-- Grain: one row per change on a connector: a StatusNotification whose status or error code differs from the
-- previous notification on the same station and connector (ordered by effective time, received time, file and
-- line), standing for the run of identical notifications it starts. Window-independent: all data.
-- Notifications without a usable connector id are left out (data_quality reports them).
with ordered as (
    -- every notification with its predecessor on the connector
    select
        station_id,
        connector_id,
        effective_at,
        received_at,
        file_id,
        line_no,
        status,
        error_code,
        info,
        vendor_id,
        vendor_error_code,
        row_number() over w as seq,
        count(*) over (partition by station_id, connector_id) as connector_notifications,
        lag(status) over w as prev_status,
        lag(error_code) over w as prev_error_code
    from status_notifications
    where connector_id is not null
    window w as (partition by station_id, connector_id order by effective_at, received_at, file_id, line_no)
),
changes as (
    -- the first notification of each run of identical status and error code
    select *
    from ordered
    where seq = 1 or status is distinct from prev_status or error_code is distinct from prev_error_code
),
linked as (
    -- each change with the next one, and the time its status (ignoring the error code) began
    select
        *,
        lead(seq) over w as next_seq,
        lead(effective_at) over w as next_changed_at,
        lead(status) over w as next_status,
        lead(error_code) over w as next_error_code,
        max(case when seq = 1 or status is distinct from prev_status then effective_at end) over (w rows between unbounded preceding and current row) as status_started_at
    from changes
    window w as (partition by station_id, connector_id order by seq)
)
select
    station_id,
    connector_id,
    seq,
    effective_at as changed_at,
    received_at,
    file_id,
    line_no,
    status,
    error_code,
    coalesce(error_code, 'NoError') <> 'NoError' as is_error,
    info,
    vendor_id,
    vendor_error_code,
    prev_status,
    prev_error_code,
    status_started_at,
    coalesce(next_seq, connector_notifications + 1) - seq as notifications,
    next_changed_at,
    next_status,
    next_error_code,
    connector_notifications
from linked
