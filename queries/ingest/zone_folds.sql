-- Grain: one row: whether zone $tz may set its clocks back, so that a zone-less time can stand for two instants
-- (stage_folds): whether its offset changes at all between 1900 and 2100, looked at weekly (a change lasting less
-- than a week may be missed); a zone that changes its offset nearly always moves it both ways. When it never
-- changes, no staging step keeps a local time.
select count(distinct zone_offset($tz, t)) > 1 as folds
from range(timestamptz '1900-01-01 00:00:00+00', timestamptz '2100-01-01 00:00:00+00', interval 7 day) r(t)
