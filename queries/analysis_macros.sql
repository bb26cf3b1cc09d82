-- Session macros the analysis queries use, defined by src/analysis/results.ts before it builds the intermediate
-- tables (temp macros, so read-only databases work). Pure functions of their arguments.

-- A duration in seconds as short text for a person: 8 s, 95 s, 12 min, 3.5 h, 2.1 d (null stays null).
create or replace temp macro human_duration(s) as
    case
        when s is null then null
        when s < 120 then cast(round(s) as bigint) || ' s'
        when s < 7200 then cast(round(s / 60) as bigint) || ' min'
        when s < 172800 then regexp_replace(printf('%.1f', s / 3600), '\.0$', '') || ' h'
        else regexp_replace(printf('%.1f', s / 86400), '\.0$', '') || ' d'
    end;
