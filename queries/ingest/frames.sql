-- Grain: one row per line whose frame was found: the frame unpacked into its OCPP-J parts, or the reason it is
-- not an OCPP-J frame. CALL [2, id, action, payload], CALLRESULT [3, id, payload],
-- CALLERROR [4, id, errorCode, errorDescription, errorDetails]. Directions still unknown (frames-csv) are inferred
-- for CALLs from who may initiate the action (DataTransfer, which both sides may send, counts as the charger's);
-- CALLRESULTs and CALLERRORs take theirs from the CALL they answer, later.
create or replace temp table stage_frames as
with candidates as (
    -- frames as lists of JSON elements (parsed already, or from the frame's text in one parse); null when not an array
    select
        line_no,
        station_id,
        received_at,
        direction,
        coalesce(frame_elements, case when json_valid(frame) then json_transform(frame, '["JSON"]') end) as e,
        frame_elements is not null or json_valid(frame) as valid_json
    from stage_parsed
    where kind = 'frame'
),
typed as (
    -- element types decide what the frame is
    select
        *,
        json_extract_string(e[3], '$') as e3_text,
        len(e) as n,
        try_cast(e[1]::varchar as integer) as message_type,
        json_type(e[2]) as id_type,
        json_type(e[3]) as e3_type,
        json_type(e[4]) as e4_type
    from candidates
),
checked as (
    -- the reason a frame is not OCPP-J, or null
    select
        *,
        case
            when not valid_json then 'frame is not valid JSON'
            when e is null then 'frame is not an OCPP-J array'
            when message_type is null or message_type not in (2, 3, 4) then 'frame is not an OCPP-J array: message type id must be 2, 3 or 4'
            when id_type not in ('VARCHAR', 'UBIGINT', 'BIGINT') then 'frame is not an OCPP-J array: unique id must be a string'
            when message_type = 2 and (n <> 4 or e3_type <> 'VARCHAR' or e4_type not in ('OBJECT', 'NULL'))
                then 'CALL must be [2, uniqueId, action, {payload}]'
            when message_type = 3 and n <> 3
                then 'CALLRESULT must be [3, uniqueId, {payload}]'
            when message_type = 4 and (n not in (4, 5) or e3_type <> 'VARCHAR')
                then 'CALLERROR must be [4, uniqueId, errorCode, errorDescription, {errorDetails}]'
        end as reason
    from typed
)
select
    line_no,
    reason is null as valid,
    reason,
    station_id,
    received_at,
    case when reason is null then coalesce(
        direction,
        case
            when message_type = 2 and e3_text in (
                'BootNotification', 'Heartbeat', 'StatusNotification', 'Authorize', 'StartTransaction', 'StopTransaction',
                'MeterValues', 'DataTransfer', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification') then 'in'
            when message_type = 2 and e3_text in (
                'UnlockConnector', 'Reset', 'RemoteStartTransaction', 'RemoteStopTransaction', 'ChangeAvailability',
                'ChangeConfiguration', 'GetConfiguration', 'TriggerMessage', 'ClearCache', 'GetDiagnostics', 'UpdateFirmware',
                'SendLocalList', 'GetLocalListVersion', 'ReserveNow', 'CancelReservation', 'SetChargingProfile',
                'ClearChargingProfile', 'GetCompositeSchedule') then 'out'
        end
    ) end as direction,
    message_type::utinyint as message_type,
    json_extract_string(e[2], '$') as unique_id,
    case when message_type = 2 then e3_text end as action,
    case message_type when 2 then e[4] when 3 then e[3] when 4 then e[5] end as payload,
    case when message_type = 4 then e3_text end as error_code,
    case when message_type = 4 then json_extract_string(e[4], '$') end as error_description,
    -- the parsed elements (stored minified), so spacing never hides a duplicate
    hash(e) as frame_hash
from checked
