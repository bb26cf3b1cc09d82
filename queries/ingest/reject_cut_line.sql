-- Grain: the last line of a gzip file whose stream is cut short, the line it is cut in: whatever it holds is
-- incomplete, so it is rejected (a cut CSV row or log line can still look well-formed, or blank). A stream cut at a
-- line end ends in an empty line, added when it was read, which is rejected in its place.
update stage_parsed
set kind = 'reject', reason = 'gzip stream cut short: the last line is incomplete'
where line_no = (select max(line_no) from stage_parsed)
