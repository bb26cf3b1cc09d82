-- Grain: one row per StatusNotification whose effective time is in the window, with its UTC day.
select
    station_id,
    connector_id,
    status,
    error_code,
    info,
    vendor_id,
    vendor_error_code,
    reported_at,
    reported_at_text,
    received_at,
    effective_at,
    effective_source,
    known_status,
    known_error_code,
    info_too_long,
    reported_time_skew_s,
    reported_time_implausible,
    source,
    file_id,
    line_no,
    strftime(effective_at at time zone 'UTC', '%Y-%m-%d') as day
from status_notifications
where ($from is null or effective_at >= cast($from as timestamptz))
    and ($to is null or effective_at < cast($to as timestamptz))
