"""Evaluation: walk-forward backtests, scores, bookmakers' prices and margins, betting, parallel runs."""
