drop view stage_parsed
