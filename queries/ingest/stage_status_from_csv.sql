-- Grain: one row per accepted status-csv row of file $file_id, in the shape insert_status expects; its reported time
-- as parse_status_csv read it and stage_folds placed it.
create or replace table stage_status_source as
select
    station_id,
    received_at,
    connector_text,
    status,
    error_code,
    info,
    vendor_id,
    vendor_error_code,
    reported_text,
    reported_at,
    'status-csv' as source,
    $file_id::integer as file_id,
    line_no
from stage_parsed
where kind = 'status'
