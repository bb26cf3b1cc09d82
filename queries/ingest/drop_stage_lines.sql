-- The lines of the piece, once parsed or split: what the later steps need of them is in the table they made.
drop table if exists temp.stage_lines
