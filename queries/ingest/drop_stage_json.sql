drop table stage_json
