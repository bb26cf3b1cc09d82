-- Grain: one row per valid CALL or answer of the staged piece whose station and unique id some stored CALL of the
-- span uses (stored_span_calls): the frames a pairing with stored CALLs can involve, taken in one scan of the
-- piece's frames rather than one for its answers and another for its CALLs.
create or replace temp table stored_pair_frames as
select f.message_type, f.line_no, f.station_id, f.unique_id, f.received_at, f.direction, f.action
from stage_frames f
semi join stored_span_calls c on c.station_id = f.station_id and c.unique_id = f.unique_id
where f.valid and f.message_type in (2, 3, 4)
