-- Grain: one row: the span of received times in which the CALLs of the staged answers can lie (from $lookback_s
-- seconds before the first answer to the last), as text to bind into pair_results (see frame_span for why).
select (min(received_at) - to_seconds($lookback_s))::varchar as calls_from, max(received_at)::varchar as calls_to
from stage_answers
