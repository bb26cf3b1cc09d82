-- The reader's reject tables collect across reads; each file starts with none.
drop table if exists stage_read_errors;
drop table if exists stage_read_scans;
