-- Grain: one row: how many seconds of the window just prepared (analysis_window) the data covers, which
-- src/analysis/alerts.ts takes for the previous window and for this one to scale a code's baseline.
select window_s
from analysis_window
