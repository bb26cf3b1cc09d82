-- Grain: one row per data-quality finding and where it was seen: a station, with the vendor, model and firmware
-- of its last BootNotification at or before the finding (else its first one); or, for the file-level findings
-- (duplicates dropped, rejected lines), an ingested file. Station findings count rows in the analysis window;
-- file findings are not tied to a time and are always listed in full. Reads the temp table analysis_window.
with findings (finding, description) as (
    -- what each finding means
    values
        ('unknown_error_code', 'errorCode is not one of the OCPP 1.6 ChargePointErrorCode values'),
        ('unknown_status', 'status is not one of the OCPP 1.6 ChargePointStatus values'),
        ('faulted_without_error', 'status Faulted with errorCode NoError: the fault is not named'),
        ('ev_communication_error_faulted', 'EVCommunicationError sent with status Faulted; OCPP 1.6 wants SuspendedEVSE'),
        ('info_too_long', 'info longer than the 50 characters OCPP 1.6 allows'),
        ('reported_time_unusable', 'payload timestamp not usable (not a time, or too far from the receive time); the receive time was used'),
        ('reported_time_skewed', 'payload timestamp far from the receive time (a queued replay or a drifting clock); the payload time was used'),
        ('connector0_invalid_status', 'connector 0 (the whole station) in a status it may not have (only Available, Unavailable, Faulted)'),
        ('connector_id_missing', 'connectorId missing or not an integer; the notification is left out of the episodes'),
        ('call_no_answer', 'a central-system command the station never answered'),
        ('call_error', 'a central-system command the station answered with a CALLERROR'),
        ('duplicates_dropped', 'lines that repeated a stored message exactly (overlapping exports); stored once'),
        ('rejected_lines', 'input lines that could not be read as a message; see the rejects table')
),
statuses as (
    -- status notifications in the window
    select s.*
    from status_notifications s, analysis_window w
    where s.effective_at >= w.window_start and s.effective_at < w.window_limit
),
status_events as (
    -- one row per off-spec status notification and finding
    select 'unknown_error_code' as finding, station_id, effective_at as seen_at, error_code as example, file_id, line_no
    from statuses where not known_error_code
    union all
    select 'unknown_status', station_id, effective_at, status, file_id, line_no
    from statuses where not known_status
    union all
    select 'faulted_without_error', station_id, effective_at, status || '/' || error_code, file_id, line_no
    from statuses where status = 'Faulted' and error_code = 'NoError'
    union all
    select 'ev_communication_error_faulted', station_id, effective_at, status || '/' || error_code, file_id, line_no
    from statuses where status = 'Faulted' and error_code = 'EVCommunicationError'
    union all
    select 'info_too_long', station_id, effective_at, left(info, 80), file_id, line_no
    from statuses where info_too_long
    union all
    select 'reported_time_unusable', station_id, effective_at, reported_at_text, file_id, line_no
    from statuses where reported_time_implausible and effective_source = 'received'
    union all
    select 'reported_time_skewed', station_id, effective_at, reported_at_text || ' (' || cast(round(reported_time_skew_s) as bigint) || ' s from receipt)', file_id, line_no
    from statuses where reported_time_implausible and effective_source = 'reported'
    union all
    select 'connector0_invalid_status', station_id, effective_at, status, file_id, line_no
    from statuses where connector_id = 0 and status not in ('Available', 'Unavailable', 'Faulted')
    union all
    select 'connector_id_missing', station_id, effective_at, null, file_id, line_no
    from statuses where connector_id is null
),
command_events as (
    -- central-system commands in the window without a proper answer
    select
        case c.outcome when 'no answer' then 'call_no_answer' else 'call_error' end as finding,
        c.station_id,
        c.requested_at as seen_at,
        c.action || ' ' || c.unique_id as example,
        cast(null as integer) as file_id,
        cast(null as bigint) as line_no
    from remote_commands c, analysis_window w
    where c.outcome in ('no answer', 'CALLERROR')
        and c.requested_at >= w.window_start and c.requested_at < w.window_limit
),
station_events as (
    -- every station-level event
    select * from status_events
    union all
    select * from command_events
),
first_boots as (
    -- each station's first boot, for findings before it
    select station_id, vendor, model, firmware_version
    from station_boots
    qualify row_number() over (partition by station_id order by booted_at) = 1
),
attributed as (
    -- each event with the vendor, model and firmware the station ran then
    select
        e.*,
        case when b.station_id is not null then b.vendor else f.vendor end as vendor,
        case when b.station_id is not null then b.model else f.model end as model,
        case when b.station_id is not null then b.firmware_version else f.firmware_version end as firmware_version
    from station_events e
    asof left join station_boots b
        on b.station_id = e.station_id and b.booted_at <= e.seen_at
    left join first_boots f
        on f.station_id = e.station_id
),
per_station as (
    -- station findings counted, with the first example
    select
        finding,
        station_id,
        vendor,
        model,
        firmware_version,
        count(*) as count,
        min(seen_at) as first_at,
        max(seen_at) as last_at,
        first(example order by seen_at, file_id, line_no) as example,
        first(file_id order by seen_at, file_id, line_no) as example_file_id,
        first(line_no order by seen_at, file_id, line_no) as example_line
    from attributed
    group by finding, station_id, vendor, model, firmware_version
),
first_rejects as (
    -- the first rejected line of each file
    select file_id, min(line_no) as line_no, arg_min(reason, line_no) as reason
    from rejects
    group by file_id
),
file_findings as (
    -- duplicates and rejected lines per ingested file
    select
        'duplicates_dropped' as finding,
        cast(null as varchar) as station_id,
        cast(null as varchar) as vendor,
        cast(null as varchar) as model,
        cast(null as varchar) as firmware_version,
        f.duplicates as count,
        cast(null as timestamptz) as first_at,
        cast(null as timestamptz) as last_at,
        cast(null as varchar) as example,
        f.file_id as example_file_id,
        cast(null as bigint) as example_line
    from files f
    where f.duplicates > 0
    union all
    select 'rejected_lines', null, null, null, null, f.rejected, null, null, r.reason, f.file_id, r.line_no
    from files f
    left join first_rejects r on r.file_id = f.file_id
    where f.rejected > 0
),
all_findings as (
    -- station and file findings together
    select * from per_station
    union all
    select * from file_findings
)
select
    a.finding,
    a.station_id,
    a.vendor,
    a.model,
    a.firmware_version,
    a.count,
    a.first_at,
    a.last_at,
    a.example,
    fl.path as example_file,
    a.example_line,
    d.description
from all_findings a
left join findings d on d.finding = a.finding
left join files fl on fl.file_id = a.example_file_id
