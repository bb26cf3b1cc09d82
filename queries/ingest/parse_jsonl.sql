-- Grain: one row per line of an ocpp-jsonl file: a frame to store, a line to skip, or a line to reject with its reason.
-- A line is {timestamp, chargeBoxId, direction, message}; the usual aliases of each key are accepted.
-- `message` is the OCPP-J array itself or a JSON string holding it. A zone-less time is read in $tz, and kept as
-- local_at when $tz sets its clocks back ($zone_folds), for stage_folds.
-- $only_lines: when not null, only the lines of these numbers (those the JSON reader path could not take).
create or replace table stage_parsed as
with lines as (
    -- each line, with its keys taken in one parse when it is a JSON object
    select
        k + $line_offset as line_no,
        case when k + $line_offset = 1 then ltrim(line, chr(65279)) else line end as line
    -- the lines stage_lines read, in file order: a row's id is its place among the lines the reader could take
    from (select rowid + 1 as k, line from stage_lines)
    -- a semi join, not list_contains: that looks through the whole list for every line
    where $only_lines::bigint[] is null or k + $line_offset in (select unnest($only_lines::bigint[]))
),
objects as (
    -- the usual keys, taken in one parse; json_transform leaves absent or mistyped keys null. A frame sent as an
    -- array arrives as its elements here, so it is never written out and parsed again
    select
        line_no,
        line,
        json_valid(line) as valid,
        case when json_valid(line) then json_transform(line, '{
            "timestamp": "VARCHAR", "chargeBoxId": "VARCHAR", "direction": "VARCHAR", "message": ["JSON"]
        }') end as j,
        -- valid JSON that starts with a brace is an object
        starts_with(ltrim(line), '{') as is_object
    from lines
),
picked as (
    -- each key, or the first of its aliases present (looked up only when the usual key is missing)
    select
        line_no,
        line,
        valid,
        is_object,
        coalesce(j.timestamp, case when valid then
            list_filter(json_extract_string(line, ['$.receivedAt', '$.received_at', '$.time', '$.ts']), x -> x is not null)[1]
        end) as time_text,
        nullif(trim(coalesce(j.chargeBoxId, case when valid then list_filter(json_extract_string(line, [
            '$.chargePointId', '$.stationId', '$.station_id', '$.identity', '$.charge_box_id', '$.charge_point_id'
        ]), x -> x is not null)[1] end)), '') as station_id,
        lower(trim(j.direction)) as direction_text,
        j.message as elements,
        -- a frame that is not an array (a JSON string holding one, or something else) or under another key: the
        -- first array among the keys, else the first string, else the first other value (as read_jsonl_direct)
        case when valid and j.message is null then
            json_extract(line, ['$.message', '$.frame', '$.msg'])
        end as frame_values
    from objects
),
picked_frame as (
    select
        * exclude (frame_values),
        coalesce(
            list_filter(frame_values, x -> json_type(x) = 'ARRAY')[1],
            list_filter(frame_values, x -> json_type(x) = 'VARCHAR')[1],
            list_filter(frame_values, x -> x is not null and json_type(x) <> 'NULL')[1]
        ) as message
    from picked
),
typed as (
    -- typed values; a frame sent as a JSON string is unwrapped; an array under an alias key is taken apart
    select
        *,
        -- skipped, looked at once
        blank_line(line) as blank,
        parse_time(time_text, $tz) as received_at,
        case when $zone_folds then local_time(time_text) end as local_at,
        direction_of(direction_text) as direction,
        coalesce(elements, case when json_type(message) = 'ARRAY' then json_transform(message, '["JSON"]') end) as frame_elements,
        case when json_type(message) = 'VARCHAR' then json_extract_string(message, '$') when json_type(message) <> 'ARRAY' then message::varchar end as frame
    from picked_frame
),
judged as (
    -- what to do with the line, and why
    select
        *,
        case
            when blank then null
            when not valid then 'invalid JSON'
            when not is_object then 'not a JSON object'
            when station_id is null then 'no station id (expected chargeBoxId, chargePointId, stationId or identity)'
            when time_text is null then 'no timestamp (expected timestamp, receivedAt or time)'
            when received_at is null then 'timestamp is not a time: ' || left(time_text, 40)
            when received_in_future(received_at) then 'timestamp is more than a day in the future: ' || left(time_text, 40)
            when direction = 'invalid' then 'direction is neither in nor out: ' || left(direction_text, 20)
            when frame_elements is null and frame is null then 'no OCPP-J frame (expected message, frame or msg)'
        end as reason
    from typed
)
select
    line_no,
    case when blank then 'skip' when reason is not null then 'reject' else 'frame' end as kind,
    reason,
    case when reason is not null then left(line, $raw_chars) end as raw,
    station_id,
    received_at,
    local_at,
    null::timestamp as reported_local,
    direction,
    frame_elements,
    frame
from judged
