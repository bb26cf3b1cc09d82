-- Grain: one row per staged status (stage_status_source) as a typed StatusNotification, with its off-spec
-- values flagged, never dropped. The effective time is the reported time when plausible, else the receive time.
-- Status CSV rows that repeat a stored row exactly (station, times, fields: stored_csv_statuses) are duplicates and
-- are left out; OCPP rows that repeat a message are left out like their messages: those repeating an earlier line
-- of the piece are not staged, those repeating a stored message are stored_repeats.
insert into status_notifications
with typed as (
    -- text fields as values
    select
        *,
        -- an integer, or null (flagged): the cast alone would round 1.5 to 2 and read '0x10' as 16 and 1e2 as 100
        case when regexp_full_match(connector_text, '\s*[+-]?\d+(\.0*)?\s*') then try_cast(connector_text as integer) end as connector_id,
        hash(connector_text, status, error_code, info, vendor_id, vendor_error_code, reported_text) as row_hash
    from stage_status_source s
    anti join stored_repeats r on r.line_no = s.line_no
),
timed as (
    -- which time the status happened at
    select
        *,
        plausible_time(reported_at, received_at, $max_behind_s, $max_ahead_s) as plausible_reported_at
    from typed
),
flagged as (
    -- what is off-spec about each status
    select
        station_id,
        connector_id,
        status,
        error_code,
        info,
        vendor_id,
        vendor_error_code,
        reported_at,
        reported_text,
        received_at,
        -- a row with no received time has a reported time parse_status_csv found plausible (which stage_folds may
        -- have moved by an hour since)
        coalesce(plausible_reported_at, received_at, reported_at) as effective_at,
        case when plausible_reported_at is not null or received_at is null then 'reported' else 'received' end as effective_source,
        coalesce(status in ('Available', 'Preparing', 'Charging', 'SuspendedEVSE', 'SuspendedEV', 'Finishing', 'Reserved', 'Unavailable', 'Faulted'), false) as known_status,
        coalesce(error_code in (
            'ConnectorLockFailure', 'EVCommunicationError', 'GroundFailure', 'HighTemperature', 'InternalError',
            'LocalListConflict', 'NoError', 'OtherError', 'OverCurrentFailure', 'PowerMeterFailure',
            'PowerSwitchFailure', 'ReaderFailure', 'ResetFailure', 'UnderVoltage', 'OverVoltage', 'WeakSignal'), false) as known_error_code,
        coalesce(length(info) > 50, false) as info_too_long,
        epoch(reported_at) - epoch(received_at) as reported_time_skew_s,
        coalesce(reported_text is not null and (
            plausible_reported_at is null
            or abs(epoch(reported_at) - epoch(received_at)) > $skew_flag_s
        ), false) as reported_time_implausible,
        source,
        row_hash,
        staged_file_id(file_id, line_no) as file_id,
        staged_line_no(line_no) as line_no
    from timed
)
select *
from flagged f
where f.source = 'ocpp'
    or not exists (
        select 1
        from stored_csv_statuses s
        where s.station_id = f.station_id
            and s.effective_at = f.effective_at
            and s.received_at is not distinct from f.received_at
            and s.row_hash = f.row_hash
    )
-- the first copy is kept: by file and line, since the files of a batch each number their lines from 1
qualify f.source = 'ocpp' or row_number() over (partition by station_id, effective_at, received_at, row_hash order by file_id, line_no) = 1
