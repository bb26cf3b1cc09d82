-- Grain: one row per stored CALLRESULT or CALLERROR whose CALL was not found when it was stored, received within
-- $answers_from to $answers_to (run_span): answers this run's CALLs may answer. Older orphans (a CALL before the
-- export began) are not looked at again every run. pair_unpaired pairs them with the CALLs of unpaired_calls.
create or replace temp table unpaired_answers as
select file_id, line_no, station_id, unique_id, received_at, direction
from messages
where message_type in (3, 4) and action is null
    and received_at between $answers_from::timestamptz and $answers_to::timestamptz
