-- Grain: one row, the file just ingested and how its lines were taken.
insert into files (file_id, path, sha256, size_bytes, format, ingested_at, lines, messages, status_notifications, duplicates, skipped_lines, rejected)
values ($file_id, $path, $sha256, $size_bytes, $format, now(), $lines, $messages, $status_notifications, $duplicates, $skipped_lines, $rejected)
