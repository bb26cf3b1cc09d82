-- Grain: one row: the time span of the staged file's frames, as text to bind into the statements that look at
-- stored messages: a bound given as a value lets DuckDB skip row groups outside it, also among rows this run has
-- written and not yet committed, which a bound from a subquery does not (every piece then scanned every earlier one).
select min(received_at)::varchar as first_at, max(received_at)::varchar as last_at
from stage_frames
where valid
