-- Grain: one row per line whose frame was found: the frame unpacked into its OCPP-J parts, or the reason it is
-- not an OCPP-J frame. CALL [2, id, action, payload], CALLRESULT [3, id, payload],
-- CALLERROR [4, id, errorCode, errorDescription, errorDetails]. Directions still unknown (frames-csv) are inferred
-- for CALLs from who may initiate the action (DataTransfer, which both sides may send, counts as the charger's); CALLRESULTs and CALLERRORs are paired with their CALL afterwards.
create or replace temp table stage_frames as
with candidates as (
    -- frames that are JSON arrays
    select
        line_no,
        station_id,
        received_at,
        direction,
        frame,
        case when json_valid(frame) then json_type(frame) end as frame_type
    from stage_parsed
    where kind = 'frame'
),
parts as (
    -- the array's elements, from one parse
    select
        line_no,
        station_id,
        received_at,
        direction,
        json(frame) as frame,
        json_array_length(frame) as n,
        json_extract(frame, ['$[0]', '$[1]', '$[2]', '$[3]', '$[4]']) as e
    from candidates
    where frame_type = 'ARRAY'
),
typed as (
    -- element types decide what the frame is
    select
        line_no,
        station_id,
        received_at,
        direction,
        frame,
        n,
        e,
        try_cast(e[1]::varchar as integer) as message_type,
        json_type(e[2]) as id_type,
        json_type(e[3]) as e3_type,
        json_type(e[4]) as e4_type,
        json_type(e[5]) as e5_type
    from parts
),
checked as (
    -- the reason a frame is not OCPP-J, or null
    select
        *,
        case
            when message_type is null or message_type not in (2, 3, 4) then 'frame is not an OCPP-J array: message type id must be 2, 3 or 4'
            when id_type not in ('VARCHAR', 'UBIGINT', 'BIGINT') then 'frame is not an OCPP-J array: unique id must be a string'
            when message_type = 2 and (n <> 4 or e3_type <> 'VARCHAR' or e4_type not in ('OBJECT', 'NULL'))
                then 'CALL must be [2, uniqueId, action, {payload}]'
            when message_type = 3 and n <> 3
                then 'CALLRESULT must be [3, uniqueId, {payload}]'
            when message_type = 4 and (n not in (4, 5) or e3_type <> 'VARCHAR')
                then 'CALLERROR must be [4, uniqueId, errorCode, errorDescription, {errorDetails}]'
        end as invalid_reason
    from typed
)
select
    p.line_no,
    c.invalid_reason is null and p.frame_type = 'ARRAY' as valid,
    case
        when p.frame_type is null then 'frame is not valid JSON'
        when p.frame_type <> 'ARRAY' then 'frame is not an OCPP-J array'
        else c.invalid_reason
    end as reason,
    p.station_id,
    p.received_at,
    coalesce(
        p.direction,
        case
            when c.message_type = 2 and json_extract_string(c.e[3], '$') in (
                'BootNotification', 'Heartbeat', 'StatusNotification', 'Authorize', 'StartTransaction', 'StopTransaction',
                'MeterValues', 'DataTransfer', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification') then 'in'
            when c.message_type = 2 and json_extract_string(c.e[3], '$') in (
                'UnlockConnector', 'Reset', 'RemoteStartTransaction', 'RemoteStopTransaction', 'ChangeAvailability',
                'ChangeConfiguration', 'GetConfiguration', 'TriggerMessage', 'ClearCache', 'GetDiagnostics', 'UpdateFirmware',
                'SendLocalList', 'GetLocalListVersion', 'ReserveNow', 'CancelReservation', 'SetChargingProfile',
                'ClearChargingProfile', 'GetCompositeSchedule') then 'out'
        end
    ) as direction,
    c.message_type::utinyint as message_type,
    json_extract_string(c.e[2], '$') as unique_id,
    case when c.message_type = 2 then json_extract_string(c.e[3], '$') end as action,
    case c.message_type when 2 then c.e[4] when 3 then c.e[3] when 4 then c.e[5] end as payload,
    case when c.message_type = 4 then json_extract_string(c.e[3], '$') end as error_code,
    case when c.message_type = 4 then json_extract_string(c.e[4], '$') end as error_description,
    hash(c.frame::varchar) as frame_hash
from candidates p
left join checked c using (line_no)
