-- Schema version 1: raw facts as ingested, and the tables derived from them after each ingest.
-- Times are TIMESTAMPTZ (UTC). file_id + line_no point every stored row back at its source line.

create table if not exists meta (
    key varchar primary key,
    value varchar not null
);

-- one row per ingested file (a file is identified by the sha256 of its bytes)
create table files (
    file_id integer primary key,
    path varchar not null,
    sha256 varchar not null unique,
    size_bytes bigint not null,
    format varchar not null,
    ingested_at timestamptz not null,
    lines bigint not null,
    messages bigint not null,
    status_notifications bigint not null,
    duplicates bigint not null,
    skipped_lines bigint not null,
    rejected bigint not null
);

-- one row per rejected input line
create table rejects (
    file_id integer not null,
    line_no bigint not null,
    reason varchar not null,
    raw varchar
);

-- one row per distinct OCPP-J frame: station + received time + direction + frame
create table messages (
    station_id varchar not null,
    received_at timestamptz not null,
    direction varchar,              -- 'in' charger to central system, 'out' central system to charger; null when it cannot be inferred
    message_type utinyint not null, -- 2 CALL, 3 CALLRESULT, 4 CALLERROR
    unique_id varchar not null,
    action varchar,                 -- a CALLRESULT or CALLERROR takes its CALL's action; null when no CALL matched
    payload json,                   -- CALLERROR: its errorDetails
    error_code varchar,             -- CALLERROR only
    error_description varchar,      -- CALLERROR only
    frame_hash ubigint not null,    -- hash of the minified frame, part of the duplicate key
    file_id integer not null,
    line_no bigint not null
);

-- one row per StatusNotification (from a CALL, or a row of a status CSV)
create table status_notifications (
    station_id varchar not null,
    connector_id integer,           -- null when connectorId is missing or not an integer (flagged)
    status varchar,
    error_code varchar,
    info varchar,
    vendor_id varchar,
    vendor_error_code varchar,
    reported_at timestamptz,        -- payload timestamp, when it is a time
    reported_at_text varchar,       -- payload timestamp as sent
    received_at timestamptz,        -- null for status CSV rows without a receive time
    effective_at timestamptz not null,
    effective_source varchar not null, -- 'reported' or 'received'
    known_status boolean not null,
    known_error_code boolean not null,
    info_too_long boolean not null,
    reported_time_skew_s double,    -- reported minus received, seconds
    reported_time_implausible boolean not null,
    source varchar not null,        -- 'ocpp' or 'status-csv'
    row_hash ubigint not null,      -- status-csv duplicate key part
    file_id integer not null,
    line_no bigint not null
);

-- derived after every ingest from messages: one row per transaction
create table transactions (
    station_id varchar not null,
    connector_id integer,
    transaction_id bigint,
    id_tag varchar,
    started_at timestamptz,
    stopped_at timestamptz,
    stop_reason varchar,
    meter_start bigint,
    meter_stop bigint,
    start_unique_id varchar,
    id_tag_status varchar
);

-- derived: one row per central-system command and its outcome
create table remote_commands (
    station_id varchar not null,
    connector_id integer,
    action varchar not null,
    unique_id varchar not null,
    requested_at timestamptz not null,
    request json,
    answered_at timestamptz,
    outcome varchar not null        -- the answer's status (Unlocked, UnlockFailed, NotSupported, Accepted, Rejected, ...), 'CALLERROR' or 'no answer'
);

-- derived: one row per BootNotification, so vendor, model and firmware are known per station over time
create table station_boots (
    station_id varchar not null,
    booted_at timestamptz not null,
    vendor varchar,
    model varchar,
    firmware_version varchar,
    serial_number varchar,
    registration_status varchar,
    heartbeat_interval_s integer     -- the interval the central system told the station to heartbeat at
);
