-- Grain: one row per line of a status-csv file: 'status' (to store, or a duplicate), 'skip' or 'reject' with its reason.
create or replace view stage_outcomes as
select line_no, kind, reason, raw from stage_parsed
