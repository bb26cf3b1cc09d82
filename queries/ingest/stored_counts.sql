-- Grain: one row: what file $file_id stored.
select
    (select count(*) from messages where file_id = $file_id)::bigint as messages,
    (select count(*) from status_notifications where file_id = $file_id)::bigint as statuses
