-- Grain: one row per line the reader could not take, added to the staged lines as a reject with its reason.
insert into stage_parsed (line_no, kind, reason, raw)
select
    line + $line_offset,
    'reject',
    case min(error_type)
        when 'INVALID ENCODING' then 'invalid UTF-8'
        when 'LINE SIZE OVER MAXIMUM' then 'line longer than ' || ($max_line_bytes // 1048576) || ' MB'
        else lower(min(error_type))
    end,
    left(min(csv_line), $raw_chars)
from stage_read_errors
group by line
