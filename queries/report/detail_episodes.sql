-- Grain: one row per episode of a station listed in the temp table report_detail (the stations that get a detail
-- section), the latest $max_station_episodes per station: the episode, its lock-failure classification, and the
-- part of it inside the window as a bar for the timeline (bar_end is the window end while the episode is open).
-- station_episodes counts all of the station's episodes in the window.
-- Reads the temp tables episodes, lock_failures, analysis_window and report_detail.
with chosen as (
    -- the detail stations' episodes, newest first per station
    select
        e.*,
        d.position,
        row_number() over (partition by e.station_id order by e.started_at desc, e.connector_id desc) as recency,
        count(*) over (partition by e.station_id) as station_episodes
    from episodes e
    join report_detail d on d.station_id = e.station_id
    qualify recency <= $max_station_episodes
)
select
    c.position,
    c.station_id,
    c.connector_id,
    c.error_code,
    c.status,
    c.started_at,
    c.ended_at,
    c.open,
    c.duration_s,
    c.full_duration_s,
    c.faulted,
    c.notifications,
    c.info,
    c.vendor_id,
    c.vendor_error_code,
    l.classification,
    greatest(c.started_at, w.window_start) as bar_start,
    greatest(least(coalesce(c.ended_at, w.window_end), w.window_end), greatest(c.started_at, w.window_start)) as bar_end,
    c.station_episodes
from chosen c
cross join analysis_window w
left join lock_failures l
    on l.station_id = c.station_id and l.connector_id = c.connector_id and l.started_at = c.started_at
order by c.position, c.connector_id, c.started_at
