-- Grain: one row per row of a file the JSON reader read (stage_json, one file) that is not a frame it could take (a
-- broken line read as nulls, an alias key its first lines did not use, ...): its line number as the reader numbered
-- the lines (counting no empty line), at most $limit of them.
select (s.rowid - p.line_base)::bigint as line_no
from stage_json s
cross join stage_piece p
where not s.usable
order by 1
limit $limit
