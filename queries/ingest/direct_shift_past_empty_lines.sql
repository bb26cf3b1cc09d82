-- Moves each row of a piece the JSON reader read whole but for its empty lines (stage_empty_lines) past the empty
-- lines before it: its line_shift in stage_json, which the staged views add to its line number, set once for the
-- rows after the first empty line alone. (Copying the moved rows into tables of their own cost ~1.5 s per 1M lines,
-- an as-of join in the views, which every later step reads, ~1 s.) A piece that ends in its empty lines, the common
-- case, moves no row and skips this step; direct_empty_lines then adds the empty lines as lines skipped.
update stage_json
set line_shift = moved.shift
from (
    -- consecutive empty lines share an after_line: the last of them has the shift
    with shifts as (
        select after_line, max(shift) as shift
        from stage_empty_lines
        group by after_line
    )
    select s.rowid as row_id, g.shift
    from stage_json s
    cross join stage_piece p
    asof join shifts g on s.rowid - p.line_base > g.after_line
) moved
where stage_json.rowid = moved.row_id
