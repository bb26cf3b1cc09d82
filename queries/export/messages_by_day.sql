-- Grain: one row per stored message received in the window ($from inclusive, $to exclusive; null = open), with its UTC day.
select
    station_id,
    received_at,
    direction,
    message_type,
    unique_id,
    action,
    payload,
    error_code,
    error_description,
    file_id,
    line_no,
    strftime(received_at at time zone 'UTC', '%Y-%m-%d') as day
from messages
where ($from is null or received_at >= cast($from as timestamptz))
    and ($to is null or received_at < cast($to as timestamptz))
