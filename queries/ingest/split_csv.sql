-- Grain: one row per line of a CSV file, with its fields split and unquoted (RFC 4180 quoting, one record a line).
-- $valid_re matches a whole well-quoted line, $field_re takes one field and its delimiter; both are built
-- from the delimiter the header was sniffed with. Lines up to $header_line are the header and what precedes it.
create or replace temp table stage_csv as
with split as (
    -- lines that quote correctly, split into raw fields
    select
        line_no,
        line,
        read_error,
        case
            when line is null or trim(line) = '' then null
            when regexp_full_match(line, $valid_re) then regexp_extract_all(line || $delimiter, $field_re, 1)
        end as raw_fields
    from stage_numbered
)
select
    line_no,
    line,
    case
        when read_error is not null then 'reject'
        when line_no <= $header_line then 'skip'
        when line is null or trim(line) = '' then 'skip'
        when raw_fields is null then 'reject'
        when len(raw_fields) <> $columns then 'reject'
        else 'row'
    end as kind,
    case
        when read_error is not null then read_error
        when line_no <= $header_line or line is null or trim(line) = '' then null
        when raw_fields is null then 'bad quoting'
        when len(raw_fields) <> $columns then 'wrong column count: ' || len(raw_fields) || ' fields, the header has ' || $columns
    end as reason,
    list_transform(
        raw_fields,
        f -> case when starts_with(f, '"') then replace(substr(f, 2, length(f) - 2), '""', '"') else f end
    ) as fields
from split
