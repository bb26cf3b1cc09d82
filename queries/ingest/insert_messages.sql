-- Grain: one row per frame in stage_ready that is not a duplicate. A duplicate is an exact repeat of
-- station + received time + direction + frame (its minified text, by hash), earlier in this file or already stored.
insert into messages
with keyed as (
    -- each frame with its duplicate key
    select *, hash(station_id, received_at, direction, frame_hash) as repeat_key
    from stage_ready
),
first_lines as (
    -- the first line of each repeat within the file (a hash aggregate: cheaper than ranking every row)
    select min(line_no) as line_no
    from keyed
    group by repeat_key
),
bounds as (
    -- the file's time span; stored messages outside it cannot be repeats
    select min(received_at) as first_at, max(received_at) as last_at from keyed
),
stored as (
    -- stored messages within that span
    select m.station_id, m.received_at, m.direction, m.frame_hash
    from messages m, bounds b
    where m.received_at between b.first_at and b.last_at
)
select
    k.station_id,
    k.received_at,
    k.direction,
    k.message_type,
    k.unique_id,
    k.action,
    k.payload,
    k.error_code,
    k.error_description,
    k.frame_hash,
    $file_id::integer as file_id,
    k.line_no
from keyed k
semi join first_lines f on f.line_no = k.line_no
anti join stored m
    on m.station_id = k.station_id
    and m.received_at = k.received_at
    and m.direction is not distinct from k.direction
    and m.frame_hash = k.frame_hash
