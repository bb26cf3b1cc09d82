-- Grain: one row per frame in stage_ready that is not a duplicate. A duplicate is an exact repeat of
-- station + received time + direction + frame (its minified text, by hash), earlier in this file or already stored.
insert into messages
with first_in_file as (
    -- the first of each repeat within the file
    select
        station_id,
        received_at,
        direction,
        message_type,
        unique_id,
        action,
        payload,
        error_code,
        error_description,
        frame_hash,
        $file_id::integer as file_id,
        line_no
    from stage_ready
    qualify row_number() over (partition by hash(station_id, received_at, direction, frame_hash) order by line_no) = 1
),
bounds as (
    -- the file's time span; stored messages outside it cannot be repeats
    select min(received_at) as first_at, max(received_at) as last_at from first_in_file
),
stored as (
    -- stored messages within that span
    select m.station_id, m.received_at, m.direction, m.frame_hash
    from messages m, bounds b
    where m.received_at between b.first_at and b.last_at
)
select f.*
from first_in_file f
anti join stored m
    on m.station_id = f.station_id
    and m.received_at = f.received_at
    and m.direction is not distinct from f.direction
    and m.frame_hash = f.frame_hash
