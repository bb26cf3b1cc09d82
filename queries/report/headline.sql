-- Grain: one row per headline figure, in display order: its value in the report's window and in the window of the
-- same length before it, and the change. Reads the temp tables report_figures_current and report_figures_previous
-- (figures.sql run for each window). $window_length_s is the report window's length; the previous window's values
-- are null when the data does not reach into it, and previous_coverage says how much of it the data covers.
with current_figures as (
    -- the report's window
    select * from report_figures_current
),
previous_figures as (
    -- the window before it
    select * from report_figures_previous
),
figures (position, figure) as (
    -- the figures shown, in order
    values
        (1, 'episodes'),
        (2, 'stations_affected'),
        (3, 'downtime_h'),
        (4, 'chronic_stations'),
        (5, 'stuck_lock'),
        (6, 'driver_misuse'),
        (7, 'undetermined'),
        (8, 'unlock_success_rate')
),
current_values as (
    -- the report window's figures, one row each
    unpivot (
        select
            cast(episodes as double) as episodes,
            cast(stations_affected as double) as stations_affected,
            cast(downtime_h as double) as downtime_h,
            cast(chronic_stations as double) as chronic_stations,
            cast(stuck_lock as double) as stuck_lock,
            cast(driver_misuse as double) as driver_misuse,
            cast(undetermined as double) as undetermined,
            cast(unlock_success_rate as double) as unlock_success_rate
        from current_figures
    ) on columns(*) into name figure value value
),
previous_values as (
    -- the previous window's figures, one row each; nothing when the data does not reach into it
    unpivot (
        select
            cast(episodes as double) as episodes,
            cast(stations_affected as double) as stations_affected,
            cast(downtime_h as double) as downtime_h,
            cast(chronic_stations as double) as chronic_stations,
            cast(stuck_lock as double) as stuck_lock,
            cast(driver_misuse as double) as driver_misuse,
            cast(undetermined as double) as undetermined,
            cast(unlock_success_rate as double) as unlock_success_rate
        from previous_figures
        where window_s > 0
    ) on columns(*) into name figure value value
),
coverage as (
    -- how much of the previous window the data covers (0 when none of it)
    select coalesce(max(window_s), 0) / nullif(cast($window_length_s as double), 0) as previous_coverage
    from previous_figures
)
select
    f.position,
    f.figure,
    c.value as current,
    p.value as previous,
    c.value - p.value as change,
    round((c.value - p.value) / nullif(p.value, 0), 4) as change_share,
    round(least(v.previous_coverage, 1), 4) as previous_coverage
from figures f
cross join coverage v
left join current_values c on c.figure = f.figure
left join previous_values p on p.figure = f.figure
order by f.position
