-- Grain: one row per staged frame that repeats a message already stored (stage_stored_span): an exact repeat of
-- station + received time + direction + frame (its minified text, by hash). Repeats within the piece are
-- stage_repeats.
create or replace temp table stored_repeats as
select k.line_no
from stage_frame_keys k
semi join stage_stored_span m
    on m.station_id = k.station_id
    and m.received_at = k.received_at
    and m.direction is not distinct from k.direction
    and m.frame_hash = k.frame_hash
