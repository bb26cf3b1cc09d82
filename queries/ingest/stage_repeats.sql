-- Grain: one row per staged frame that repeats a message: an exact repeat of station + received time + direction +
-- frame (its minified text, by hash) on an earlier line of this file, or of a message already stored
-- (stage_stored_span). Usually none; a table of its own so that storing the frames is one plain pass.
create or replace temp table stage_repeats as
with keyed as (
    -- each frame's duplicate key
    select line_no, station_id, received_at, direction, frame_hash, hash(station_id, received_at, direction, frame_hash) as repeat_key
    from stage_ready
),
repeated_keys as (
    -- keys on more than one line of the file, with their first line (a hash aggregate: cheaper than ranking every row)
    select repeat_key, min(line_no) as first_line
    from keyed
    group by repeat_key
    having count(*) > 1
)
select k.line_no
from keyed k
join repeated_keys r on r.repeat_key = k.repeat_key and k.line_no <> r.first_line
union
select k.line_no
from keyed k
semi join stage_stored_span m
    on m.station_id = k.station_id
    and m.received_at = k.received_at
    and m.direction is not distinct from k.direction
    and m.frame_hash = k.frame_hash
