-- Grain: one row per answer in stage_answers (a CALLRESULT or CALLERROR), with the action and direction of the CALL
-- it answers: the nearest earlier stored CALL with the same unique id on the same station, sent the other way
-- (either way when the answer's own direction is unknown). A file's CALLs are stored before its answers are paired,
-- so an answer finds its CALL in the same file, in an earlier file, or (through the pass after the last file) a later one.
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
answering_stations as (
    -- only these stations' CALLs can match
    select distinct station_id from answers
),
calls as (
    -- stored CALLs of those stations
    select m.station_id, m.unique_id, m.received_at, m.direction, m.action
    from messages m
    semi join answering_stations s on s.station_id = m.station_id
    where m.message_type = 2
),
keyed as (
    -- each CALL findable by its direction, and by 'any'
    select station_id, unique_id, received_at, direction, action, direction as call_direction from calls where direction is not null
    union all
    select station_id, unique_id, received_at, direction, action, 'any' from calls
)
select
    a.file_id,
    a.line_no,
    k.action,
    case k.direction when 'in' then 'out' when 'out' then 'in' end as direction
from answers a
asof left join keyed k
    on k.station_id = a.station_id
    and k.unique_id = a.unique_id
    and k.call_direction = a.call_direction
    and k.received_at <= a.received_at
