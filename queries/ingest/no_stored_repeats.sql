-- Grain: none: status CSV rows are compared with stored rows as they are inserted (insert_status), not as messages.
create or replace temp table stored_repeats (line_no bigint)
