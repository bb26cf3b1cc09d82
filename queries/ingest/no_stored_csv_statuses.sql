-- Grain: none: the statuses of a piece of OCPP frames repeat stored ones only as their messages do (stored_repeats),
-- so insert_status compares them with no stored rows, and reads no stored statuses for it.
create or replace temp view stored_csv_statuses as
select station_id, effective_at, received_at, row_hash
from status_notifications
where false
