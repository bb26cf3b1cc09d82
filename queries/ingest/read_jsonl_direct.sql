-- Grain: one row per line of the ocpp-jsonl files $paths (one file, a piece of one, or a batch of small files), in
-- file order, its frame unpacked as frames.sql would, with the file's place in $paths (slot, from 0): the fast
-- path, DuckDB's JSON reader on the files themselves, for files whose lines are all plain JSON objects of a time, a
-- station, a direction and a frame.
-- $columns are the keys to read (jsonLinesKeys in detect.ts): $time_keys, $station_keys and $frame_keys, each in the
-- order parse_jsonl takes the first present, plus direction. The frame keys are read as JSON[] (a value that is not
-- an array reads as null), or, for files that send frames as JSON strings holding the array, as JSON texts: the
-- first array among them, else the first string, as parse_jsonl takes it.
-- The reader keeps each line's place: a line it cannot read comes back as a row of nulls (ignore_errors), and a blank
-- line is skipped, so stage_direct_usable compares each file's rows with the line count taken while hashing it;
-- any difference, or any row that is not a frame to store, sends the file down the line-by-line path (from a batch:
-- that file alone), which gives every line its reason. A zone-less time is kept as local_at when $tz sets its clocks
-- back ($zone_folds), for stage_folds.
create or replace table stage_json as
with keys as (
    select
        nullif(trim(coalesce(*columns(c -> list_contains($station_keys, c)))), '') as station_id,
        parse_time(coalesce(*columns(c -> list_contains($time_keys, c))), $tz) as received_at,
        case when $zone_folds then local_time(coalesce(*columns(c -> list_contains($time_keys, c)))) end as local_at,
        direction_of(direction) as direction,
        coalesce(*columns(c -> list_contains($frame_keys, c))) as first_frame,
        list_value(*columns(c -> list_contains($frame_keys, c))) as frames,
        -- the reader's virtual column: the file's place in $paths
        file_index::integer as slot
    from read_json(
        $paths,
        format = 'newline_delimited',
        compression = $compression,
        auto_detect = false,
        ignore_errors = true,
        columns = $columns
    )
),
read as (
    select
        station_id,
        received_at,
        local_at,
        direction,
        slot,
        -- one branch is taken for every row, by the type the frames are read as
        case when not $frames_as_text then first_frame::json[] end as e,
        case when $frames_as_text then list_filter(frames::varchar[], x -> starts_with(x, '['))[1] end as frame_array,
        case when $frames_as_text then json_extract_string(list_filter(frames::varchar[], x -> starts_with(x, '"'))[1], '$') end as frame_string
    from keys
),
parsed as (
    -- a frame read as text: its elements, as frames.sql takes them
    select
        * exclude (e, frame_array, frame_string),
        coalesce(e, case when json_valid(coalesce(frame_array, frame_string)) then json_transform(coalesce(frame_array, frame_string), '["JSON"]') end) as e,
        -- a string's text, which a rejected frame shows as its raw text (outcomes_frames)
        case when frame_array is null then frame_string end as frame
    from read
),
typed as (
    -- the message type id, taken once a row for every macro below
    select *, ocpp_message_type(e) as mt
    from parsed
),
checked as (
    select
        *,
        station_id is not null and received_at is not null and not received_in_future(received_at) and direction is distinct from 'invalid' and e is not null as usable,
        ocpp_frame_problem(e, mt) as reason
    from typed
),
framed as (
    -- a CTE level of its own, so the struct is built once a row rather than once a field taken from it
    -- (its fields are taken by parts.*, one by one: unnest() of a struct costs several times more)
    select *, ocpp_frame(e, mt, direction, reason) as parts
    from checked
)
select
    slot,
    -- how many empty lines before the row's line, which the reader skipped: set by direct_shift_past_empty_lines
    0::integer as line_shift,
    usable,
    reason,
    station_id,
    received_at,
    local_at,
    parts.*,
    -- kept for a frame that is not OCPP-J: its text is the rejected line's raw text
    case when reason is not null and frame is null then e end as frame_elements,
    case when reason is not null then frame end as frame
from framed
