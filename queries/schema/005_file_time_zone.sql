-- Schema version 5: the time zone each file was ingested in (--tz). Zone-less times a file's messages carry are read
-- in it, at ingest for status notifications and again whenever transactions are rebuilt from the stored messages,
-- which before this version read them as UTC whatever --tz said. Files ingested earlier have none, and are read as
-- UTC as before: the zone they were ingested in was not kept.
alter table files add column time_zone varchar;
