-- Grain: one row: the time of the last thing that happened in the database (null when it is empty).
select greatest((select max(received_at) from messages), (select max(effective_at) from status_notifications)) as latest_at
