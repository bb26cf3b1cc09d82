-- Grain: one row per line of a SteVe steve.log. WebSocketLogger lines carry a frame:
--   [INFO ] 2023-08-23 05:17:28,991 de.rwth.idsg.steve.ocpp.ws.WebSocketLogger (qtp-27) - [chargeBoxId=cp001, sessionId=3df7] Received: [2,"1bc5",...]
-- "Received" is from the charger (in), "Sending" to it (out); the time is server-local, read in $tz, unless the
-- layout writes its offset (%d{ISO8601} with a zone). The [LEVEL] may also come after the time. A zone-less time is
-- kept as local_at too when $tz sets its clocks back ($zone_folds), for stage_folds to place in a repeated hour.
-- Every other line (startup, stack traces, other loggers) is skipped, not rejected.
create or replace table stage_parsed as
with lines as (
    -- each line of the log
    select k + $line_offset as line_no, line
    -- the lines stage_lines read, in file order: a row's id is its place among the lines the reader could take
    from (select rowid + 1 as k, line from stage_lines)
),
plain as (
    -- where the station and the verb are on a line as SteVe's default layout writes it
    -- ([INFO ] 2026-03-02 10:00:00,713 <logger> (<thread>) - [chargeBoxId=cp001, sessionId=3df7] Received: [2,...)
    select line_no, line, id_at, substr(line, id_at + 13) as after_id, strpos(substr(line, id_at + 13), ']') as id_end
    from (select line_no, line, strpos(line, '[chargeBoxId=') as id_at from lines)
),
matched as (
    -- the parts of a WebSocketLogger line; empty parts on any other line. A line in the default layout is cut by
    -- its fixed places and markers, into what the regular expression takes from it (its level, a 23-character time
    -- and a space, the first [chargeBoxId=...] after it, one space and the verb, and a colon and a space): ~0.5 s less
    -- per million lines than the expression, which reads every other line
    select
        line_no,
        line,
        coalesce(
            case when list_contains(['[INFO ] ', '[DEBUG] ', '[WARN ] ', '[ERROR] ', '[TRACE] '], left(line, 8))
                    and substr(line, 32, 1) = ' ' and id_at > 32 and id_end > 0
                    and regexp_full_match(substr(line, 9, 23), '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}')
                    and (starts_with(substr(after_id, id_end + 1), ' Received: ') or starts_with(substr(after_id, id_end + 1), ' Sending: '))
                then struct_pack(
                    time_text := substr(line, 9, 23),
                    station_id := split_part(left(after_id, id_end - 1), ',', 1),
                    verb := case when starts_with(substr(after_id, id_end + 1), ' Received: ') then 'Received' else 'Sending' end,
                    frame := substr(after_id, id_end + case when starts_with(substr(after_id, id_end + 1), ' Received: ') then 12 else 11 end)
                ) end,
            regexp_extract(
                line,
                '^\W*(?:\[\s*\w+\s*\]\s+)?(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[,.]\d+)?(?:Z|[+-]\d\d(?::?\d\d)?)?)\s.*?\[chargeBoxId=([^,\]]*)[^\]]*\]\s+(Received|Sending):\s?(.*)$',
                ['time_text', 'station_id', 'verb', 'frame']
            )
        ) as parts
    from plain
),
typed as (
    -- times and directions as values
    select
        line_no,
        line,
        nullif(parts.time_text, '') as time_text,
        nullif(trimmed(parts.station_id), '') as station_id,
        case parts.verb when 'Received' then 'in' when 'Sending' then 'out' end as direction,
        nullif(trimmed(parts.frame), '') as frame,
        parse_time(replace(parts.time_text, ',', '.'), $tz) as received_at,
        case when $zone_folds then local_time(replace(parts.time_text, ',', '.')) end as local_at
    from matched
),
judged as (
    -- what to do with the line, and why
    select
        *,
        case
            when direction is null then null
            when station_id is null then 'no station id in [chargeBoxId=...]'
            when received_at is null then 'timestamp is not a time: ' || left(time_text, 40)
            when received_in_future(received_at) then 'timestamp is more than a day in the future: ' || left(time_text, 40)
            when frame is null then 'no OCPP-J frame after ' || case direction when 'in' then 'Received:' else 'Sending:' end
        end as reason
    from typed
)
select
    line_no,
    case when direction is null then 'skip' when reason is not null then 'reject' else 'frame' end as kind,
    reason,
    case when reason is not null then left(line, $raw_chars) end as raw,
    station_id,
    received_at,
    local_at,
    null::timestamp as reported_local,
    direction,
    null::json[] as frame_elements,
    frame
from judged
