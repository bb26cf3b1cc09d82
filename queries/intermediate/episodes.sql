-- Grain: one row per error episode on a station and connector that overlaps the analysis window.
-- An episode starts at a notification whose error code is not NoError and ends at the first later notification
-- on the connector whose error code differs (NoError, or another code, which starts the next episode); repeats of
-- the same code merge into it. Connector 0 is the whole station. started_at/ended_at are the episode's real times;
-- duration_s and faulted_s are clipped to the window (an episode open at the end of the data counts to window_end).
-- Reads the temp tables status_changes and analysis_window. Parameters: $max_open_transaction_h.
with code_runs as (
    -- status changes numbered by run of identical error code, with the status before each change
    select
        *,
        seq = 1 or error_code is distinct from prev_error_code as starts_run,
        sum(case when seq = 1 or error_code is distinct from prev_error_code then 1 else 0 end) over w as code_run,
        lag(status_started_at) over w as status_before_since
    from status_changes
    window w as (partition by station_id, connector_id order by seq)
),
run_starts as (
    -- the first notification of each code run, with the run that follows it
    select
        *,
        lead(changed_at) over w as run_ended_at,
        lead(status) over w as run_status_after,
        lead(error_code) over w as run_ended_by_code,
        lead(seq) over w as next_run_seq
    from code_runs
    where starts_run
    window w as (partition by station_id, connector_id order by seq)
),
faulted_segments as (
    -- time in Faulted within each error run, clipped to the window
    select
        r.station_id,
        r.connector_id,
        r.code_run,
        sum(greatest(
            epoch(least(coalesce(r.next_changed_at, w.window_end), w.window_end)) - epoch(greatest(r.changed_at, w.window_start)),
            0)) as faulted_s
    from code_runs r, analysis_window w
    where r.is_error and r.status = 'Faulted'
    group by r.station_id, r.connector_id, r.code_run
),
in_window as (
    -- error runs that overlap the window
    select
        s.*,
        w.window_start,
        w.window_end,
        w.data_end
    from run_starts s, analysis_window w
    where s.is_error
        and s.changed_at < w.window_limit
        and greatest(s.changed_at, w.window_start) <= w.window_end
        -- a window after the end of the data holds nothing, not even an episode still open when the data ended
        and w.window_start <= w.data_end
        and (s.run_ended_at is null or s.run_ended_at > w.window_start or s.changed_at >= w.window_start)
),
known_starts as (
    -- transactions whose start and connector are known
    select station_id, connector_id, transaction_id, started_at, stopped_at
    from transactions
    where connector_id is not null and started_at is not null
),
known_stops as (
    -- transactions that stopped on a known connector
    select station_id, connector_id, transaction_id, stopped_at, stop_reason
    from transactions
    where connector_id is not null and stopped_at is not null
),
with_running as (
    -- the latest transaction started on the connector at or before the episode start
    select
        e.*,
        t.transaction_id as latest_transaction_id,
        t.started_at as latest_transaction_started_at,
        t.stopped_at as latest_transaction_stopped_at
    from in_window e
    asof left join known_starts t
        on t.station_id = e.station_id and t.connector_id = e.connector_id and t.started_at <= e.changed_at
),
with_stopped as (
    -- the last transaction stopped on the connector at or before the episode start
    select
        e.*,
        p.transaction_id as stopped_transaction_id,
        p.stopped_at as stopped_transaction_at,
        p.stop_reason as stopped_transaction_reason
    from with_running e
    asof left join known_stops p
        on p.station_id = e.station_id and p.connector_id = e.connector_id and p.stopped_at <= e.changed_at
),
shaped as (
    -- the episode's facts, clipped where the window cuts it
    select
        e.*,
        e.latest_transaction_started_at is not null
            and (e.latest_transaction_stopped_at > e.changed_at
                or (e.latest_transaction_stopped_at is null
                    and e.latest_transaction_started_at >= e.changed_at - to_seconds(cast($max_open_transaction_h as double) * 3600)))
            as transaction_running,
        greatest(epoch(least(coalesce(e.run_ended_at, e.window_end), e.window_end)) - epoch(greatest(e.changed_at, e.window_start)), 0) as clipped_s
    from with_stopped e
)
select
    e.station_id,
    e.connector_id,
    e.error_code,
    e.status,
    e.changed_at as started_at,
    e.run_ended_at as ended_at,
    round(e.clipped_s, 3) as duration_s,
    e.run_ended_at is null as open,
    coalesce(e.next_run_seq, e.connector_notifications + 1) - e.seq as notifications,
    e.info,
    e.vendor_id,
    e.vendor_error_code,
    e.prev_status as status_before,
    e.run_status_after as status_after,
    e.run_ended_by_code as ended_by_code,
    f.faulted_s is not null or e.status = 'Faulted' as faulted,
    round(coalesce(f.faulted_s, 0), 3) as faulted_s,
    round(epoch(coalesce(e.run_ended_at, e.data_end)) - epoch(e.changed_at), 3) as full_duration_s,
    e.changed_at < e.window_start as clipped_start,
    coalesce(e.run_ended_at, e.data_end) > e.window_end as clipped_end,
    e.status_started_at,
    e.status_before_since,
    e.transaction_running,
    case when e.transaction_running then e.latest_transaction_id end as transaction_id,
    case when e.transaction_running then e.latest_transaction_started_at end as transaction_started_at,
    e.stopped_transaction_id as last_stopped_transaction_id,
    e.stopped_transaction_at as last_stopped_at,
    e.stopped_transaction_reason as last_stop_reason,
    e.received_at as first_received_at,
    e.file_id,
    e.line_no
from shaped e
left join faulted_segments f
    on f.station_id = e.station_id and f.connector_id = e.connector_id and f.code_run = e.code_run
