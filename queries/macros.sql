-- Session macros every connection defines on open. Pure functions of their arguments; thresholds come in as arguments.

-- 10-digit (seconds, optionally with a fraction) and 13-digit (milliseconds) epoch numbers as times; else null.
create or replace temp macro epoch_time(s) as
    case
        when regexp_full_match(trim(s), '\d{10}(\.\d+)?') then to_timestamp(try_cast(trim(s) as double))
        when regexp_full_match(trim(s), '\d{13}') then epoch_ms(try_cast(trim(s) as bigint))
    end;

-- A time text trimmed and upper-cased, a trailing UTC or GMT written as Z.
create or replace temp macro time_text_upper(s) as regexp_replace(upper(trim(s)), '\s*(UTC|GMT)$', 'Z');

-- A time within the years 1 to 9999, what ISO 8601's four-digit years can write; else null. The cast also reads
-- 'infinity', BC dates ('-2026-...') and five-digit years, none of which a charger or server means.
create or replace temp macro in_time_range(t) as
    case when t between timestamptz '0001-01-01 00:00:00+00' and timestamptz '9999-12-31 23:59:59.999999+00' then t end;

-- A receive time more than a day after now, which no export of what happened can hold (a typo, a server clock set
-- years ahead): as the last data it would move every default window there. The day spares a clock a little ahead and
-- a zone-less time read in a zone hours behind its own.
create or replace temp macro received_in_future(t) as
    t > now() + interval 1 day;

