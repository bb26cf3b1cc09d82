-- Grain: one row for the bytes after a gzip file's gzip data (what gzip -d skips as trailing garbage). They are not
-- read: rejected as the line after the file's last, so that the run reports them and --strict refuses the file.
insert into rejects (file_id, line_no, reason, raw)
values ($file_id, $line_no, $reason, left($raw, $raw_chars))
