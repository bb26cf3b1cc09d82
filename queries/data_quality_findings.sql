-- Grain: one row per data-quality finding seen in the analysis window: how many rows and stations (or files).
with found as (
    -- the findings per station or file
    select *
    from data_quality
)
select
    finding,
    cast(sum(count) as bigint) as count,
    count(distinct station_id) as stations,
    count(distinct example_file) filter (where station_id is null) as files,
    any_value(description) as description
from found
group by finding
order by count desc, finding
