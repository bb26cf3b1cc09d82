-- Grain: one row per time bucket ($bucket: 'hour', 'day' or 'week', UTC; weeks start on Monday) of the report window (as cut
-- to the data), empty ones included, with its episodes and the episodes of the bucket at the same position in the
-- previous window
-- (temp table report_previous_buckets, from bucket_totals.sql; null when the data does not reach that far back).
-- An episode already running when the window began counts in the first bucket.
-- Reads the temp tables episodes, analysis_window and report_previous_buckets.
with origin as (
    -- the window's first and last bucket (the window as cut to the data)
    select
        date_trunc($bucket, window_start) as first_bucket,
        -- an end given by --to is exclusive: the bucket it opens is not part of the window
        date_trunc($bucket, greatest(
            case when window_end = requested_to then window_end - interval 1 microsecond else window_end end,
            window_start)) as last_bucket,
        window_start
    from analysis_window
),
series as (
    -- every bucket of the window
    select unnest(generate_series(first_bucket, last_bucket, case $bucket when 'week' then interval 7 day when 'hour' then interval 1 hour else interval 1 day end)) as bucket_start
    from origin
),
counted as (
    -- episodes per bucket
    select date_trunc($bucket, greatest(e.started_at, o.window_start)) as bucket_start, count(*) as episodes
    from episodes e, origin o
    group by all
),
previous_span as (
    -- the buckets the previous window's data reaches (its first and last bucket with any data time)
    select date_diff($bucket, date_trunc($bucket, requested_from), date_trunc($bucket, window_start)) as first_index,
        date_diff($bucket, date_trunc($bucket, requested_from),
            date_trunc($bucket, case when window_end = requested_to then window_end - interval 1 microsecond else window_end end)) as last_index
    from report_figures_previous
    where window_s > 0
)
select
    date_diff($bucket, o.first_bucket, s.bucket_start) as bucket_index,
    s.bucket_start,
    coalesce(c.episodes, 0) as episodes,
    case
        when date_diff($bucket, o.first_bucket, s.bucket_start) between p.first_index and p.last_index
            then coalesce(b.episodes, 0)
    end as previous_episodes
from series s
cross join origin o
left join counted c on c.bucket_start = s.bucket_start
left join report_previous_buckets b on b.bucket_index = date_diff($bucket, o.first_bucket, s.bucket_start)
left join previous_span p on true
order by s.bucket_start
