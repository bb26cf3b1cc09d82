-- Grain: one row per answer of the staged piece (stage_answers), with the action and direction of the CALL it
-- answers among the piece's own CALLs (stage_calls). Answers whose CALL may be stored are paired again by the writing
-- connection (stored_pairs), which then has the last word; an answer whose CALL comes in a later file is paired by
-- the pass after the last file.
create or replace table stage_pairs as
select *
from answer_pairs('stage_answers', 'stage_calls', $lookback_s)
