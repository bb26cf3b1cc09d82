-- Grain: one row per line of a CSV file, with its fields split and unquoted (RFC 4180 quoting; a record that spans
-- lines, a quoted field holding a line break, is joined after by csv_records). $field_re takes one field and its
-- delimiter, built from the delimiter the header was sniffed with. Lines up to $header_line are the header and what
-- precedes it, in each file of a batch of small files staged as one piece too ($bases: each file's lines before it in
-- the piece; [0] for a file alone).
create or replace table stage_csv as
with lines as (
    -- each line of the file
    select k + $line_offset as line_no, case when k + $line_offset = 1 then ltrim(line, chr(65279)) else line end as line
    -- the lines stage_lines read, in file order: a row's id is its place among the lines the reader could take
    from (select rowid + 1 as k, line from stage_lines)
),
marked as (
    -- the header and what precedes it (in every file of a batch), and blank lines: skipped, looked at once
    select
        line_no,
        line,
        line_no <= $header_line or line_no in (select base + h from unnest(($bases::bigint[])[2:]) t(base), range(1, $header_line + 1) r(h)) or blank_line(line) as skip
    from lines
),
matched as (
    select *, case when not skip then regexp_extract_all(line || $delimiter, $field_re) end as matches
    from marked
),
split as (
    -- lines that quote correctly, split into raw fields
    select line_no, line, skip, csv_tiled_fields(matches, line, $delimiter) as raw_fields
    from matched
),
judged as (
    -- what to do with the line, and why
    select
        *,
        case
            when skip then null
            when raw_fields is null then 'bad quoting'
            when len(raw_fields) <> $columns then 'wrong column count: ' || len(raw_fields) || ' fields, the header has ' || $columns
        end as reason
    from split
)
select
    line_no,
    case
        when skip then 'skip'
        when reason is not null then 'reject'
        else 'row'
    end as kind,
    reason,
    case when reason is not null then left(line, $raw_chars) end as raw,
    list_transform(
        raw_fields,
        f -> case when starts_with(f, '"') then replace(substr(f, 2, length(f) - 2), '""', '"') else f end
    ) as fields,
    line
from judged
