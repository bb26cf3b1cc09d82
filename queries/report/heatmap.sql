-- Grain: one row per station and time bucket ($bucket: 'hour', 'day' or 'week', UTC; weeks start on Monday) with at least one episode, for the
-- $heat_stations stations with the most episodes in the window (then the most downtime, then by id): episodes that
-- started in the bucket (or were already running when the window began, in the first bucket) and hours in Faulted.
-- Reads the temp tables episodes and analysis_window.
with per_station as (
    -- each station's episodes and downtime in the window
    select station_id, count(*) as episodes, sum(faulted_s) as faulted_s
    from episodes
    group by station_id
),
top_stations as (
    -- the most affected stations, ranked
    select station_id, episodes as station_episodes, row_number() over (order by episodes desc, faulted_s desc, station_id) as station_rank
    from per_station
    qualify station_rank <= $heat_stations
),
bucketed as (
    -- their episodes, each in its bucket
    select
        e.station_id,
        date_trunc($bucket, greatest(e.started_at, w.window_start)) as bucket_start,
        e.faulted_s
    from episodes e
    join top_stations t on t.station_id = e.station_id
    cross join analysis_window w
)
select
    b.station_id,
    t.station_rank,
    t.station_episodes,
    b.bucket_start,
    count(*) as episodes,
    round(sum(b.faulted_s) / 3600, 3) as downtime_h
from bucketed b
join top_stations t on t.station_id = b.station_id
group by b.station_id, t.station_rank, t.station_episodes, b.bucket_start
order by t.station_rank, b.bucket_start