-- A zone-less time text in the shape servers write it (2026-03-02 10:00:00, with T or a space, with or without
-- milliseconds: SteVe's log, most CSV exports) as the local time it writes; null for any other text, which
-- local_time reads. One plain pattern test, where local_time's upper-casing, trimming and UTC/GMT suffix take three
-- regular expressions: ~1.2 s less per million such times.
create or replace temp macro plain_local_time(s) as
    case when (s like '2___-__-__ __:__:__.___' or s like '2___-__-__T__:__:__.___' or s like '2___-__-__ __:__:__' or s like '2___-__-__T__:__:__')
            and regexp_full_match(s, '\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{3})?')
        then try_cast(s as timestamp) end;

-- A zone-less time text (or a date alone) as the local time it writes, which parse_time reads in its zone; null for
-- a time with Z, an offset or UTC/GMT, an epoch number, or anything else. A text ending in Z, nearly every time, is
-- passed over before the regular expression.
create or replace temp macro local_time(s) as
    case
        when suffix(s, 'Z') then null
        else coalesce(
            plain_local_time(s),
            case when regexp_full_match(time_text_upper(s), '\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?') then try_cast(time_text_upper(s) as timestamp) end
        )
    end;

-- The offset from UTC of zone tz at instant t, as an interval.
create or replace temp macro zone_offset(tz, t) as timezone(tz, t) - timezone('UTC', t);

-- An OCPP/ISO 8601 time text as a TIMESTAMPTZ: a time with Z, an offset or a trailing UTC/GMT is absolute; a
-- zone-less time (or a date alone) is read in zone tz; 10-digit (s) and 13-digit (ms) epoch numbers are accepted;
-- anything else is null. RFC 3339 lets the T and Z be lower case, which the cast does not read: they are read
-- upper-cased.
-- The common case, a time of the years 2000-2999 to the second or millisecond ending in Z, takes the cast after a
-- test of its shape by LIKE (a regular expression on every time costs ~260 ms of CPU per 1M). The cast skips white
-- space (space, tab, CR, LF, VT, FF) where a digit was lost before the year or the hour ('T 0:21' or 'T\t0:21' as
-- 00:21, '\t026' as the year 26), and reads single digits ('2026-3-2') and a seconds digit before a bare dot
-- ('23:2.Z' as 23:02): so the year must start with 2, the hour with 0-2, and no space or '.Z' be in it. Every other
-- time must match the ISO shape before it reaches the cast: DuckDB's cast also reads named zones
-- ('... America/New_York', '... NZ') and then reads the zone-less times after them in that zone, and it reads 'epoch'
-- and '2026-03-02' (as UTC).
create or replace temp macro parse_time(s, tz) as
    case
        when s is null then null
        else coalesce(
            case when (s like '2___-__-__T__:__:__.___Z' or (s like '2___-__-__T__:__:__Z' and not suffix(s, '.Z')))
                    and (s like '__________T0%' or s like '__________T1%' or s like '__________T2%') and not contains(s, ' ')
                then in_time_range(try_cast(s as timestamptz)) end,
            -- a zone-less time as servers write it, before the regular expression for a time with an offset
            in_time_range(timezone(tz, plain_local_time(s))),
            case when regexp_full_match(time_text_upper(s), '\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)')
                then in_time_range(try_cast(time_text_upper(s) as timestamptz)) end,
            in_time_range(timezone(tz, local_time(s))),
            epoch_time(s)
        )
    end;

-- The reported (payload) time when it is plausible against the receive time, else null:
-- not before max_behind_s seconds before receipt (queued replays), not after max_ahead_s seconds past it (clock drift).
create or replace temp macro plausible_time(reported, received, max_behind_s, max_ahead_s) as
    case
        when reported is null then null
        when received is null then
            case when year(reported) between 2000 and 2100 then reported end
        when reported >= received - to_seconds(max_behind_s) and reported <= received + to_seconds(max_ahead_s) then reported
    end;

-- A direction as written in an export ('in', 'incoming', 'sent', ... in any case) as 'in' (from the charger) or
-- 'out' (to it); null when absent, 'invalid' when it is something else.
create or replace temp macro direction_of(text) as
    case
        when text is null then null
        -- the usual spellings first: an IN list of constants becomes a join over every row, a list lookup does not
        when text = 'in' then 'in'
        when text = 'out' then 'out'
        when list_contains(['in', 'incoming', 'inbound', 'received', 'rx'], lower(trim(text))) then 'in'
        when list_contains(['out', 'outgoing', 'outbound', 'sent', 'sending', 'tx'], lower(trim(text))) then 'out'
        else 'invalid'
    end;

-- Strings in a JSON payload may arrive as numbers; normalise to text for typed columns.
create or replace temp macro json_text(doc, path) as json_extract_string(doc, path);

-- A line with nothing on it but what trim() takes away (spaces, Unicode spaces) and the ASCII white space it keeps
-- (tab, vertical tab, form feed, CR), or none at all: DuckDB's JSON reader skips a line of ASCII white space, so both
-- paths skip it. A case, so that the whole line is looked at only when its first character (by its code: nearly
-- every line starts with '{' or a digit) is white space; as `a and b` DuckDB evaluated trim() over every line (1M
-- lines: 600 ms against 45 ms).
create or replace temp macro ascii_space_to_space(text) as
    translate(text, chr(9) || chr(11) || chr(12) || chr(13), '    ');

create or replace temp macro blank_line(line) as
    case
        when line is null or line = '' then true
        when ascii(line) in (32, 9, 11, 12, 13) or (ascii(line) > 127 and trim(left(line, 1)) = '') then trim(ascii_space_to_space(line)) = ''
        else false
    end;

-- trim(text), looked at first by its first and last characters: a text that neither starts nor ends with what trim()
-- takes away is its own trimmed value, without trim() walking and copying it (a frame is some hundred bytes).
create or replace temp macro trimmed(text) as
    case when trim(left(text, 1)) = '' or trim(right(text, 1)) = '' then trim(text) else text end;

-- The fields of a CSV record as written (quotes and all): field_re matches one field and the delimiter after it. The
-- whole match, less that delimiter, rather than a capture group: RE2 then finds matches without its submatch engine,
-- in half the time (a 1M-line frames CSV: 1.5 s of CPU against 2.7–3.2 s).
create or replace temp macro csv_raw_fields(record, delimiter, field_re) as
    list_transform(regexp_extract_all(record || delimiter, field_re), f -> f[:-2]);

-- The raw fields of a record from `matches`, regexp_extract_all(record || delimiter, field_re), when it quotes
-- correctly; null when not. A field and its delimiter match only where the field begins (a quote opens a quoted
-- field, an unquoted one runs to the next delimiter), so the record quotes correctly when its matches, one after
-- another, make up all of it with no gap: cheaper than matching it whole against a pattern of its own first.
create or replace temp macro csv_tiled_fields(matches, record, delimiter) as
    case when list_sum(list_transform(matches, m -> strlen(m))) = strlen(record) + strlen(delimiter) then list_transform(matches, f -> f[:-2]) end;

-- Where a staged row comes from, as one number: the line number in its file, plus the file's place in a batch of
-- small files staged together (slot, from 0) in the top bits. Every staging step keys, orders and joins rows by it
-- as by a line number (a batch's files come in order), and storing splits it again (staged_file_id,
-- staged_line_no): a file of one slot keeps its line numbers as they are. 2^48 lines a file, 2^14 files a batch.
create or replace temp macro staged_line(slot, line_no) as (slot::bigint << 48) + line_no;
create or replace temp macro staged_file_id(first_file_id, staged) as (first_file_id + (staged >> 48))::integer;
create or replace temp macro staged_line_no(staged) as staged & 281474976710655;

-- The message type id of an OCPP-J frame (elements e) as a number, null when it is not one; callers take it once a
-- row and hand it to the macros below.
create or replace temp macro ocpp_message_type(e) as try_cast(e[1]::varchar as integer);

-- json_type of one element of a parsed frame. The elements are JSON texts DuckDB wrote (minified), so an object or a
-- string, nearly every element, is known by its first character: json_type would parse the text again, the whole
-- payload included.
create or replace temp macro frame_element_type(x) as
    case when starts_with(x, '{') then 'OBJECT' when starts_with(x, '"') then 'VARCHAR' else json_type(x) end;

-- Why the elements of an OCPP-J frame (a list of JSON values; null when the frame is not a JSON array), whose message
-- type id is mt (ocpp_message_type), are not a CALL [2, uniqueId, action, {payload}], CALLRESULT [3, uniqueId,
-- {payload}] or CALLERROR [4, uniqueId, errorCode, errorDescription, {errorDetails}]; null when they are one.
-- A JSON null element is a SQL null in e, which every test below must take as 'NULL': a comparison with null is
-- null, and a case passes over it, so [2, null, ...] would be stored with no unique id (and fail the run).
create or replace temp macro ocpp_frame_problem(e, mt) as
    case
        when e is null then 'frame is not an OCPP-J array'
        when mt is null or mt not between 2 and 4
            then 'frame is not an OCPP-J array: message type id must be 2, 3 or 4'
        when coalesce(frame_element_type(e[2]), 'NULL') not in ('VARCHAR', 'UBIGINT', 'BIGINT') then 'frame is not an OCPP-J array: unique id must be a string'
        when mt = 2 and (len(e) <> 4 or coalesce(frame_element_type(e[3]), 'NULL') <> 'VARCHAR' or coalesce(frame_element_type(e[4]), 'NULL') not in ('OBJECT', 'NULL'))
            then 'CALL must be [2, uniqueId, action, {payload}]'
        when mt = 3 and len(e) <> 3
            then 'CALLRESULT must be [3, uniqueId, {payload}]'
        when mt = 4 and (len(e) not in (4, 5) or coalesce(frame_element_type(e[3]), 'NULL') <> 'VARCHAR')
            then 'CALLERROR must be [4, uniqueId, errorCode, errorDescription, {errorDetails}]'
    end;

-- Who sends a CALL of this action: 'in' the charger, 'out' the central system; null for an action OCPP 1.6 does not
-- define. DataTransfer, which both sides may send, counts as the charger's.
create or replace temp macro ocpp_initiator(action) as
    case
        -- list lookups, not IN lists: DuckDB plans a long IN list of constants as a join over every row
        when list_contains([
            'BootNotification', 'Heartbeat', 'StatusNotification', 'Authorize', 'StartTransaction', 'StopTransaction',
            'MeterValues', 'DataTransfer', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification'], action) then 'in'
        when list_contains([
            'UnlockConnector', 'Reset', 'RemoteStartTransaction', 'RemoteStopTransaction', 'ChangeAvailability',
            'ChangeConfiguration', 'GetConfiguration', 'TriggerMessage', 'ClearCache', 'GetDiagnostics', 'UpdateFirmware',
            'SendLocalList', 'GetLocalListVersion', 'ReserveNow', 'CancelReservation', 'SetChargingProfile',
            'ClearChargingProfile', 'GetCompositeSchedule'], action) then 'out'
    end;

-- What is stored of an OCPP-J frame (elements e, message type id mt) received with `direction` (null when the export
-- has none), as a struct whose fields the caller takes; a frame that is not OCPP-J (`problem`: its ocpp_frame_problem,
-- computed once by the caller) has no type or direction. A CALL with no direction takes its action's initiator's. A
-- CALLRESULT or CALLERROR has no action of its own (it takes its CALL's later); a CALLERROR's payload is its
-- errorDetails. frame_hash covers the parsed elements (stored minified), so spacing never hides a duplicate.
create or replace temp macro ocpp_frame(e, mt, direction, problem) as
    struct_pack(
        direction := case when problem is null then coalesce(
            direction,
            case when mt = 2 then ocpp_initiator(json_extract_string(e[3], '$')) end
        ) end,
        message_type := case when problem is null then mt::utinyint end,
        unique_id := json_extract_string(e[2], '$'),
        action := case when mt = 2 then json_extract_string(e[3], '$') end,
        payload := case mt when 2 then e[4] when 3 then e[3] when 4 then e[5] end,
        error_code := case when mt = 4 then json_extract_string(e[3], '$') end,
        error_description := case when mt = 4 then json_extract_string(e[4], '$') end,
        frame_hash := hash(e)
    );

-- Whether a stored message is one the tables derived from all messages read (transactions, remote_commands,
-- station_boots): transaction starts and stops, boots, the central system's commands and the chargers' answers to
-- them; their CALLRESULTs take the CALL's action. A few in a hundred messages, kept in derived_messages.
create or replace temp macro derived_message(action, message_type, direction) as
    action in ('StartTransaction', 'StopTransaction', 'BootNotification')
    or (message_type = 2 and direction = 'out')
    or (message_type in (3, 4) and direction = 'in');

-- The CALL each answer (CALLRESULT or CALLERROR) in relation `answers` answers, among the CALLs in relation
-- `calls`: the latest at or before it with the same unique id on the same station, sent the other way (either way
-- when the answer's own direction is unknown), if that one is at most lookback_s before it. One row per answer: its
-- file and line, the CALL's action and the direction the answer therefore had (null when no CALL matched). The
-- relations are named, so the staging connection pairs a piece with its own CALLs and the writing one with stored
-- CALLs, by the same rule.
-- Nearly every id a CALL uses is used by no other CALL of its station and direction: such an answer is paired by an
-- equality join (its one CALL, if not later than it nor too early). An id that several CALLs use (chargers that
-- reuse one id for thousands of messages) is paired by an as-of join, which a plain join of such ids would make
-- explode.
-- The relations are read where they are used (not materialized): DuckDB would otherwise copy every answer and CALL
-- into a CTE buffer because two parts of the query read each, which costs more than reading them twice.
create or replace temp macro answer_pairs(answers, calls, lookback_s) as table
with pairing_answers as not materialized (
    -- the answers, and the direction their CALL must have had
    select
        file_id,
        line_no,
        station_id,
        unique_id,
        received_at,
        coalesce(case direction when 'in' then 'out' when 'out' then 'in' end, 'any') as call_direction
    from query_table(answers)
),
streams as not materialized (
    -- each CALL under the direction an answer will look for: its own, and 'any' when some answer's is unknown
    select station_id, unique_id, direction as call_direction, received_at, action, direction
    from query_table(calls)
    where direction is not null
    union all
    select station_id, unique_id, 'any', received_at, action, direction
    from query_table(calls)
    where exists (select 1 from pairing_answers where call_direction = 'any')
),
call_keys as (
    -- each id as answers look it up, with how many CALLs use it and, for the one CALL of most, that CALL
    -- (call_count, not calls: a macro's parameter names stand for its arguments everywhere in its body)
    select station_id, unique_id, call_direction, count(*) as call_count, any_value(received_at) as received_at, any_value(action) as action, any_value(direction) as direction
    from streams
    group by station_id, unique_id, call_direction
),
looked_up as (
    select a.*, k.call_count, k.received_at as call_at, k.action, k.direction as call_sent
    from pairing_answers a
    left join call_keys k
        on k.station_id = a.station_id
        and k.unique_id = a.unique_id
        and k.call_direction = a.call_direction
),
reused_calls as (
    -- the CALLs of ids several use, for the as-of join
    select s.*
    from streams s
    semi join call_keys k
        on k.station_id = s.station_id
        and k.unique_id = s.unique_id
        and k.call_direction = s.call_direction
        and k.call_count > 1
)
select
    file_id,
    line_no,
    case when in_reach then action end as action,
    case when in_reach then case call_sent when 'in' then 'out' when 'out' then 'in' end end as direction
from (
    -- each answer's CALL if it has one, and whether that one is within reach (tested once for both columns)
    select file_id, line_no, action, call_sent, call_at between received_at - to_seconds(lookback_s) and received_at as in_reach
    from looked_up
    where call_count is null or call_count = 1
    union all
    select a.file_id, a.line_no, c.action, c.direction, c.received_at >= a.received_at - to_seconds(lookback_s)
    from (select * from looked_up where call_count > 1) a
    asof left join reused_calls c
        on c.station_id = a.station_id
        and c.unique_id = a.unique_id
        and c.call_direction = a.call_direction
        and c.received_at <= a.received_at
);
