-- Grain: one row: the id the next ingested file gets.
select coalesce(max(file_id), 0)::integer + 1 as id from files
