-- Grain: one row: how many lines of stage_csv split_csv rejected for bad quoting (some may be records that span
-- lines, which csv_records joins; a file with none needs no look for them).
select count(*)::integer as n
from stage_csv
where reason = 'bad quoting'
