-- The writing connection's views for pairing a piece's answers with stored CALLs (stored_pairs); the staged
-- relations they name are the current piece's, looked up when a view is read.
create or replace temp view stored_pair_answers as
select a.*
from stage_answers a
semi join stored_calls c on c.station_id = a.station_id and c.unique_id = a.unique_id;

create or replace temp view stored_pair_calls as
select station_id, unique_id, received_at, direction, action
from stored_calls
union all
select c.station_id, c.unique_id, c.received_at, c.direction, c.action
from stage_calls c
semi join stored_calls s on s.station_id = c.station_id and s.unique_id = c.unique_id;
