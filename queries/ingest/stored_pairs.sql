-- Grain: one row per staged answer whose CALL may be stored (stored_calls has its station and id): the CALL it
-- answers among the stored CALLs and the piece's own together, which replaces what the piece alone found.
create or replace temp table stored_pairs as
select *
from answer_pairs('stored_pair_answers', 'stored_pair_calls', $lookback_s)
