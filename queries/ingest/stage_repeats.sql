-- Grain: one row per staged frame that repeats a frame on an earlier line of the piece: an exact repeat of station +
-- received time + direction + frame (its minified text, by hash). Usually none. Repeats of stored messages are
-- found by the writing connection (stored_repeats); a table of its own so that storing the frames is one plain pass.
create or replace table stage_repeats as
with keyed as (
    -- each frame's duplicate key (stage_frame_keys)
    select line_no, hash(station_id, received_at, direction, frame_hash) as repeat_key
    from stage_frame_keys
),
repeated_keys as (
    -- keys on more than one line of the piece, with their first line (a hash aggregate: cheaper than ranking every row)
    select repeat_key, min(line_no) as first_line
    from keyed
    group by repeat_key
    having count(*) > 1
)
select k.line_no
from keyed k
join repeated_keys r on r.repeat_key = k.repeat_key and k.line_no <> r.first_line
