-- Grain: one row: whether the JSON reader's rows (stage_json) stand for every line of the file, one to one, with
-- each row a frame; when not, the line-by-line path reads the file instead.
select count(*) = $lines and coalesce(bool_and(usable), false) as usable
from stage_json
