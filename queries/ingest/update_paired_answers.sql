-- Grain: one stored answer per row of stored_pairs (pair_unpaired) that found its CALL: it takes the CALL's action, and its direction when unknown.
update messages m
set action = p.action, direction = coalesce(m.direction, p.direction)
from stored_pairs p
where p.action is not null and m.file_id = p.file_id and m.line_no = p.line_no
