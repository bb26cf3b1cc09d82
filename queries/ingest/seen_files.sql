-- Grain: one row per path of $paths that an earlier run hashed, with its stat then and the sha256 of its bytes. The
-- stat comes as text: nanosecond times and inode numbers do not all fit a JavaScript number.
select
    path,
    size_bytes::varchar as size_bytes,
    modified_ns::varchar as modified_ns,
    changed_ns::varchar as changed_ns,
    inode::varchar as inode,
    device::varchar as device,
    sha256
from seen_files
semi join (select unnest($paths::varchar[]) as path) listed using (path)
