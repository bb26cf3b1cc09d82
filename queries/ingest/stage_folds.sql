-- Grain: one row per zone-less time of the staged piece (stage_parsed: local_at, the receive time; reported_local, a
-- status-csv row's reported time) that falls in a repeated hour of $tz, the local hour a fall-back passes twice
-- (Europe/Berlin, 2026-10-25: 02:00-02:59 CEST, then 02:00-02:59 CET), with the instant it stands for and
-- whether that is not the one parse_time read (moved: DuckDB reads such a time as the later instant).
-- A file writes its times in a repeated hour in the earlier (summer) offset until its clock goes back: the first of
-- them, in file order, more than 60 s before the latest one before it in that hour; that one and every later one
-- are in the later offset. A file whose clock does not go back within the hour is in the earlier offset throughout
-- (the first occurrence, as java.time and Python's fold=0 read it). The 60 s let logging threads write a few ms out
-- of order without that counting as the clock going back.
-- That is for a file in time order. A file whose receive times go back by more than 2 h (stage_order; a fall-back
-- cannot) and whose stations come one after another is sorted by station and then time: every station after the first would
-- look like the clock going back. In such a file the clock going back and the passes are looked for within each
-- station's own lines, in file order, and a status-csv's within each station and connector (a file sorted by
-- connector has each connector's rows in time order, but a station's connectors one after another). Both ways are
-- worked out for every time (they are few: those of a repeated hour) and both carried to the next piece.
-- A status-csv's reported time is the charger's, whose column need not be in order (a queued replay comes late)
-- and whose row has a received time (with Z, or placed here): when it has one, the reported time is of the later
-- pass unless that is more than $max_ahead_s after it (what plausible_time would reject), else of the earlier one;
-- only a row without a received time is placed by the order of its column (within its station and connector when
-- the file is out of time order).
-- A large file is staged in pieces, one after another, and a fall-back may fall across two: $carried is what its
-- earlier pieces saw of each repeated hour (fold_state), as JSON, for the whole file (scope 'file') and for each
-- station, or station and connector (scope 'key'); '[]' for a file's first piece or a batch of files.
-- $carried_unordered: an earlier piece found the file out of time order (stage_order then has no row for it). A
-- piece decides with what it and the earlier pieces saw: a file whose first piece is in time order and whose
-- disorder shows only in a later one has its first piece placed by file order.
-- Times not read in the zone (Z, an offset), and times of a spring-forward gap (which a server clock does not write),
-- are left as read.
create or replace table stage_folds as
with lines as (
    -- every format's staged lines, with a reported time and a connector (a status-csv's; null for the others)
    select * from (select null::timestamp as reported_local, null::varchar as connector_text where false)
    union all by name
    select * from stage_parsed
),
local_times as (
    select line_no, station_id, connector_text, 'received' as part, local_at, null::timestamptz as received_at from lines where local_at is not null
    union all
    select line_no, station_id, connector_text, 'reported' as part, reported_local as local_at, received_at from lines where reported_local is not null
),
minutes as (
    -- each local minute the times fall in, with the zone's offsets 3 h before and after the instant DuckDB reads it
    -- as: a fall-back moves the clock back by an hour or less, and the next change is months away
    select m, zone_offset($tz, t - interval 3 hour) as offset_before, zone_offset($tz, t + interval 3 hour) as offset_after
    from (select m, timezone($tz, m) as t from (select distinct date_trunc('minute', local_at) as m from local_times))
),
repeated as (
    -- the minutes the clock passes twice (in both offsets, each instant reads back as the minute), with the instant
    -- of their first pass and of their second
    select
        m,
        offset_before,
        offset_after,
        timezone('UTC', m - offset_before) as first_at,
        timezone('UTC', m - offset_after) as second_at
    from minutes
    where offset_before > offset_after
        and timezone($tz, timezone('UTC', m - offset_before)) = m
        and timezone($tz, timezone('UTC', m - offset_after)) = m
),
folds as (
    -- each minute's fall-back, by the instant the clock went back (fold_at): the first minute after the first pass
    -- in the later offset. The same in every piece, so that pieces of a file name a repeated hour alike
    select r.m, r.offset_before, r.offset_after, min(s.t) as fold_at
    from repeated r, range(r.first_at + interval 1 minute, r.second_at + interval 1 minute, interval 1 minute) s(t)
    where zone_offset($tz, s.t) = r.offset_after
    group by r.m, r.offset_before, r.offset_after
),
carried as (
    select part, fold_at::timestamptz as fold_at, scope, station, connector, latest::timestamp as latest, went_back
    from (select unnest(from_json($carried, '[{"part": "VARCHAR", "fold_at": "VARCHAR", "scope": "VARCHAR", "station": "VARCHAR", "connector": "VARCHAR", "latest": "VARCHAR", "went_back": "BOOLEAN"}]'), recursive := true))
),
placed as (
    -- each time in a repeated hour, with whether its file is out of time order and what the file's earlier pieces
    -- saw of that hour, in the whole file and in the time's station (and connector)
    select
        t.line_no,
        staged_file_id(0, t.line_no) as slot,
        t.station_id,
        t.connector_text,
        t.part,
        t.local_at,
        t.received_at,
        f.fold_at,
        f.offset_before,
        f.offset_after,
        $carried_unordered or coalesce(o.unordered, false) as unordered,
        cf.latest as carried_latest,
        coalesce(cf.went_back, false) as carried_back,
        ck.latest as key_carried_latest,
        coalesce(ck.went_back, false) as key_carried_back
    from local_times t
    join folds f on f.m = date_trunc('minute', t.local_at)
    left join stage_order o on o.slot = staged_file_id(0, t.line_no)
    left join carried cf on cf.scope = 'file' and cf.part = t.part and cf.fold_at = f.fold_at
    left join carried ck
        on ck.scope = 'key'
        and ck.part = t.part
        and ck.fold_at = f.fold_at
        and ck.station is not distinct from t.station_id
        and ck.connector is not distinct from t.connector_text
),
stepped as (
    -- whether the clock went back at the time: it is over 60 s before the latest time of the hour before it, in the
    -- file and in its station's (and connector's) lines
    select
        *,
        coalesce(local_at < greatest(carried_latest, max(local_at) over before_it) - interval 60 second, false) as stepped_back,
        coalesce(local_at < greatest(key_carried_latest, max(local_at) over key_before_it) - interval 60 second, false) as key_stepped_back
    from placed
    window
        before_it as (partition by slot, part, fold_at order by line_no rows between unbounded preceding and 1 preceding),
        key_before_it as (partition by slot, part, fold_at, station_id, connector_text order by line_no rows between unbounded preceding and 1 preceding)
),
passes as (
    -- the time is of the second pass: at or after the first step back in its file's hour, or in its station's
    select
        *,
        carried_back or coalesce(line_no >= min(line_no) filter (where stepped_back) over (partition by slot, part, fold_at), false) as file_second_pass,
        key_carried_back
            or coalesce(line_no >= min(line_no) filter (where key_stepped_back) over (partition by slot, part, fold_at, station_id, connector_text), false)
            as key_second_pass
    from stepped
),
passed as (
    select *, case when unordered then key_second_pass else file_second_pass end as second_pass
    from passes
),
by_order as (
    select *, timezone('UTC', local_at - case when second_pass then offset_after else offset_before end) as ordered_at
    from passed
),
by_received as (
    -- a reported time beside its row's received time: as placed here when it is in a repeated hour, else as read.
    -- Joined by line number alone, the part tested after: with the test in the join's condition DuckDB joined every
    -- time with every other (68,000 of them, 4.2 s)
    select o.*, case when o.part = 'reported' then coalesce(r.ordered_at, o.received_at) end as row_received_at
    from by_order o
    left join (select line_no, ordered_at from by_order where part = 'received') r on r.line_no = o.line_no
)
select
    line_no,
    station_id,
    connector_text,
    part,
    fold_at,
    local_at,
    carried_latest,
    carried_back,
    stepped_back,
    key_carried_latest,
    key_carried_back,
    key_stepped_back,
    case
        when part = 'reported' and row_received_at is not null then
            case when timezone('UTC', local_at - offset_after) <= row_received_at + to_seconds($max_ahead_s)
                then timezone('UTC', local_at - offset_after) else timezone('UTC', local_at - offset_before) end
        else ordered_at
    end as instant,
    instant is distinct from timezone($tz, local_at) as moved
from by_received
