-- Grain: one row: the time spans of the staged piece as text, to bind into the writing connection's statements that
-- look at stored messages: its frames' span (the only stored messages a frame can repeat), and the span in which a
-- stored CALL can change what its answers were paired with. An answer paired within the piece can only be paired
-- again with a stored CALL later than its own, so within the piece's span; an answer the piece could not pair looks
-- $near_s seconds further back (an answer comes within seconds of its CALL). One whose CALL is older still is
-- paired by the pass after the last file, which looks back the whole pairing lookback. A bound given as a value
-- lets DuckDB skip row groups outside it, also among rows this run has written and not yet committed, which a bound
-- from a subquery does not (every piece then scanned every earlier one).
with unpaired as (
    -- the piece's answers it has no CALL for
    select min(a.received_at) as first_at
    from stage_answers a
    join stage_pairs p on p.line_no = a.line_no
    where p.action is null
)
select
    min(f.received_at)::varchar as first_at,
    max(f.received_at)::varchar as last_at,
    least(min(f.received_at), any_value(u.first_at) - to_seconds($near_s))::varchar as calls_from,
    (max(f.received_at) filter (where f.message_type in (3, 4)))::varchar as calls_to
from stage_frames f
cross join unpaired u
where f.valid
