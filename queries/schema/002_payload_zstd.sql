-- Schema version 2: message payloads compressed with zstd. DuckDB picks its dictionary+FSST compression for every
-- text column, and zstd only for texts over 4 KB; for JSON payloads zstd takes half the space (1M messages of the
-- bench fleet: 11 MB against 24 MB) and about 40% less CPU to write, and reads back about as fast. A column's
-- compression is fixed when its table is made, so the table is made again with its rows. Run only on files whose
-- storage format has zstd (DuckDB 1.2 on; migrations.ts): in an older one the column would be stored uncompressed.

create table messages_zstd (
    station_id varchar not null,
    received_at timestamptz not null,
    direction varchar,              -- 'in' charger to central system, 'out' central system to charger; null when it cannot be inferred
    message_type utinyint not null, -- 2 CALL, 3 CALLRESULT, 4 CALLERROR
    unique_id varchar not null,
    action varchar,                 -- a CALLRESULT or CALLERROR takes its CALL's action; null when no CALL matched
    payload json using compression zstd, -- CALLERROR: its errorDetails
    error_code varchar,             -- CALLERROR only
    error_description varchar,      -- CALLERROR only
    frame_hash ubigint not null,    -- hash of the minified frame, part of the duplicate key
    file_id integer not null,
    line_no bigint not null
);

insert into messages_zstd
select station_id, received_at, direction, message_type, unique_id, action, payload, error_code, error_description, frame_hash, file_id, line_no
from messages;

drop table messages;

alter table messages_zstd rename to messages;
