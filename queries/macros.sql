-- Session macros every connection defines on open. Pure functions of their arguments; thresholds come in as arguments.

-- An OCPP/ISO 8601 time text as a TIMESTAMPTZ: a time with Z or an offset is absolute; a zone-less time
-- is read in zone tz; 10-digit (s) and 13-digit (ms) epoch numbers are accepted; anything else is null.
create or replace temp macro parse_time(s, tz) as
    case
        when s is null then null
        when regexp_full_match(trim(s), '\d{10}(\.\d+)?') then to_timestamp(try_cast(trim(s) as double))
        when regexp_full_match(trim(s), '\d{13}') then epoch_ms(try_cast(trim(s) as bigint))
        when regexp_matches(trim(s), '(Z|z|[+-]\d\d(:?\d\d)?)$') then try_cast(trim(s) as timestamptz)
        else timezone(tz, try_cast(trim(s) as timestamp))
    end;

-- The reported (payload) time when it is plausible against the receive time, else null:
-- not before max_behind_s seconds before receipt (queued replays), not after max_ahead_s seconds past it (clock drift).
create or replace temp macro plausible_time(reported, received, max_behind_s, max_ahead_s) as
    case
        when reported is null then null
        when received is null then
            case when year(reported) between 2000 and 2100 then reported end
        when reported >= received - to_seconds(max_behind_s) and reported <= received + to_seconds(max_ahead_s) then reported
    end;

-- Strings in a JSON payload may arrive as numbers; normalise to text for typed columns.
create or replace temp macro json_text(doc, path) as json_extract_string(doc, path);

-- A duration in seconds as short text for a person: 8 s, 95 s, 12 min, 3.5 h, 2.1 d (null stays null).
create or replace temp macro human_duration(s) as
    case
        when s is null then null
        when s < 120 then cast(round(s) as bigint) || ' s'
        when s < 7200 then cast(round(s / 60) as bigint) || ' min'
        when s < 172800 then regexp_replace(printf('%.1f', s / 3600), '\.0$', '') || ' h'
        else regexp_replace(printf('%.1f', s / 86400), '\.0$', '') || ' d'
    end;
