-- Grain: one row per staged frame that repeats a frame on an earlier line of the piece: an exact repeat of station +
-- received time + direction + frame (its minified text, by hash), where a direction nobody knows is no different
-- direction, as stored_repeats takes it (so a piece of two overlapping files stores what two runs of them store).
-- Usually none. Repeats of stored messages are found by the writing connection (stored_repeats); a table of its own
-- so that storing the frames is one plain pass.
create or replace table stage_repeats as
with keyed as (
    -- each frame's duplicate key but its direction (stage_frame_keys)
    select line_no, direction, hash(station_id, received_at, frame_hash) as repeat_key
    from stage_frame_keys
),
repeated_keys as (
    -- keys on more than one line of the piece (a hash aggregate: cheaper than ranking every row)
    select repeat_key
    from keyed
    group by repeat_key
    having count(*) > 1
),
candidates as (
    select k.*
    from keyed k
    semi join repeated_keys r on r.repeat_key = k.repeat_key
)
select distinct later.line_no
from candidates later
join candidates earlier
    on earlier.repeat_key = later.repeat_key
    and earlier.line_no < later.line_no
    and (earlier.direction is not distinct from later.direction or earlier.direction is null or later.direction is null)
