-- Grain: one row per transaction: a StartTransaction with the transactionId its answer gave, joined to the
-- first StopTransaction for that id on the station after it; stops whose start is not in the data stand alone.
-- Parameters: $max_behind_s, $max_ahead_s (payload-time plausibility).
-- Reads derived_messages: the messages these derived tables need, which each run adds its own to. A zone-less
-- payload time is read in the zone its file was ingested in (files.time_zone, the run's --tz), as the status
-- notifications' are at ingest; UTC for files ingested before that was kept.
with zoned as (
    -- the derived messages with the zone of their file
    select m.*, coalesce(f.time_zone, 'UTC') as time_zone
    from derived_messages m
    left join files f on f.file_id = m.file_id
    where m.action in ('StartTransaction', 'StopTransaction')
),
start_calls as (
    -- StartTransaction requests from the charger
    select station_id, unique_id, received_at, payload, time_zone
    from zoned
    where message_type = 2 and action = 'StartTransaction'
),
start_answers as (
    -- their CALLRESULTs, which carry the transaction id
    select station_id, unique_id, received_at, payload
    from zoned
    where message_type = 3 and action = 'StartTransaction'
),
starts as (
    -- each start with the first answer to it
    select
        c.station_id,
        try_cast(json_text(c.payload, '$.connectorId') as integer) as connector_id,
        json_text(c.payload, '$.idTag') as id_tag,
        coalesce(plausible_time(parse_time(json_text(c.payload, '$.timestamp'), c.time_zone), c.received_at, $max_behind_s, $max_ahead_s), c.received_at) as started_at,
        try_cast(json_text(c.payload, '$.meterStart') as bigint) as meter_start,
        try_cast(json_text(a.payload, '$.transactionId') as bigint) as transaction_id,
        json_text(a.payload, '$.idTagInfo.status') as id_tag_status,
        c.unique_id as start_unique_id
    from start_calls c
    asof left join start_answers a
        on a.station_id = c.station_id and a.unique_id = c.unique_id and a.received_at >= c.received_at
),
stops as (
    -- StopTransaction requests, keyed by the transaction they end
    select
        station_id,
        try_cast(json_text(payload, '$.transactionId') as bigint) as transaction_id,
        coalesce(plausible_time(parse_time(json_text(payload, '$.timestamp'), time_zone), received_at, $max_behind_s, $max_ahead_s), received_at) as stopped_at,
        coalesce(json_text(payload, '$.reason'), 'Local') as stop_reason,
        try_cast(json_text(payload, '$.meterStop') as bigint) as meter_stop
    from zoned
    where message_type = 2 and action = 'StopTransaction'
),
matched as (
    -- each start with the first stop of its transaction id after it
    select s.*, p.stopped_at, p.stop_reason, p.meter_stop
    from starts s
    asof left join stops p
        on p.station_id = s.station_id and p.transaction_id = s.transaction_id and p.stopped_at >= s.started_at
),
orphan_stops as (
    -- stops whose start is not in the data
    select p.*
    from stops p
    anti join matched m
        on m.station_id = p.station_id and m.transaction_id = p.transaction_id and m.stopped_at = p.stopped_at
)
select station_id, connector_id, transaction_id, id_tag, started_at, stopped_at, stop_reason, meter_start, meter_stop, start_unique_id, id_tag_status
from matched
union all
select station_id, null, transaction_id, null, null, stopped_at, stop_reason, null, meter_stop, null, null
from orphan_stops
