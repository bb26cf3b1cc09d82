-- Grain: one row per rejected line of the staged file (or batch: $file_id is its first file), with its reason and raw
-- text cut to $raw_chars characters.
insert into rejects
select staged_file_id($file_id, line_no) as file_id, staged_line_no(line_no) as line_no, reason, left(raw, $raw_chars)
from stage_outcomes
where kind = 'reject'
order by line_no
