drop table stage_parsed
