-- Grain: one row: how many lines the last read could not take.
select count(*)::bigint as n from stage_read_errors
