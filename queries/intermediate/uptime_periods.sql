-- Grain: one row per port and down period that overlaps the analysis window: a run of Faulted or Unavailable
-- notifications on the port itself or on connector 0 (the whole station, so it takes every port down), or an
-- offline gap of the station. started_at/ended_at are the period's real times; a period still going at the end of
-- the data ends at data_end and is open. Periods of one port overlap one another: uptime_outages merges them.
-- Offline: nothing came from the station (any message not sent by the central system) for longer than its
-- heartbeat interval plus $offline_grace_s. The period runs from when the missed heartbeat was due (the last
-- message + the interval) to the next message, or to the end of the data. The interval is the last one the station
-- was given at or before the gap: an accepted BootNotification's interval or an accepted ChangeConfiguration of
-- HeartbeatInterval; for a station given none in the data (it booted before the exports began), the spacing of its
-- own Heartbeats (observed); else $default_heartbeat_interval_s. Before a station's first message nothing is known:
-- no gap.
-- excluded: the period's minutes are NEVI excluded minutes (Faulted with EVCommunicationError, only when
-- $uptime_exclude_ev_communication_error is on). Reads the temp tables uptime_ports, status_changes and
-- analysis_window.
with status_periods as (
    -- Faulted and Unavailable runs on any connector (0 = the whole station) that overlap the window
    select
        s.station_id,
        s.connector_id as source_connector_id,
        lower(s.status) as cause,
        case when s.status = 'Faulted' then s.error_code end as error_code,
        s.changed_at as started_at,
        coalesce(s.next_changed_at, w.data_end) as ended_at,
        s.next_changed_at is null as open
    from status_changes s, analysis_window w
    where s.status in ('Faulted', 'Unavailable')
        and s.changed_at < w.window_end
        and coalesce(s.next_changed_at, w.data_end) > w.window_start
),
intervals as (
    -- heartbeat intervals the stations were given, from when they applied
    select station_id, booted_at as set_at, heartbeat_interval_s as interval_s
    from station_boots
    where registration_status = 'Accepted' and heartbeat_interval_s > 0
    union all
    select station_id, requested_at, try_cast(trim(json_text(request, '$.value')) as integer)
    from remote_commands
    where action = 'ChangeConfiguration'
        and lower(json_text(request, '$.key')) = 'heartbeatinterval'
        and outcome in ('Accepted', 'RebootRequired')
        and try_cast(trim(json_text(request, '$.value')) as integer) > 0
),
observed as (
    -- the heartbeat interval a station keeps, from the gaps between its Heartbeats in the week before the window and
    -- in it: their first quartile, since a charger may skip a heartbeat while it sends other messages (a longer gap)
    -- and a reboot or reconnection sends one early (a shorter one). At least 6 gaps
    select station_id, quantile_cont(gap_s, 0.25) as interval_s
    from (
        select station_id, epoch(received_at) - epoch(lag(received_at) over (partition by station_id order by received_at)) as gap_s
        from messages, analysis_window w
        where message_type = 2 and action = 'Heartbeat' and coalesce(direction, 'in') = 'in'
            and received_at >= w.window_start - interval 7 day and received_at <= w.window_end
    )
    where gap_s > 0
    group by station_id
    having count(*) >= 6
),
station_messages as (
    -- receive times of everything the stations sent
    select station_id, received_at
    from messages
    where coalesce(direction, 'in') = 'in'
),
bucket as (
    -- no gap shorter than the shortest heartbeat interval in the data (or the default) plus the grace can be offline,
    -- so messages are put in buckets that long: a gap inside a bucket is too short, only gaps between buckets count
    select greatest(least($default_heartbeat_interval_s, coalesce(min(interval_s), $default_heartbeat_interval_s)) + $offline_grace_s, 1) as bucket_s
    from (select interval_s from intervals union all select interval_s from observed)
),
near_window as (
    -- each station's messages in the window as buckets (first and last message), and its last message before and
    -- first one after the window, so the gaps that cross the window's bounds keep their real length
    select m.station_id, min(m.received_at) as first_at, max(m.received_at) as last_at
    from station_messages m, analysis_window w, bucket b
    where m.received_at >= w.window_start and m.received_at <= w.window_end
    group by m.station_id, floor(epoch(m.received_at) / b.bucket_s)
    union all
    select m.station_id, max(m.received_at), max(m.received_at)
    from station_messages m, analysis_window w
    where m.received_at < w.window_start
    group by m.station_id
    union all
    select m.station_id, min(m.received_at), min(m.received_at)
    from station_messages m, analysis_window w
    where m.received_at > w.window_end
    group by m.station_id
),
followed as (
    -- each bucket's last message with the next bucket's first (none after the station's last message)
    select
        station_id,
        last_at,
        lead(first_at) over (partition by station_id order by first_at) as next_at
    from near_window
),
gaps as (
    -- the gaps longer than a bucket (a gap after the station's last message runs to the end of the data)
    select f.*
    from followed f, analysis_window w, bucket b
    where epoch(coalesce(f.next_at, w.data_end)) - epoch(f.last_at) > b.bucket_s
),
gaps_with_interval as (
    -- the heartbeat interval in force when each gap began
    select
        g.station_id,
        g.last_at,
        g.next_at,
        coalesce(i.interval_s, o.interval_s, $default_heartbeat_interval_s) as interval_s
    from gaps g
    asof left join intervals i
        on i.station_id = g.station_id and i.set_at <= g.last_at
    left join observed o
        on o.station_id = g.station_id
),
offline_periods as (
    -- gaps longer than the interval plus the grace, from when the missed heartbeat was due, overlapping the window
    select
        g.station_id,
        cast(null as integer) as source_connector_id,
        'offline' as cause,
        cast(null as varchar) as error_code,
        g.last_at + to_seconds(cast(g.interval_s as double)) as started_at,
        coalesce(g.next_at, w.data_end) as ended_at,
        g.next_at is null as open
    from gaps_with_interval g, analysis_window w
    where epoch(coalesce(g.next_at, w.data_end)) - epoch(g.last_at) > g.interval_s + $offline_grace_s
        and g.last_at + to_seconds(cast(g.interval_s as double)) < w.window_end
        and coalesce(g.next_at, w.data_end) > w.window_start
),
port_periods as (
    -- the periods each port was down for: its own and connector 0's status runs, and the station's offline gaps
    select p.station_id, p.connector_id, s.source_connector_id, s.cause, s.error_code, s.started_at, s.ended_at, s.open
    from uptime_ports p
    join status_periods s
        on s.station_id = p.station_id and s.source_connector_id in (0, p.connector_id)
    union all
    select p.station_id, p.connector_id, o.source_connector_id, o.cause, o.error_code, o.started_at, o.ended_at, o.open
    from uptime_ports p
    join offline_periods o
        on o.station_id = p.station_id
)
select
    station_id,
    connector_id,
    cause,
    source_connector_id,
    error_code,
    started_at,
    ended_at,
    open,
    coalesce($uptime_exclude_ev_communication_error and cause = 'faulted' and error_code = 'EVCommunicationError', false) as excluded
from port_periods
where ended_at > started_at
