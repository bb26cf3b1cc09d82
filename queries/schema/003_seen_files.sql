-- Schema version 3: what each input path looked like when its bytes were last hashed. A file still as it was (the
-- nightly inbox keeps yesterday's files) is known to hold those bytes without reading them again: hashing the files
-- an inbox keeps took 1.9 s a night for 30 day files, and grew by a file a day.

-- one row per path an ingest run has hashed: its stat then (files.ts, FileStat), and the sha256 of its bytes
create table seen_files (
    path varchar primary key,
    size_bytes bigint not null,
    modified_ns bigint not null,
    changed_ns bigint not null,
    inode ubigint not null,
    device ubigint not null,
    sha256 varchar not null,
    seen_at timestamptz not null
);
