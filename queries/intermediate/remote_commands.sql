-- Grain: one row per CALL the central system sent to a charger, with the charger's answer:
-- the first CALLRESULT or CALLERROR from the same station with the same unique id at or after it,
-- within $answer_timeout_s seconds; later or missing answers make the outcome 'no answer'.
-- Reads derived_messages: the messages these derived tables need, which each run adds its own to.
with commands as (
    -- central-system-initiated requests
    select station_id, unique_id, action, received_at, payload
    from derived_messages
    where message_type = 2 and direction = 'out'
),
answers as (
    -- everything a charger answered
    select station_id, unique_id, received_at, message_type, payload, error_code
    from derived_messages
    where message_type in (3, 4) and direction = 'in'
),
paired as (
    -- each command with the nearest answer after it
    select c.*, a.received_at as answer_at, a.message_type as answer_type, a.payload as answer_payload, a.error_code as answer_error
    from commands c
    asof left join answers a
        on a.station_id = c.station_id and a.unique_id = c.unique_id and a.received_at >= c.received_at
)
select
    station_id,
    try_cast(json_text(payload, '$.connectorId') as integer) as connector_id,
    action,
    unique_id,
    received_at as requested_at,
    payload as request,
    case when answer_at <= received_at + to_seconds($answer_timeout_s) then answer_at end as answered_at,
    case
        when answer_at is null or answer_at > received_at + to_seconds($answer_timeout_s) then 'no answer'
        when answer_type = 4 then 'CALLERROR'
        else coalesce(json_text(answer_payload, '$.status'), 'answered')
    end as outcome
from paired
