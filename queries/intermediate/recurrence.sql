-- Grain: one row per station, connector and error code with at least one episode that started in the analysis
-- window: how often the code comes back there. Episode starts are events, which count in the window they happen in
-- (docs/exports.md), so an episode running on from before the window counts in none of these figures: a nightly
-- window would otherwise count it again every night it lasts, and call a code chronic on the strength of the
-- previous night's episode. Gaps and repeats look at the previous episode of the same code on the connector within
-- the window. Reads the temp tables episodes and analysis_window.
-- Parameters: $repeat_window_h, $chronic_min_episodes, $chronic_window_days.
with sequenced as (
    -- each episode with the end of the previous one of its code on its connector, and how many of them started
    -- in the chronic window up to it
    select
        *,
        epoch(started_at) - epoch(lag(ended_at) over w) as gap_s,
        count(*) over (w range between to_days(cast($chronic_window_days as integer)) preceding and current row) as recent_episodes
    from episodes e
    where e.started_at >= (select window_start from analysis_window)
    window w as (partition by station_id, connector_id, error_code order by started_at)
),
per_key as (
    -- the recurrence figures per station, connector and code
    select
        station_id,
        connector_id,
        error_code,
        count(*) as episodes,
        min(started_at) as first_seen,
        max(started_at) as last_seen,
        count(distinct cast(started_at as date)) as distinct_days,
        median(gap_s) as median_gap_s,
        count(*) filter (where gap_s <= $repeat_window_h * 3600) as repeats_within_24h,
        avg(duration_s) as mttr_s,
        max(recent_episodes) as max_episodes_in_chronic_window,
        count(*) filter (where open) as open_episodes,
        count(*) filter (where faulted) as faulted_episodes,
        sum(duration_s) as duration_s,
        sum(faulted_s) as faulted_s
    from sequenced
    group by station_id, connector_id, error_code
)
select
    k.station_id,
    k.connector_id,
    k.error_code,
    k.episodes,
    k.first_seen,
    k.last_seen,
    k.distinct_days,
    round(k.median_gap_s / 3600, 3) as median_gap_h,
    k.repeats_within_24h,
    round(k.mttr_s, 3) as mttr_s,
    round(w.window_s / 3600 / k.episodes, 3) as mtbf_h,
    k.max_episodes_in_chronic_window >= $chronic_min_episodes as chronic,
    k.max_episodes_in_chronic_window,
    k.open_episodes,
    k.faulted_episodes,
    round(k.duration_s, 3) as duration_s,
    round(k.faulted_s / 3600, 6) as downtime_h
from per_key k, analysis_window w
