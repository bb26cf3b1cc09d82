-- Grain: one row per line of a status-csv file (a support export of StatusNotification rows): a status to store
-- (copied to stage_status_source by the caller), a line to skip, or a line to reject. Column positions come in as
-- $i_* (1-based; 0 when the column is absent). A row needs a station and a time; a receive time, when the
-- column exists and is filled, must be a time; a reported time that is not a time is kept and flagged, unless it is
-- the row's only time, which must then be a time from 2000 to a day past now. Zone-less
-- times are kept as local_at and reported_local when $tz sets its clocks back ($zone_folds), for stage_folds.
create or replace table stage_parsed as
with rows as (
    -- the fields this format uses
    select
        line_no,
        kind,
        reason,
        line,
        nullif(trimmed(fields[$i_station]), '') as station_id,
        case when $i_connector > 0 then nullif(trimmed(fields[$i_connector]), '') end as connector_text,
        case when $i_status > 0 then nullif(trimmed(fields[$i_status]), '') end as status,
        case when $i_error > 0 then nullif(trimmed(fields[$i_error]), '') end as error_code,
        case when $i_info > 0 then nullif(fields[$i_info], '') end as info,
        case when $i_vendor > 0 then nullif(fields[$i_vendor], '') end as vendor_id,
        case when $i_vendor_error > 0 then nullif(fields[$i_vendor_error], '') end as vendor_error_code,
        case when $i_reported > 0 then nullif(trimmed(fields[$i_reported]), '') end as reported_text,
        case when $i_received > 0 then nullif(trimmed(fields[$i_received]), '') end as received_text
    from stage_csv
),
typed as (
    -- times as values
    select
        *,
        parse_time(received_text, $tz) as received_at,
        parse_time(reported_text, $tz) as reported_at,
        case when $zone_folds then local_time(received_text) end as local_at,
        case when $zone_folds then local_time(reported_text) end as reported_local
    from rows
),
judged as (
    -- what to do with the row, and why
    select
        *,
        case
            when kind <> 'row' then reason
            when station_id is null then 'no station id'
            when received_text is not null and received_at is null then 'received time is not a time: ' || left(received_text, 40)
            when received_in_future(received_at) then 'received time is more than a day in the future: ' || left(received_text, 40)
            when received_text is null and reported_text is null then 'no timestamp'
            when received_text is null and reported_at is null then 'timestamp is not a time: ' || left(reported_text, 40)
            -- with no received time the charger's clock is all there is: a clock that lost its setting (1970 after a
            -- reboot) or runs ahead would put the row decades away and stretch every window over them
            when received_text is null and year(timezone($tz, reported_at)) < 2000 then 'timestamp is before 2000 (a charger clock not set) and the row has no received time: ' || left(reported_text, 40)
            when received_text is null and received_in_future(reported_at) then 'timestamp is more than a day in the future and the row has no received time: ' || left(reported_text, 40)
        end as row_reason
    from typed
)
select
    line_no,
    case when kind = 'skip' then 'skip' when row_reason is not null then 'reject' else 'status' end as kind,
    row_reason as reason,
    case when row_reason is not null then left(line, $raw_chars) end as raw,
    station_id,
    received_at,
    local_at,
    reported_at,
    reported_local,
    connector_text,
    status,
    error_code,
    info,
    vendor_id,
    vendor_error_code,
    reported_text
from judged
