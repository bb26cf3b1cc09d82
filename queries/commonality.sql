-- Grain: one row per error code: every OCPP 1.6 error code except NoError (with zero episodes when none was
-- seen), and any other code seen in the window. Observed commonality uses the brief's scale, from the code's
-- share of all episodes. Parameters: $very_frequent_share, $frequent_share.
with expected (error_code, expected_commonality) as (
    -- the brief's commonality of each OCPP 1.6 error code
    values
        ('ConnectorLockFailure', 'Very Frequently'),
        ('EVCommunicationError', 'Low'),
        ('GroundFailure', 'Frequent'),
        ('HighTemperature', 'Low'),
        ('InternalError', 'Low'),
        ('LocalListConflict', 'Low'),
        ('OtherError', 'Frequent'),
        ('OverCurrentFailure', 'Frequent'),
        ('OverVoltage', 'Frequent'),
        ('PowerMeterFailure', 'Frequent'),
        ('PowerSwitchFailure', 'Low'),
        ('ReaderFailure', 'Low'),
        ('ResetFailure', 'Low'),
        ('UnderVoltage', 'Low'),
        ('WeakSignal', 'Low')
),
per_code as (
    -- episodes and their spread per code
    select
        error_code,
        count(*) as episodes,
        count(*) filter (where faulted) as faulted_episodes,
        count(distinct station_id) as stations,
        count(distinct (station_id, connector_id)) filter (where connector_id > 0) as connectors,
        median(duration_s) as median_duration_s,
        quantile_cont(duration_s, 0.9) as p90_duration_s,
        sum(faulted_s) / 3600 as downtime_h,
        count(*) filter (where open) as open_episodes
    from episodes
    group by error_code
),
total as (
    -- all episodes in the window
    select count(*) as episodes
    from episodes
),
codes as (
    -- the known codes and whatever else was seen
    select error_code from expected
    union
    select error_code from per_code
),
measured as (
    -- each code's figures and share
    select
        c.error_code,
        coalesce(p.episodes, 0) as episodes,
        coalesce(p.episodes, 0) / nullif(t.episodes, 0) as share,
        coalesce(p.faulted_episodes, 0) as faulted_episodes,
        coalesce(p.stations, 0) as stations,
        coalesce(p.connectors, 0) as connectors,
        p.median_duration_s,
        p.p90_duration_s,
        coalesce(p.downtime_h, 0) as downtime_h,
        coalesce(p.open_episodes, 0) as open_episodes,
        e.expected_commonality,
        case
            when t.episodes = 0 then null
            when coalesce(p.episodes, 0) / t.episodes >= $very_frequent_share then 'Very Frequently'
            when coalesce(p.episodes, 0) / t.episodes >= $frequent_share then 'Frequent'
            else 'Low'
        end as observed_commonality
    from codes c
    cross join total t
    left join per_code p on p.error_code = c.error_code
    left join expected e on e.error_code = c.error_code
)
select
    error_code,
    episodes,
    round(share, 4) as share,
    faulted_episodes,
    stations,
    connectors,
    round(median_duration_s, 3) as median_duration_s,
    round(p90_duration_s, 3) as p90_duration_s,
    round(downtime_h, 6) as downtime_h,
    expected_commonality,
    observed_commonality,
    expected_commonality <> observed_commonality as differs,
    expected_commonality is not null as known_code,
    open_episodes
from measured
order by episodes desc, error_code
