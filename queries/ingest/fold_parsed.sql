-- The staged receive times stage_folds moved to the other pass of a repeated hour (the line-by-line paths).
update stage_parsed p
set received_at = f.instant
from stage_folds f
where f.moved and f.part = 'received' and f.line_no = p.line_no
