-- Grain: one row per valid frame of the staged piece that came without a direction (an answer or a CALL of an
-- unknown action, in a CSV of frames), with the direction its pairing found for an answer (null when none): the
-- duplicate checks' keys for these rows, as stage_ready would give them. An inner join and an anti join rather
-- than stage_ready's left join: DuckDB drops both when its statistics say the piece has no such frame, where it
-- would still build the left join's hash table over every answer.
create or replace view stage_undirected as
select f.line_no, f.station_id, f.received_at, p.direction, f.frame_hash
from stage_frames f
join stage_pairs p on p.line_no = f.line_no
where f.valid and f.direction is null
union all
select f.line_no, f.station_id, f.received_at, null::varchar as direction, f.frame_hash
from stage_frames f
anti join stage_pairs p on p.line_no = f.line_no
where f.valid and f.direction is null
