-- Grain: one row per rejected line of file $file_id, first $n by line number.
select line_no, reason from rejects where file_id = $file_id order by line_no limit $n
