"""The in-play goal process: a match minute by minute, its fitted timing and red-card effects."""
