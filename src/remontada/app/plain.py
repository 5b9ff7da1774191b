"""Plain values: for JSON (what the command line's ``--json`` and the web API send), and probabilities as text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

__all__ = ["percent", "plain", "records"]


def plain(value: Any) -> Any:
    """A JSON-able form of one cell: dates as ISO text (a timestamp at midnight as a date), missing as None."""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.date().isoformat()  # a date stored as a timestamp
    if isinstance(value, dt.date | pd.Timestamp):
        return value.isoformat()
    if value is pd.NA or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        return value.item()  # numpy scalars
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as JSON-able dicts."""
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def percent(p: float | None) -> str:
    """A probability as every page, card and briefing prints it: ``0.1004`` -> ``"10.0%"``, ``None`` -> ``"–"``.

    The tie page's script writes live chances the same way (``tie.js``), and the
    browser test checks that what it shows equals this.
    """
    return "–" if p is None else f"{p:.1%}"
