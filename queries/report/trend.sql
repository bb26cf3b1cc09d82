-- Grain: one row per time bucket ($bucket: 'hour', 'day' or 'week', UTC; weeks start on Monday) of the report window and
-- error code with at least one episode: episodes that started in the bucket (an episode already running when the
-- window began counts in the first bucket) and how many of them were Faulted.
-- Reads the temp tables episodes and analysis_window.
with bucketed as (
    -- each episode in its bucket
    select
        date_trunc($bucket, greatest(e.started_at, w.window_start)) as bucket_start,
        e.error_code,
        e.faulted
    from episodes e, analysis_window w
)
select
    bucket_start,
    error_code,
    count(*) as episodes,
    count(*) filter (where faulted) as faulted_episodes
from bucketed
group by bucket_start, error_code
order by bucket_start, error_code
