-- A read without unreadable lines may leave no reject table; number_lines needs one.
create temp table if not exists stage_read_errors (line bigint, error_type varchar)
