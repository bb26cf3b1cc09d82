-- Session macros the analysis queries use, defined by src/analysis/results.ts before it builds the intermediate
-- tables (temp macros, so read-only databases work). Pure functions of their arguments.

-- A number as text to one decimal, without it when it is 0: 12, 8.3.
create or replace temp macro one_decimal(x) as regexp_replace(printf('%.1f', x), '\.0$', '');

-- A duration in seconds as short text for a person: 8 s, 95 s, 12 min, 3.5 h, 2.1 d (null stays null).
create or replace temp macro human_duration(s) as
    case
        when s is null then null
        when s < 120 then cast(round(s) as bigint) || ' s'
        when s < 7200 then cast(round(s / 60) as bigint) || ' min'
        when s < 172800 then one_decimal(s / 3600) || ' h'
        else one_decimal(s / 86400) || ' d'
    end;
