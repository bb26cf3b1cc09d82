drop view stage_frames
