-- Grain: one row: the time spans of the staged piece as text, to bind into the writing connection's statements that
-- look at stored messages: its frames' span (the only stored messages a frame can repeat) and the span its answers'
-- CALLs can lie in (from $lookback_s seconds before the first answer to the last). A bound given as a value lets
-- DuckDB skip row groups outside it, also among rows this run has written and not yet committed, which a bound from
-- a subquery does not (every piece then scanned every earlier one).
select
    min(received_at)::varchar as first_at,
    max(received_at)::varchar as last_at,
    (min(received_at) filter (where message_type in (3, 4)) - to_seconds($lookback_s))::varchar as calls_from,
    (max(received_at) filter (where message_type in (3, 4)))::varchar as calls_to
from stage_frames
where valid
