-- Grain: one row per file just ingested (one, or a batch of small files staged together) and how its lines were
-- taken; each parameter but $time_zone (the run's --tz) is a list, one element a file.
insert into files (file_id, path, sha256, size_bytes, format, ingested_at, lines, messages, status_notifications, duplicates, skipped_lines, rejected, time_zone)
select
    unnest($file_ids::integer[]),
    unnest($paths::varchar[]),
    unnest($sha256s::varchar[]),
    unnest($sizes::bigint[]),
    unnest($formats::varchar[]),
    now(),
    unnest($lines::bigint[]),
    unnest($messages::bigint[]),
    unnest($status_notifications::bigint[]),
    unnest($duplicates::bigint[]),
    unnest($skipped_lines::bigint[]),
    unnest($rejected::bigint[]),
    $time_zone
