-- Grain: one row per data-quality finding and vendor, model and firmware version (station findings only), with
-- how many of the stations that ever booted with that firmware showed it, so fleets of different size compare.
with per_model as (
    -- station findings rolled up by what the stations ran
    select
        finding,
        vendor,
        model,
        firmware_version,
        count(distinct station_id) as stations,
        cast(sum(count) as bigint) as count,
        any_value(description) as description
    from data_quality
    where station_id is not null
    group by finding, vendor, model, firmware_version
),
fleet as (
    -- stations that ever booted with each vendor, model and firmware
    select vendor, model, firmware_version, count(distinct station_id) as stations_total
    from station_boots
    group by vendor, model, firmware_version
)
select
    p.finding,
    p.vendor,
    p.model,
    p.firmware_version,
    p.stations,
    f.stations_total,
    p.count,
    round(p.count / nullif(f.stations_total, 0), 3) as count_per_station,
    p.description
from per_model p
left join fleet f
    on f.vendor is not distinct from p.vendor
    and f.model is not distinct from p.model
    and f.firmware_version is not distinct from p.firmware_version
order by p.finding, p.count desc, p.vendor nulls last, p.model nulls last, p.firmware_version nulls last
