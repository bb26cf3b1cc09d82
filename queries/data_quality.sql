-- Grain: one row per data-quality finding and station (with the vendor, model and firmware it ran), or per
-- finding and ingested file for file-level findings (built in intermediate/data_quality.sql).
with found as (
    -- the findings with their counts and first example
    select *
    from data_quality
)
select
    finding,
    station_id,
    vendor,
    model,
    firmware_version,
    count,
    first_at,
    last_at,
    example,
    example_file,
    example_line,
    description
from found
order by finding, station_id nulls last, vendor nulls first, model nulls first, firmware_version nulls first, example_file
