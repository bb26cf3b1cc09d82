-- Schema version 4: the messages the tables derived from all messages read (transactions, remote_commands,
-- station_boots), kept as each run stores them (derived_messages.sql). The derived tables are rebuilt from all
-- history every run; taking their ~2% of the messages out of every message stored cost a nightly run ~1 s at 9.3M
-- messages, and grew by a day's messages each night.

-- one row per stored message that derived_message() takes, as it is in messages (file and line are its key there)
create table derived_messages (
    station_id varchar not null,
    unique_id varchar not null,
    received_at timestamptz not null,
    direction varchar,
    message_type utinyint not null,
    action varchar,
    payload json,
    error_code varchar,
    file_id integer not null,
    line_no bigint not null
);

insert into derived_messages
select station_id, unique_id, received_at, direction, message_type, action, payload, error_code, file_id, line_no
from messages
where derived_message(action, message_type, direction);
