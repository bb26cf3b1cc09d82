-- Stored answers of earlier runs that this run's CALLs paired (update_paired_answers) leave derived_messages:
-- derived_messages.sql takes them again as they are now (their action and direction have changed).
delete from derived_messages d
using stored_pairs p
where p.action is not null and d.file_id = p.file_id and d.line_no = p.line_no
