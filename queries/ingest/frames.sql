-- Grain: one row per line whose frame was found: the frame unpacked into its OCPP-J parts (ocpp_frame), or the
-- reason it is not an OCPP-J frame (ocpp_frame_problem). Directions still unknown (frames-csv) are inferred for CALLs
-- from who may initiate the action; CALLRESULTs and CALLERRORs take theirs from the CALL they answer, later.
-- Clean JSON-lines files get the same columns straight from the JSON reader (read_jsonl_direct, frames_direct).
create or replace table stage_frames as
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
    -- the message type id, taken once a row for every macro below
    select *, ocpp_message_type(e) as mt
    from candidates
),
checked as (
    select *, case when not valid_json then 'frame is not valid JSON' else ocpp_frame_problem(e, mt) end as reason
    from typed
),
framed as (
    -- a CTE level of its own, so the struct is built once a row rather than once a field taken from it
    -- (its fields are taken by parts.*, one by one: unnest() of a struct costs several times more)
    select *, ocpp_frame(e, mt, direction, reason) as parts
    from checked
)
select
    line_no,
    reason is null as valid,
    reason,
    station_id,
    received_at,
    parts.*
from framed
