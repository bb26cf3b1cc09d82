-- Grain: one row: the storage format of the open database file as DuckDB tags it ('v1.3.0+'), null in memory. Not
-- a migration step: migrations.ts asks it whether a step fits the file.
select tags['storage_version'] as storage_version
from duckdb_databases()
where database_name = current_database()
