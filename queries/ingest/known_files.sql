-- Grain: one row per file already ingested: its content hash, and its size (a file of another size is none of them).
select sha256, size_bytes from files
