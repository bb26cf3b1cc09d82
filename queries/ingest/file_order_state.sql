-- Grain: one row, of a file staged alone (slot 0), or none once an earlier piece found it out of time order
-- (stage_order): what the next piece of the file carries over to stage_order and stage_folds.
select unordered, latest::varchar as latest
from stage_order
where slot = 0
