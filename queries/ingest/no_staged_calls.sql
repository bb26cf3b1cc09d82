-- Grain: none: pairing stored answers after the last file looks at stored CALLs only.
create or replace temp table stage_calls (station_id varchar, unique_id varchar, received_at timestamptz, direction varchar, action varchar)
