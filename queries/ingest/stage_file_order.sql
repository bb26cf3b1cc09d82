-- Grain: one row per file of the staged piece (slot: its place in a batch, 0 for a file alone), for stage_folds:
-- whether the file is out of time order, and the latest receive time of its lines (which the next piece of the file
-- carries over as $carried_latest).
-- A file is sorted by station (out of time order) when a line's receive time (as parsed, zone-less or not; a
-- status-csv row's reported time when it has no received time) is more than 2 h before the latest receive time of
-- the lines before it in the file, and its stations come one after another: each station's lines are one run (or,
-- in a status-csv, each station and connector's). A fall-back moves a clock back by an hour or less, so a file that
-- goes back further is sorted by something else (by station, then time, as support exports often are), and
-- stage_folds looks for the clock going back within each station's own lines. A file in time order whose stations
-- interleave stays placed by its own order when one line goes back further (a charger line of 1970, logs
-- concatenated newest first). The runs are counted within the piece (a station that comes back in a later piece is
-- not seen). A piece judges with what it and the file's earlier pieces saw ($carried_latest, and
-- $carried_unordered once an earlier piece found the file out of order, which skips the check).
-- The check is exact without a window over every line: lines are taken in blocks of 4096 by line number, and a
-- line more than 2 h before some earlier line is either more than 2 h before the latest time of the blocks before
-- its own (their maxima, one small window), or in a block whose times span more than 2 h, whose lines alone are
-- compared one by one. Such blocks are few (a quiet stretch of a file, a station-sorted file's station boundaries),
-- so on a busy file the check costs about one aggregate over the piece (1M lines: ~20-40 ms).
create or replace table stage_order as
with lines as (
    -- every format's staged lines, with a reported time (a status-csv's; null for the others)
    select * from (select null::timestamptz as reported_at, null::varchar as connector_text where false)
    union all by name
    select * from stage_parsed
),
times as not materialized (
    -- a batch's line numbers carry their file's slot (staged_line), so a block is of one file
    -- less the times that reject their line (parse_*: a receive time more than a day ahead, a status-csv row's only
    -- time before 2000), whose one line would make any file look out of order
    select line_no, line_no // 4096 as block, t, station_id, connector_text
    from (select *, coalesce(received_at, reported_at) as t, received_at is null and year(reported_at) < 2000 as unset_clock from lines)
    where not $carried_unordered and t is not null and not received_in_future(t) and not unset_clock
),
blocks as (
    select staged_file_id(0, block * 4096) as slot, block, lo, hi
    from (select block, min(t) as lo, max(t) as hi from times group by block)
),
across as (
    -- a block whose earliest time is over 2 h before the latest of the file's lines before it
    select
        slot,
        block,
        lo,
        hi,
        lo < greatest($carried_latest::timestamptz, max(hi) over (partition by slot order by block rows between unbounded preceding and 1 preceding)) - interval 2 hour as behind
    from blocks
),
within as (
    -- the lines of the blocks that span over 2 h, each against the latest line before it in its block
    select slot, bool_or(t < before_it - interval 2 hour) as behind
    from (
        select staged_file_id(0, t.line_no) as slot, t.t, max(t.t) over (partition by t.block order by t.line_no rows between unbounded preceding and 1 preceding) as before_it
        from times t
        semi join blocks b on b.block = t.block and b.hi - b.lo > interval 2 hour
    )
    group by slot
),
behind as (
    select
        a.slot,
        bool_or(coalesce(a.behind, false)) or coalesce(any_value(w.behind), false) as behind,
        greatest($carried_latest::timestamptz, max(a.hi)) as latest
    from across a
    left join within w on w.slot = a.slot
    group by a.slot
),
runs as (
    -- of the files that go back: whether their stations (or stations and connectors) come one after another
    select
        slot,
        count(*) filter (where station_id is distinct from prev_station) = count(distinct station_id)
            or count(*) filter (where station_id is distinct from prev_station or connector_text is distinct from prev_connector)
                = count(distinct [station_id, connector_text]) as in_runs
    from (
        select
            staged_file_id(0, t.line_no) as slot,
            t.station_id,
            t.connector_text,
            lag(t.station_id) over w as prev_station,
            lag(t.connector_text) over w as prev_connector
        from times t
        semi join behind b on b.slot = staged_file_id(0, t.line_no) and b.behind
        where t.station_id is not null
        window w as (partition by staged_file_id(0, t.line_no) order by t.line_no)
    )
    group by slot
)
select b.slot, b.behind and coalesce(r.in_runs, false) as unordered, b.latest
from behind b
left join runs r on r.slot = b.slot
