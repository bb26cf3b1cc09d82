-- Grain: one row per file id from $first_file_id to $last_file_id (the files of one piece: one file, or a batch of
-- small ones), in order: what each stored.
with messages_of as (
    select file_id, count(*) as n
    from messages
    where file_id between $first_file_id and $last_file_id
    group by file_id
),
statuses_of as (
    select file_id, count(*) as n
    from status_notifications
    where file_id between $first_file_id and $last_file_id
    group by file_id
)
select
    f.file_id::integer as file_id,
    coalesce(m.n, 0)::bigint as messages,
    coalesce(s.n, 0)::bigint as statuses
from range($first_file_id, $last_file_id + 1) f(file_id)
left join messages_of m on m.file_id = f.file_id
left join statuses_of s on s.file_id = f.file_id
order by f.file_id
