-- Grain: one row per message of this run that the tables derived from all messages read (derived_message), added to
-- derived_messages: those this run stored (files from $first_file_id on), and stored answers of earlier runs that
-- this run's CALLs paired (update_paired_answers; derived_messages_repaired took out what they were).
insert into derived_messages
select station_id, unique_id, received_at, direction, message_type, action, payload, error_code, file_id, line_no
from messages
where file_id >= $first_file_id and derived_message(action, message_type, direction)
union all
select m.station_id, m.unique_id, m.received_at, m.direction, m.message_type, m.action, m.payload, m.error_code, m.file_id, m.line_no
from messages m
semi join stored_pairs p on p.file_id = m.file_id and p.line_no = m.line_no and p.action is not null
where m.file_id < $first_file_id and derived_message(m.action, m.message_type, m.direction)
