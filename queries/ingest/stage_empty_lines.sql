-- Grain: one row per empty line of the piece ($empty_lines: their numbers in it, from 1, as Node counted them while
-- reading it, as one text of numbers joined by commas), which DuckDB's JSON reader skips: its line number, and where
-- the reader's rows stand around it. A row the reader numbered past after_line (counting no empty line) is `shift`
-- lines further on in the file. Two lists of one length unnested in one select pair up element by element: the i-th
-- empty line with i.
create or replace table stage_empty_lines as
select $line_offset + e as line_no, $line_offset + e - i as after_line, i as shift
from (
    select unnest(numbers)::bigint as e, unnest(range(1, len(numbers) + 1)) as i
    from (select string_split($empty_lines, ',') as numbers)
)
