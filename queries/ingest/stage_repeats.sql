-- Grain: one row per staged frame that repeats a frame on an earlier line of the piece: an exact repeat of station +
-- received time + direction + frame (its minified text, by hash), where a direction nobody knows is no different
-- direction, as stored_repeats takes it. A line repeats only what is kept (the first line of its key, and the first
-- line of each direction when the first has one), so a piece stores what runs of its lines one by one store: 'in',
-- unknown, 'out' keeps 'in' and 'out', the unknown copy taking neither's place. Usually none. Repeats of stored
-- messages are found by the writing connection (stored_repeats); a table of its own so that storing the frames is
-- one plain pass. Hash aggregates and one window over the repeated keys only: linear in the piece however many
-- copies a key has.
create or replace table stage_repeats as
with keyed as (
    -- each frame's duplicate key but its direction (stage_frame_keys)
    select line_no, direction, hash(station_id, received_at, frame_hash) as repeat_key
    from stage_frame_keys
),
repeated_keys as (
    -- keys on more than one line of the piece, with their first line and their first line without a direction
    select repeat_key, min(line_no) as first_line, min(line_no) filter (where direction is null) as first_unknown_line
    from keyed
    group by repeat_key
    having count(*) > 1
),
candidates as (
    -- the lines of those keys, with the first line of their own direction
    select
        k.line_no,
        k.direction,
        r.first_line,
        r.first_unknown_line = r.first_line as first_unknown,
        min(k.line_no) over (partition by k.repeat_key, k.direction) as first_of_direction
    from keyed k
    join repeated_keys r on r.repeat_key = k.repeat_key
)
select line_no
from candidates
where line_no <> first_line
    and (direction is null or coalesce(first_unknown, false) or line_no <> first_of_direction)
