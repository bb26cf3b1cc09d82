-- Grain: one row per file already ingested, by content hash.
select sha256 from files
