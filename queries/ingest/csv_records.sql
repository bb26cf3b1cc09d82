-- Grain: one row per line of each CSV record that spans lines, as RFC 4180 allows (a quoted field holding a line
-- break: free text in `info`, typed in a spreadsheet), from the lines split_csv rejected for bad quoting in
-- stage_csv. A line with an odd number of quotes opens such a field and the next such line closes it; the lines
-- from one to the other, joined, are a record when they quote correctly and have the header's column count. A stray
-- quote (5" display) pairs with no line that would make a record of the right shape, so its line stays rejected.
-- The record is stored at its first line; the lines it continues on are skipped.
create or replace table stage_csv_records as
with odd as (
    -- lines that cannot be read alone for their quotes: every line with an odd count of them is one
    select
        line_no,
        lead(line_no) over (order by line_no) as next_odd
    from stage_csv
    where reason = 'bad quoting' and (length(line) - length(replace(line, '"', ''))) % 2 = 1
),
spans as (
    select line_no as first_no, next_odd as last_no
    from odd
    where next_odd is not null and next_odd - line_no <= $max_record_lines
        -- in a batch of small files staged as one piece, a record is within one file ($bases: each file's lines before it)
        and not list_contains(list_transform($bases::bigint[], b -> line_no <= b and b < next_odd), true)
),
span_lines as (
    select first_no, last_no, unnest(range(first_no, last_no + 1)) as line_no
    from spans
),
joined as (
    select p.first_no, p.last_no, string_agg(c.line, chr(10) order by c.line_no) as text, count(c.line) as lines
    from span_lines p
    join stage_csv c on c.line_no = p.line_no
    group by p.first_no, p.last_no
),
records as (
    select first_no, last_no, text, csv_raw_fields(text, $delimiter, $field_re) as raw_fields
    from joined
    where lines = last_no - first_no + 1 and regexp_full_match(text, $valid_re)
),
shaped as (
    select * from records where len(raw_fields) = $columns
),
kept as (
    -- a record that starts inside an earlier one is part of it
    select r.*
    from shaped r
    where not exists (select 1 from shaped e where e.first_no < r.first_no and e.last_no >= r.first_no)
)
select
    unnest(range(first_no, last_no + 1)) as line_no,
    first_no,
    text,
    list_transform(
        raw_fields,
        f -> case when starts_with(f, '"') then replace(substr(f, 2, length(f) - 2), '""', '"') else f end
    ) as fields
from kept
