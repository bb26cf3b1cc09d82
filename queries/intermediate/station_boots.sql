-- Grain: one row per BootNotification a station sent, with the registration status the central system answered.
-- Reads derived_messages: the messages these derived tables need, which each run adds its own to.
with boots as (
    -- BootNotification requests
    select station_id, unique_id, received_at, payload
    from derived_messages
    where message_type = 2 and action = 'BootNotification'
),
answers as (
    -- the central system's answers to them
    select station_id, unique_id, received_at, payload
    from derived_messages
    where message_type = 3 and action = 'BootNotification'
)
select
    b.station_id,
    b.received_at as booted_at,
    json_text(b.payload, '$.chargePointVendor') as vendor,
    json_text(b.payload, '$.chargePointModel') as model,
    json_text(b.payload, '$.firmwareVersion') as firmware_version,
    coalesce(json_text(b.payload, '$.chargePointSerialNumber'), json_text(b.payload, '$.chargeBoxSerialNumber')) as serial_number,
    json_text(a.payload, '$.status') as registration_status,
    try_cast(json_text(a.payload, '$.interval') as integer) as heartbeat_interval_s
from boots b
asof left join answers a
    on a.station_id = b.station_id and a.unique_id = b.unique_id and a.received_at >= b.received_at
