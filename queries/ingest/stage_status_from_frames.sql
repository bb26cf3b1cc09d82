-- Grain: one row per StatusNotification CALL of the staged piece (its first file $file_id; lines numbered by
-- staged_line) that repeats no earlier line of it (stage_repeats), its payload fields as text and its reported time
-- as a time (a zone-less one read in $tz); the writing connection leaves out those that repeat a stored message.
create or replace table stage_status_source as
with calls as (
    -- the piece's StatusNotification requests
    select
        f.station_id,
        f.received_at,
        json_extract_string(f.payload, ['$.connectorId', '$.status', '$.errorCode', '$.info', '$.vendorId', '$.vendorErrorCode', '$.timestamp']) as v,
        f.line_no
    from stage_frames f
    anti join stage_repeats r on r.line_no = f.line_no
    where f.valid and f.message_type = 2 and f.action = 'StatusNotification'
)
select
    station_id,
    received_at,
    v[1] as connector_text,
    v[2] as status,
    v[3] as error_code,
    v[4] as info,
    v[5] as vendor_id,
    v[6] as vendor_error_code,
    v[7] as reported_text,
    parse_time(v[7], $tz) as reported_at,
    'ocpp' as source,
    $file_id::integer as file_id,
    line_no
from calls
