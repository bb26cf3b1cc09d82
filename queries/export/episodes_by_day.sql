-- Grain: one row per episode that started in the window (the materialised `episodes` result, which also holds the
-- episodes running on from before it), with the UTC day it started. An episode belongs to the partition of that day:
-- one from an earlier day is left out, so that its day, which this export does not replace, keeps it.
select *, strftime(started_at at time zone 'UTC', '%Y-%m-%d') as day
from result_episodes
where started_at >= (select window_start from analysis_window)
