"""Knockout ties: rules by era, the exact tie engine, extra time and shootouts, precedents, tie forecasts."""
