-- Grain: one row: the folder where DuckDB writes out what does not fit in memory (by default <db>.tmp), for messages.
select current_setting('temp_directory') as path
