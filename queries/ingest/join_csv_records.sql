-- Grain: the lines of stage_csv that are part of a record spanning lines (stage_csv_records): its first line becomes
-- the record's row, the lines it continues on are skipped.
update stage_csv s
set
    kind = case when s.line_no = r.first_no then 'row' else 'skip' end,
    reason = null,
    raw = null,
    fields = case when s.line_no = r.first_no then r.fields end,
    line = case when s.line_no = r.first_no then r.text else s.line end
from stage_csv_records r
where s.line_no = r.line_no
