-- Grain: one row per answer in stage_answers (a CALLRESULT or CALLERROR), with the action and direction of the CALL
-- it answers: the latest CALL at or before it with the same unique id on the same station, sent the other way
-- (either way when the answer's own direction is unknown), among the stored CALLs and the file's own (stage_calls).
-- An answer whose CALL comes in a later file is paired by the pass after the last file. Only stored CALLs from
-- $calls_from to $calls_to (answer_span: from the pairing lookback before the first answer to the last) are looked
-- at: an older CALL is no answer's, and the bound keeps the scan of stored messages to a small part of the table
-- however large it grows.
-- An as-of join, not an equality join: chargers that reuse one id for thousands of messages would make a join explode.
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
calls as (
    -- stored CALLs with those ids, and the file's own
    select m.station_id, m.unique_id, m.received_at, m.direction, m.action
    from messages m
    semi join answered a on a.station_id = m.station_id and a.unique_id = m.unique_id
    where m.message_type = 2 and m.received_at between $calls_from::timestamptz and $calls_to::timestamptz
    union all
    -- the file's own CALLs are nearly all answered: filtering them would cost more than it saves
    select c.station_id, c.unique_id, c.received_at, c.direction, c.action
    from stage_calls c
),
streams as (
    -- each CALL under the direction an answer will look for: its own, and 'any' when some answer's is unknown
    select station_id, unique_id, direction as call_direction, received_at, action, direction
    from calls
    where direction is not null
    union all
    select station_id, unique_id, 'any', received_at, action, direction
    from calls
    where exists (select 1 from answers where call_direction = 'any')
)
select
    a.file_id,
    a.line_no,
    c.action,
    case c.direction when 'in' then 'out' when 'out' then 'in' end as direction
from answers a
asof left join streams c
    on c.station_id = a.station_id
    and c.unique_id = a.unique_id
    and c.call_direction = a.call_direction
    and c.received_at <= a.received_at
