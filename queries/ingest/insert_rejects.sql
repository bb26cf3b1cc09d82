-- Grain: one row per rejected line of the staged file, with its reason and the raw text cut to $raw_chars characters.
insert into rejects
select $file_id::integer as file_id, o.line_no, o.reason, left(n.line, $raw_chars) as raw
from stage_outcomes o
left join stage_numbered n using (line_no)
where o.kind = 'reject'
order by o.line_no
