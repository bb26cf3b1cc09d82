-- Grain: one row per empty line of the piece ($empty_lines: their numbers in it, from 1, as Node counted them while
-- reading it), which DuckDB's JSON reader skips: its line number, and where the reader's rows stand around it. A row
-- the reader numbered past after_line (counting no empty line) is `shift` lines further on in the file.
create or replace table stage_empty_lines as
select $line_offset + e as line_no, $line_offset + e - i as after_line, i as shift
from (
    select unnest($empty_lines::bigint[]) as e, generate_subscripts($empty_lines::bigint[], 1) as i
)
