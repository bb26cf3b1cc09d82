-- Grain: one row per line of a frame-format file: 'frame' (to store, or a duplicate), 'skip' or 'reject' with its reason.
-- A view: its two uses (rejects, counts) each read it once, cheaper than storing a copy of every line.
create or replace view stage_outcomes as
with bad_frames as (
    -- frames that are not OCPP-J, with the frame text as their raw text
    select f.line_no, f.reason, coalesce(p.frame, to_json(p.frame_elements)::varchar) as raw
    from stage_frames f
    join stage_parsed p using (line_no)
    where not f.valid
)
select line_no, kind, reason, raw
from stage_parsed
where kind <> 'frame'
union all
select line_no, 'frame', null, null
from stage_frames
where valid
union all
select line_no, 'reject', reason, raw
from bad_frames
