-- Grain: one row per stored answer still without its CALL (stored_unpaired_answers), as the answers to pair.
create or replace temp view stage_answers as
select * from stage_unpaired_answers
