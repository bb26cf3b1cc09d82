-- Grain: one row per time bucket ($bucket: 'hour', 'day' or 'week', UTC; weeks start on Monday) of the analysis window with
-- at least one episode: the bucket's position counted from the window's start, and its episodes. An episode that
-- was already running when the window began counts in the first bucket. Used for the previous window, whose buckets
-- line up with the report window's by position. Reads the temp tables episodes and analysis_window.
with origin as (
    -- the window's first bucket: the requested start, else the start of the data
    select
        date_trunc($bucket, coalesce(requested_from, window_start)) as first_bucket,
        window_start
    from analysis_window
),
bucketed as (
    -- each episode in the bucket it started in (or the first one)
    select date_trunc($bucket, greatest(e.started_at, o.window_start)) as bucket_start, o.first_bucket
    from episodes e, origin o
)
select
    date_diff($bucket, first_bucket, bucket_start) as bucket_index,
    count(*) as episodes
from bucketed
group by all
order by bucket_index
