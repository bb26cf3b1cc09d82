-- Grain: one row per staged answer whose id some stored CALL of its station uses (stored_calls): the answers the
-- writing connection pairs again (stored_pairs), as stage_answers gives them. A table, not a view: the pairing reads
-- it twice, and it is a small part of the piece's answers.
create or replace temp table stored_pair_answers as
select null::integer as file_id, a.line_no, a.station_id, a.unique_id, a.received_at, a.direction
from stored_pair_frames a
semi join stored_calls c on c.station_id = a.station_id and c.unique_id = a.unique_id
where a.message_type in (3, 4)
