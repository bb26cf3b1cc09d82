-- Grain: one row per staged answer whose id some stored CALL of its station uses (stored_calls): the answers the
-- writing connection pairs again (stored_pairs). A table, not a view: the pairing reads it twice, and it is a
-- small part of the piece's answers.
create or replace temp table stored_pair_answers as
select a.*
from stage_answers a
semi join stored_calls c on c.station_id = a.station_id and c.unique_id = a.unique_id
