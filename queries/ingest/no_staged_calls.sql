-- Grain: none: pairing stored answers after the last file looks at stored CALLs only.
create or replace temp view stage_calls as
select *
from (values (null::varchar, null::varchar, null::timestamptz, null::varchar, null::varchar)) as none(station_id, unique_id, received_at, direction, action)
where false
