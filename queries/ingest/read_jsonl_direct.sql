-- Grain: one row per line of the ocpp-jsonl files $paths (one file, a piece of one, or a batch of small files), in
-- file order, its frame unpacked as frames.sql would, with the file's place in $paths (slot, from 0): the fast
-- path, DuckDB's JSON reader on the files themselves, for files whose lines are all plain
-- {timestamp, chargeBoxId, direction, message: [...]} objects.
-- The reader keeps each line's place: a line it cannot read comes back as a row of nulls (ignore_errors), and a blank
-- line is skipped, so stage_direct_usable compares each file's rows with the line count taken while hashing it;
-- any difference, or any row that is not a frame to store, sends the file down the line-by-line path (from a batch:
-- that file alone), which gives every line its reason.
create or replace table stage_json as
with read as (
    select
        nullif(trim(chargeBoxId), '') as station_id,
        parse_time(timestamp, $tz) as received_at,
        direction_of(direction) as direction,
        message as e,
        -- the reader's virtual column: the file's place in $paths
        file_index::integer as slot
    from read_json(
        $paths,
        format = 'newline_delimited',
        compression = $compression,
        auto_detect = false,
        ignore_errors = true,
        columns = {'timestamp': 'VARCHAR', 'chargeBoxId': 'VARCHAR', 'direction': 'VARCHAR', 'message': 'JSON[]'}
    )
),
typed as (
    -- the message type id, taken once a row for every macro below
    select *, ocpp_message_type(e) as mt
    from read
),
checked as (
    select
        *,
        station_id is not null and received_at is not null and direction is distinct from 'invalid' and e is not null as usable,
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
    usable,
    reason,
    station_id,
    received_at,
    parts.*,
    -- kept for a frame that is not OCPP-J: its text is the rejected line's raw text
    case when reason is not null then e end as frame_elements
from framed
