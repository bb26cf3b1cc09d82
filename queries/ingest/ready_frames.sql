-- Grain: one row per valid frame of the staged piece, answers with the action and direction their pairing within the
-- piece found (stage_pairs), ready to store; frame_direction is the frame's own, for a pairing with stored CALLs
-- (stored_pairs) to fill instead.
create or replace view stage_ready as
select
    f.station_id,
    f.received_at,
    coalesce(f.direction, p.direction) as direction,
    f.direction as frame_direction,
    f.message_type,
    f.unique_id,
    coalesce(f.action, p.action) as action,
    f.payload,
    f.error_code,
    f.error_description,
    f.frame_hash,
    f.line_no
from stage_frames f
left join (
    -- only answers that found their CALL (the others would add nulls): a filter on both sides, so DuckDB's estimate
    -- keeps the pairs the smaller side of the join and builds its hash table on them, not on every frame's payload
    select line_no, action, direction from stage_pairs where action is not null
) p on p.line_no = f.line_no
where f.valid
