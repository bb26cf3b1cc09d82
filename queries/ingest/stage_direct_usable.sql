-- Grain: one row: whether the JSON reader's rows (stage_json) stand for every line of the file, one to one, with
-- each row a frame to store; when not, the line-by-line path reads the file instead.
select
    count(*) = $lines
    and count(*) filter (where station_id is null or received_at is null or direction = 'invalid' or frame_elements is null) = 0
    as usable
from stage_json
