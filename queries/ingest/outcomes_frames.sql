-- Grain: one row per line of a frame-format file: 'frame' (to store, or a duplicate), 'skip' or 'reject' with its reason.
create or replace temp table stage_outcomes as
select
    p.line_no,
    case when f.valid = false then 'reject' else p.kind end as kind,
    case when f.valid = false then f.reason else p.reason end as reason
from stage_parsed p
left join stage_frames f using (line_no)
