-- The receive times stage_folds moved of the lines read beside the JSON reader (stageOddLines), whose frames are
-- staged already (direct_with_lines).
update stage_parsed_lines p
set received_at = f.instant
from stage_folds f
where f.moved and f.part = 'received' and f.line_no = p.line_no;
update stage_frames_lines p
set received_at = f.instant
from stage_folds f
where f.moved and f.part = 'received' and f.line_no = p.line_no;
