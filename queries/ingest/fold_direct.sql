-- The JSON reader's receive times stage_folds moved to the other pass of a repeated hour, its rows found by their
-- line numbers as parse_jsonl_direct gives them.
update stage_json s
set received_at = f.instant
from (select line_no, instant from stage_folds where moved and part = 'received') f, stage_piece p
where f.line_no = case when p.batched then staged_line(s.slot, s.rowid - p.line_bases[s.slot + 1]) else s.rowid - p.line_base + s.line_shift end
