-- The JSON reader's receive times stage_folds moved to the other pass of a repeated hour, its rows found by their
-- line numbers as parse_jsonl_direct gives them. Each row's line number is worked out first, then joined with the
-- moved times and the row updated by its row id: with the line number worked out in the join's condition, DuckDB
-- compared every row with every moved time (1M rows, 34,000 times moved: 100-160 s).
update stage_json s
set received_at = m.instant
from (
    select n.row_id, f.instant
    from (
        select
            j.rowid as row_id,
            case when p.batched then staged_line(j.slot, j.rowid - p.line_bases[j.slot + 1]) else j.rowid - p.line_base + j.line_shift end as line_no
        from stage_json j
        cross join stage_piece p
    ) n
    join stage_folds f on f.line_no = n.line_no
    where f.moved and f.part = 'received'
) m
where s.rowid = m.row_id
