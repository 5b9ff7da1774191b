"""Live forecasts: a tie or match at any minute of play, feeds of updates, and whole-match curves."""
