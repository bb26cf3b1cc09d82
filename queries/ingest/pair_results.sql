-- Grain: one row per answer in stage_answers (a CALLRESULT or CALLERROR), with the action and direction of the CALL
-- it answers: the nearest earlier CALL with the same unique id on the same station, sent the other way (either way
-- when the answer's own direction is unknown), among the stored CALLs and the file's own (stage_calls). An answer
-- whose CALL comes in a later file is paired by the pass after the last file. Only CALLs from $lookback_s seconds
-- before the earliest answer on are looked at: an older CALL is no answer's, and the time bound keeps the scan of
-- stored messages to the recent part of the table however large it grows.
-- One ordered pass per (station, unique id, direction) instead of a join: chargers that reuse one id for
-- thousands of messages would make a join explode.
create or replace temp table stage_pairs as
with answers as (
    -- the answers, and the direction their CALL must have had
    select
        file_id,
        line_no,
        station_id,
        unique_id,
        received_at,
        coalesce(case direction when 'in' then 'out' when 'out' then 'in' end, 'any') as call_direction
    from stage_answers
),
answered as (
    -- the (station, id) pairs some answer uses; only their CALLs can match
    select distinct station_id, unique_id from answers
),
horizon as (
    -- the earliest a matching CALL can have been sent
    select min(received_at) - to_seconds($lookback_s) as earliest from answers
),
calls as (
    -- stored and staged CALLs with those ids
    select m.station_id, m.unique_id, m.received_at, m.direction, m.action
    from messages m
    semi join answered a on a.station_id = m.station_id and a.unique_id = m.unique_id
    where m.message_type = 2 and m.received_at >= (select earliest from horizon)
    union all
    select c.station_id, c.unique_id, c.received_at, c.direction, c.action
    from stage_calls c
    semi join answered a on a.station_id = c.station_id and a.unique_id = c.unique_id
),
events as (
    -- CALLs and answers in one stream; a CALL sorts before an answer received at the same instant
    select station_id, unique_id, direction as call_direction, received_at, 0 as is_answer, action, direction, null::integer as file_id, null::bigint as line_no
    from calls
    where direction is not null
    union all
    select station_id, unique_id, 'any', received_at, 0, action, direction, null, null
    from calls
    union all
    select station_id, unique_id, call_direction, received_at, 1, null, null, file_id, line_no
    from answers
),
latest as (
    -- for each answer, the last CALL before it in its stream
    select
        is_answer,
        file_id,
        line_no,
        last_value(action ignore nulls) over w as call_action,
        last_value(case when is_answer = 0 then direction end ignore nulls) over w as call_direction_seen
    from events
    window w as (partition by station_id, unique_id, call_direction order by received_at, is_answer rows between unbounded preceding and current row)
)
select
    file_id,
    line_no,
    call_action as action,
    case call_direction_seen when 'in' then 'out' when 'out' then 'in' end as direction
from latest
where is_answer = 1
