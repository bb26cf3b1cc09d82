-- Grain: one row per valid frame of the staged piece, with what its duplicate key is made of (station, received
-- time, direction, frame hash): its own direction where it has one; a frame without one (an answer or a CALL of an
-- unknown action, in a CSV of frames) takes what its pairing found for an answer (null when none), as stage_ready
-- would give it. Read by both duplicate checks (stage_repeats, stored_repeats). The frames without a direction come
-- through an inner join and an anti join rather than stage_ready's left join: DuckDB drops both when its statistics
-- say the piece has no such frame, where it would still build the left join's hash table over every answer.
create or replace view stage_frame_keys as
select line_no, station_id, received_at, direction, frame_hash
from stage_frames
where valid and direction is not null
union all
select f.line_no, f.station_id, f.received_at, p.direction, f.frame_hash
from stage_frames f
join stage_pairs p on p.line_no = f.line_no
where f.valid and f.direction is null
union all
select f.line_no, f.station_id, f.received_at, null::varchar as direction, f.frame_hash
from stage_frames f
anti join stage_pairs p on p.line_no = f.line_no
where f.valid and f.direction is null
