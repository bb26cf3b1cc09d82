-- Grain: one row per stored message that a table derived from all messages (transactions, remote_commands,
-- station_boots) reads: transaction starts and stops, boots, the central system's commands and the chargers'
-- answers to them; their CALLRESULTs take the CALL's action. A few in a hundred messages, taken in one scan of them
-- all (a scan of the rows an ingest has just written costs more than of committed ones), for the three queries
-- that read it.
create or replace temp table derived_messages as
select station_id, unique_id, received_at, direction, message_type, action, payload, error_code
from messages
where action in ('StartTransaction', 'StopTransaction', 'BootNotification')
    or (message_type = 2 and direction = 'out')
    or (message_type in (3, 4) and direction = 'in')
