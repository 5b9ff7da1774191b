"""A live batch or feed: one forecast per row, every bad row reported, scores that go down caught."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from remontada.errors import BatchError, DataError, RemontadaError
from remontada.live.moments import (
    parse_clock,
    parse_minute,
    show_clock,
)
from remontada.live.results import LiveForecast

if TYPE_CHECKING:
    from remontada.live.forecast import LiveForecaster

__all__ = ["feed"]

Array = NDArray[np.float64]


def feed(
    forecaster: LiveForecaster, rows: pd.DataFrame, *, source: str = "batch", keep_going: bool = False
) -> pd.DataFrame:
    """Every row of a live batch forecast, every bad row reported (see :meth:`LiveForecaster.batch`)."""
    needed = ("date", "home", "away", "minute", "home_goals", "away_goals")
    missing = [c for c in needed if c not in rows.columns]
    if missing:
        raise DataError(
            f"batch file lacks column(s): {', '.join(missing)} (needs date, home, away[, neutral], minute, "
            "home_goals, away_goals[, home_red, away_red][, leg1_home_goals, leg1_away_goals])"
        )
    out = rows.copy()
    cols = ["p_home", "p_draw", "p_away", "p_home_advances"]
    for c in cols:
        out[c] = np.nan
    problems: dict[int, list[str]] = {}
    feed: list[tuple[int, LiveForecast, tuple[int, int]]] = []
    for i, row in enumerate(rows.astype(object).to_dict("records")):
        try:
            forecast, clock = _batch_row(forecaster, row)
        except RemontadaError as exc:
            problems.setdefault(i, []).append(str(exc))
            continue
        feed.append((i, forecast, clock))
        values = [forecast.p_home, forecast.p_draw, forecast.p_away, forecast.p_home_advances]
        out.loc[rows.index[i], cols] = [np.nan if v is None else v for v in values]
    for i, message in _going_down(feed):
        problems.setdefault(i, []).append(message)
        out.loc[rows.index[i], cols] = np.nan
    listed = [(i + 2, "; ".join(messages)) for i, messages in sorted(problems.items())]
    if listed and not keep_going:
        raise BatchError(source, listed)
    if keep_going:
        errors = dict((row - 2, message) for row, message in listed)
        out["error"] = [errors.get(i, "") for i in range(len(out))]
    return out


def _batch_row(forecaster: LiveForecaster, row: dict[Any, Any]) -> tuple[LiveForecast, tuple[int, int]]:
    """One row's forecast and its clock (minute, stoppage)."""

    def cell(name: str) -> str:
        value = row.get(name, "")
        text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()
        return text[:-2] if re.fullmatch(r"\d+\.0", text) else text

    try:
        day = dt.date.fromisoformat(cell("date"))
    except ValueError as exc:
        raise DataError(f"date: {cell('date')!r} is not a date (YYYY-MM-DD)") from exc

    def count(name: str, default: str | None = None) -> int:
        text = cell(name) or (default or "")
        if not re.fullmatch(r"[0-9]{1,2}", text):  # ASCII digits, at most 99: no overflow further on
            raise DataError(f"{name}: {text!r} is not a number of goals or cards")
        return int(text)

    neutral = cell("neutral").lower() in ("1", "true", "yes", "y")
    leg1 = [cell("leg1_home_goals"), cell("leg1_away_goals")]
    if any(leg1) and not all(leg1):
        raise DataError("leg1_home_goals and leg1_away_goals: give both, or neither (not a tie)")
    score = (count("home_goals"), count("away_goals"))
    reds = (count("home_red", "0"), count("away_red", "0"))
    home, away, rules = cell("home"), cell("away"), cell("rules") or None
    if all(leg1):  # a second leg: A (at home in leg 1) is this match's away side
        match = forecaster._match(
            away, home, (count("leg1_away_goals"), count("leg1_home_goals")), day, rules, None, neutral
        )
    else:
        match = forecaster._match(home, away, None, day, rules, None, neutral, stored=False)
    clock = parse_clock(cell("minute"))
    return forecaster._now(match, parse_minute(cell("minute")), score, forecaster._reds(reds, match), ()), clock


def _going_down(feed: list[tuple[int, LiveForecast, tuple[int, int]]]) -> list[tuple[int, str]]:
    """Rows of one match (same date and sides) whose goals or red cards are fewer than at an earlier moment.

    A batch may be a live feed, several rows per match; a score or a card count that
    goes down as the clock goes on (stoppage time after its minute) is a mistake in
    the feed. ``feed`` holds the rows that passed their own checks: ``(row position,
    forecast, clock)``. Returns ``(row position, reason)``.
    """
    matches: dict[tuple[dt.date, str, str], list[tuple[tuple[int, int], int, LiveForecast]]] = {}
    for position, forecast, clock in feed:
        matches.setdefault((forecast.as_of, forecast.home, forecast.away), []).append((clock, position, forecast))
    out = []
    for rows in matches.values():
        rows.sort(key=lambda item: item[0])
        for (c1, p1, f1), (c2, p2, f2) in zip(rows, rows[1:], strict=False):
            counts = {"home_goals": (f1.score[0], f2.score[0]), "away_goals": (f1.score[1], f2.score[1])}
            counts |= {"home_red": (f1.reds[0], f2.reds[0]), "away_red": (f1.reds[1], f2.reds[1])}
            fewer = [(name, before, after) for name, (before, after) in counts.items() if after < before]
            if fewer:
                name, before, after = fewer[0]
                out.append((p2, f"{name}: {after} at {show_clock(c2)} but {before} at {show_clock(c1)} in the same "
                            f"match (row {p1 + 2}): a score or a count of red cards cannot go down"))  # fmt: skip
    return out
