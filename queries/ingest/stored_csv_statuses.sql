-- Grain: one row per stored status CSV row: what a status CSV piece's rows are compared with as they are inserted
-- (insert_status), where an exact repeat is a duplicate.
create or replace temp view stored_csv_statuses as
select station_id, effective_at, received_at, row_hash
from status_notifications
where source = 'status-csv'
