-- Grain: one row per stored answer still without its CALL (unpaired_answers), with the CALL it answers among the
-- stored ones (unpaired_calls), for update_paired_answers.
create or replace temp table stored_pairs as
select *
from answer_pairs('unpaired_answers', 'unpaired_calls', $lookback_s)
