-- Grain: one row: the first and last time anything in the database happened, measured as
-- intermediate/analysis_window.sql measures it, so the report can size the previous window before it builds any.
with span as (
    -- the earliest and latest message or status time (least/greatest skip a missing side)
    select
        least((select min(received_at) from messages), (select min(effective_at) from status_notifications)) as data_start,
        greatest((select max(received_at) from messages), (select max(effective_at) from status_notifications)) as data_end
)
select data_start, data_end
from span
