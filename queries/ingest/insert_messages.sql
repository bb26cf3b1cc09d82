-- Grain: one row per frame in stage_ready that is not a duplicate. A duplicate is an exact repeat of
-- station + received time + direction + frame, earlier in this file or already stored.
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
        file_id,
        line_no
    from stage_ready
    qualify row_number() over (partition by station_id, received_at, direction, frame_hash order by line_no) = 1
)
select *
from first_in_file s
where not exists (
    select 1
    from messages m
    where m.station_id = s.station_id
        and m.received_at = s.received_at
        and m.direction is not distinct from s.direction
        and m.frame_hash = s.frame_hash
)
