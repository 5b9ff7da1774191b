"""Match models: fitted on matches before a date, they give goal rates and score grids."""
