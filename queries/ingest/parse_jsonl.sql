-- Grain: one row per line of an ocpp-jsonl file: a frame to store, a line to skip, or a line to reject with its reason.
-- A line is {timestamp, chargeBoxId, direction, message}; the usual aliases of each key are accepted.
-- `message` is the OCPP-J array itself or a JSON string holding it. A zone-less time is read in $tz.
create or replace temp table stage_parsed as
with lines as (
    -- each line, and whether it is a JSON object; functions below only see JSON that parsed
    select
        line_no,
        line,
        read_error,
        case when line is not null and json_valid(line) then json_type(line) end as line_type
    from stage_numbered
),
fields as (
    -- every alias of every field, taken from one parse of the line
    select
        line_no,
        json_extract_string(line, ['$.timestamp', '$.receivedAt', '$.received_at', '$.time', '$.ts']) as times,
        json_extract_string(line, ['$.chargeBoxId', '$.chargePointId', '$.stationId', '$.station_id', '$.identity', '$.charge_box_id', '$.charge_point_id']) as stations,
        json_extract_string(line, ['$.direction', '$.dir']) as directions,
        json_extract(line, ['$.message', '$.frame', '$.msg']) as messages
    from lines
    where line_type = 'OBJECT'
),
picked as (
    -- the first alias present of each field
    select
        line_no,
        list_filter(times, x -> x is not null)[1] as time_text,
        list_filter(stations, x -> x is not null and trim(x) <> '')[1] as station_id,
        lower(trim(list_filter(directions, x -> x is not null)[1])) as direction_text,
        list_filter(messages, x -> x is not null and json_type(x) <> 'NULL')[1] as message
    from fields
),
typed as (
    -- fields as typed values; a frame sent as a JSON string is unwrapped
    select
        line_no,
        time_text,
        parse_time(time_text, $tz) as received_at,
        station_id,
        direction_text,
        case
            when direction_text is null then null
            when direction_text in ('in', 'incoming', 'inbound', 'received', 'rx', 'req_in') then 'in'
            when direction_text in ('out', 'outgoing', 'outbound', 'sent', 'sending', 'tx') then 'out'
            else 'invalid'
        end as direction,
        case when json_type(message) = 'VARCHAR' then json_extract_string(message, '$') else message::varchar end as frame
    from picked
)
select
    l.line_no,
    case
        when l.read_error is not null then 'reject'
        when l.line is null or trim(l.line) = '' then 'skip'
        when l.line_type is null then 'reject'
        when l.line_type <> 'OBJECT' then 'reject'
        when t.station_id is null then 'reject'
        when t.time_text is null then 'reject'
        when t.received_at is null then 'reject'
        when t.direction = 'invalid' then 'reject'
        when t.frame is null then 'reject'
        else 'frame'
    end as kind,
    case
        when l.read_error is not null then l.read_error
        when l.line is null or trim(l.line) = '' then null
        when l.line_type is null then 'invalid JSON'
        when l.line_type <> 'OBJECT' then 'not a JSON object'
        when t.station_id is null then 'no station id (expected chargeBoxId, chargePointId, stationId or identity)'
        when t.time_text is null then 'no timestamp (expected timestamp, receivedAt or time)'
        when t.received_at is null then 'timestamp is not a time: ' || left(t.time_text, 40)
        when t.direction = 'invalid' then 'direction is neither in nor out: ' || left(t.direction_text, 20)
        when t.frame is null then 'no OCPP-J frame (expected message, frame or msg)'
    end as reason,
    t.station_id,
    t.received_at,
    t.direction,
    t.frame
from lines l
left join typed t using (line_no)
