-- Grain: one row per file already ingested: its content hash, its size (a file of another size is none of them), and
-- the zone its zone-less times were read in (files of schema versions before 5 were read in UTC).
select sha256, size_bytes, coalesce(time_zone, 'UTC') as time_zone from files
