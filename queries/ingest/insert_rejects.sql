-- Grain: one row per rejected line of the staged file, with its reason and raw text cut to $raw_chars characters.
insert into rejects
select $file_id::integer as file_id, line_no, reason, left(raw, $raw_chars)
from stage_outcomes
where kind = 'reject'
order by line_no
