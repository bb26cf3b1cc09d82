-- Grain: one row: the analysis window. $from and $to are the requested bounds (ISO text, UTC; null = open).
-- window_start..window_end is the part of the request the data covers: durations are clipped to it, and an
-- episode still open at the end of the data counts until window_end. window_limit is the exclusive upper bound
-- for event times ($to, or +infinity when no --to was given, so the very last notification is in the window).
with data_span as (
    -- the first and last time anything in the database happened (least/greatest skip a missing side)
    select
        least((select min(received_at) from messages), (select min(effective_at) from status_notifications)) as data_start,
        greatest((select max(received_at) from messages), (select max(effective_at) from status_notifications)) as data_end
),
requested as (
    -- the bounds asked for, as times
    select cast($from as timestamptz) as requested_from, cast($to as timestamptz) as requested_to
),
bounded as (
    -- the request cut to the data
    select
        r.requested_from,
        r.requested_to,
        d.data_start,
        d.data_end,
        greatest(coalesce(r.requested_from, d.data_start), d.data_start) as cut_start,
        least(coalesce(r.requested_to, d.data_end), d.data_end) as cut_end,
        coalesce(r.requested_to, 'infinity'::timestamptz) as window_limit
    from data_span d, requested r
)
select
    requested_from,
    requested_to,
    data_start,
    data_end,
    -- a request wholly after the data (or before it) is an empty window at its start (or end), never one that
    -- ends before it starts
    case when cut_start <= cut_end then cut_start when requested_from > data_end then requested_from else requested_to end as window_start,
    case when cut_start <= cut_end then cut_end when requested_from > data_end then requested_from else requested_to end as window_end,
    window_limit,
    greatest(epoch(cut_end) - epoch(cut_start), 0) as window_s
from bounded
