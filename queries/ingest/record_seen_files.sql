-- Grain: one row per path this run hashed (each parameter a list, one element a path; the stat as text), replacing
-- what an earlier run saw there.
insert or replace into seen_files (path, size_bytes, modified_ns, changed_ns, inode, device, sha256, seen_at)
select
    unnest($paths::varchar[]),
    unnest($sizes::varchar[])::bigint,
    unnest($modified_ns::varchar[])::bigint,
    unnest($changed_ns::varchar[])::bigint,
    unnest($inodes::varchar[])::ubigint,
    unnest($devices::varchar[])::ubigint,
    unnest($sha256s::varchar[]),
    now()
