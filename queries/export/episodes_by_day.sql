-- Grain: one row per episode of the window (the materialised `episodes` result), with the UTC day it started.
select *, strftime(started_at at time zone 'UTC', '%Y-%m-%d') as day
from result_episodes
