-- Grain: one row per line of the piece the line reader could not take (not UTF-8, too long): its number in the
-- piece, from 1, as unreadable_lines numbers it.
select distinct line::bigint as line_no
from stage_read_errors
order by 1
