-- A read without unreadable lines may leave no reject table; the steps after it expect one.
create temp table if not exists stage_read_errors (line bigint, error_type varchar, csv_line varchar)
