-- Grain: one row per line of a frames-csv file (timestamp, station id, optional action, frame): a frame to store,
-- a line to skip, or a line to reject. Column positions come in as $i_* (1-based; 0 when the column is absent).
-- There is usually no direction column: directions are inferred later from the action and from pairing. A zone-less
-- time is kept as local_at when $tz sets its clocks back ($zone_folds), for stage_folds.
create or replace table stage_parsed as
with rows as (
    -- the fields this format uses
    select
        line_no,
        kind,
        reason,
        line,
        nullif(trimmed(fields[$i_time]), '') as time_text,
        nullif(trimmed(fields[$i_station]), '') as station_id,
        case when $i_direction > 0 then nullif(lower(trim(fields[$i_direction])), '') end as direction_text,
        nullif(trimmed(fields[$i_frame]), '') as frame
    from stage_csv
),
typed as (
    -- times and directions as values
    select
        *,
        parse_time(time_text, $tz) as received_at,
        case when $zone_folds then local_time(time_text) end as local_at,
        direction_of(direction_text) as direction
    from rows
),
judged as (
    -- what to do with the row, and why
    select
        *,
        case
            when kind <> 'row' then reason
            when station_id is null then 'no station id'
            when time_text is null then 'no timestamp'
            when received_at is null then 'timestamp is not a time: ' || left(time_text, 40)
            when received_in_future(received_at) then 'timestamp is more than a day in the future: ' || left(time_text, 40)
            when direction = 'invalid' then 'direction is neither in nor out: ' || left(direction_text, 20)
            when frame is null then 'no OCPP-J frame'
        end as row_reason
    from typed
)
select
    line_no,
    case when kind = 'skip' then 'skip' when row_reason is not null then 'reject' else 'frame' end as kind,
    row_reason as reason,
    case when row_reason is not null then left(line, $raw_chars) end as raw,
    station_id,
    received_at,
    local_at,
    null::timestamp as reported_local,
    direction,
    null::json[] as frame_elements,
    frame
from judged
