-- A status-csv piece's reported times stage_folds moved to the other pass of a repeated hour.
update stage_parsed p
set reported_at = f.instant
from stage_folds f
where f.moved and f.part = 'reported' and f.line_no = p.line_no
