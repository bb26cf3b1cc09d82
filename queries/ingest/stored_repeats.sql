-- Grain: one row per staged frame that repeats a message already stored (stage_stored_span): an exact repeat of
-- station + received time + direction + frame (its minified text, by hash). Repeats within the piece are
-- stage_repeats.
-- A staged answer's direction is the one it is stored with: what its pairing with stored CALLs found
-- (stored_pairs), when there was one. And a direction nobody knows (an answer in an export without directions whose
-- CALL is in neither the piece nor the database) is no different direction: an answer exported twice, once beside
-- its CALL and once without it (overlapping day files of frames), is one message, stored once, and the copy
-- without a direction takes the CALL's later (pair_unpaired) when it is the stored one.
create or replace temp table stored_repeats as
with keys as (
    select
        k.line_no,
        k.station_id,
        k.received_at,
        case when p.line_no is null then k.direction else coalesce(a.direction, p.direction) end as direction,
        k.frame_hash
    from stage_frame_keys k
    left join stored_pairs p on p.line_no = k.line_no
    left join stored_pair_answers a on a.line_no = k.line_no
)
-- the direction is tested after the join: in its condition DuckDB plans a nested loop over every pair of staged and
-- stored rows (a file sorted by station, whose every piece spans the whole day, took minutes a piece)
select distinct k.line_no
from keys k
join stage_stored_span m
    on m.station_id = k.station_id
    and m.received_at = k.received_at
    and m.frame_hash = k.frame_hash
where m.direction is not distinct from k.direction or m.direction is null or k.direction is null
