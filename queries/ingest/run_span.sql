-- Grain: one row: the span of received times of the messages this run stored (files $first_file_id on), widened
-- by $lookback_s after its end, as text to bind (see piece_span): a stored answer still without its CALL can only
-- find it among this run's CALLs, so only answers within this span are looked at again, and only CALLs from the
-- pairing lookback before its start.
select
    min(received_at)::varchar as answers_from,
    (max(received_at) + to_seconds($lookback_s))::varchar as answers_to,
    (min(received_at) - to_seconds($lookback_s))::varchar as calls_from
from messages
where file_id >= $first_file_id
