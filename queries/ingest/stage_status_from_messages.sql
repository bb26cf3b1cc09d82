-- Grain: one row per StatusNotification CALL stored from the piece of file $file_id just staged (its lines come
-- after $line_offset; earlier pieces' statuses are stored already), its payload fields as text.
create or replace temp table stage_status_source as
with calls as (
    -- the file's StatusNotification requests
    select
        station_id,
        received_at,
        json_extract_string(payload, ['$.connectorId', '$.status', '$.errorCode', '$.info', '$.vendorId', '$.vendorErrorCode', '$.timestamp']) as v,
        file_id,
        line_no
    from messages
    where file_id = $file_id and line_no > $line_offset and message_type = 2 and action = 'StatusNotification'
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
    'ocpp' as source,
    file_id,
    line_no
from calls
