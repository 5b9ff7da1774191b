"""A competition's matches as a checked frame: played ones with their score, the rest to simulate.

The DESIGN.md fixtures CSV is ``date,home,away[,group][,neutral][,home_goals,away_goals]``:
a row with goals was played, a row without is simulated; ``group`` is the group's letter
in group formats. An optional ``minute`` column marks a match in play on the forecast's
day: its goals are the score so far, and the rest of it is simulated from there. A
knockout match already played may be a row without a group (with a ``winner`` column
when the score was level). Every bad row is found before anything is
simulated and reported with its row number (the header is row 1), and a row with a score
on or after the forecast's date is refused: that result was not known then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from remontada.errors import BatchError, DataError

__all__ = ["REQUIRED", "check_fixtures"]

REQUIRED = ("date", "home", "away")
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f", ""}


def check_fixtures(
    rows: pd.DataFrame, *, source: str = "fixtures", as_of: dt.date | None = None
) -> tuple[pd.DataFrame, dt.date]:
    """Validate the fixtures; return them with typed columns, and the forecast's date.

    Columns out: ``date`` (a date, or None when not yet scheduled), ``home``, ``away``,
    ``group`` (text, empty if none), ``neutral`` (True, False or None: the format's
    default), ``home_goals``/``away_goals`` (nullable integers), ``winner`` (text),
    ``minute`` (minutes played of a match in play, else missing).
    ``as_of`` defaults to the date of the first match still to play (else the day after
    the last); a row with a score on or after it is bad. Raises :class:`BatchError`
    listing every bad row.
    """
    missing = [c for c in REQUIRED if c not in rows.columns]
    if missing:
        raise DataError(f"{source}: missing column(s) {', '.join(missing)}; a fixtures file has "
                        "date,home,away[,group][,neutral][,home_goals,away_goals]")  # fmt: skip
    if ("home_goals" in rows.columns) != ("away_goals" in rows.columns):
        raise DataError(f"{source}: give both home_goals and away_goals, or neither")
    problems: list[tuple[int, str]] = []
    out: list[dict[str, Any]] = []
    for i, row in enumerate(rows.to_dict("records")):
        line = i + 2
        text = {
            k: ("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()) for k, v in row.items()
        }
        home, away = text["home"], text["away"]
        if not home or not away:
            problems.append((line, "a match needs a home and an away team"))
            continue
        if home.casefold() == away.casefold():
            problems.append((line, f"{home!r} cannot play itself"))
            continue
        day = None
        if text["date"]:
            try:
                day = dt.date.fromisoformat(text["date"][:10])
            except ValueError:
                problems.append((line, f"date {text['date']!r} is not YYYY-MM-DD"))
                continue
        goals: list[int | None] = []
        for side in ("home_goals", "away_goals"):
            value = text.get(side, "")
            try:
                number = int(float(value)) if value else None
            except ValueError:
                number = -1
            if number is not None and (number < 0 or number > 99 or str(value).count(".") > 1):
                problems.append((line, f"{side} {value!r} is not a number of goals"))
            goals.append(number)
        if (goals[0] is None) != (goals[1] is None):
            problems.append((line, "give both teams' goals, or neither"))
            continue
        minute, wrong = _minute(text.get("minute", ""), goals[0] is not None, day, as_of)
        if wrong:
            problems.append((line, wrong))
            continue
        late = _late(day, goals[0] is not None and minute is None, as_of)
        if late:
            problems.append((line, late))
            continue
        neutral_text = text.get("neutral", "").lower()
        if neutral_text not in _TRUE | _FALSE:
            problems.append((line, f"neutral {text['neutral']!r} is not yes or no"))
            continue
        winner = text.get("winner", "")
        if winner and winner.casefold() not in (home.casefold(), away.casefold()):
            problems.append((line, f"winner {winner!r} is neither {home!r} nor {away!r}"))
            continue
        out.append({
            "row": line, "date": day, "home": home, "away": away, "group": text.get("group", "").upper(),
            "neutral": None if neutral_text == "" else neutral_text in _TRUE,
            "home_goals": goals[0], "away_goals": goals[1], "winner": winner, "minute": minute,
        })  # fmt: skip
    if problems:
        raise BatchError(source, problems)
    if as_of is None:  # the default date: a score after it (a match played while another waited) is still bad
        as_of = _first_unplayed(out)
        late_rows = [(r["row"], _late(r["date"], _finished(r), as_of)) for r in out]
        late_rows += [(r["row"], f"is in play but dated {r['date']}, not the forecast's date {as_of}")
                      for r in out if r["minute"] is not None and r["date"] not in (None, as_of)]  # fmt: skip
        problems = sorted((line, message) for line, message in late_rows if message)
        if problems:
            raise BatchError(source, problems)
    frame = pd.DataFrame(out, columns=["row", "date", "home", "away", "group", "neutral", "home_goals", "away_goals",
                                       "winner", "minute"])  # fmt: skip
    for column in ("home_goals", "away_goals", "minute"):
        frame[column] = frame[column].astype("Int64")
    return frame, as_of


def _late(day: dt.date | None, played: bool, as_of: dt.date | None) -> str:
    """Why a row's score cannot be known on ``as_of`` (empty if it can)."""
    if not played or as_of is None or (day is not None and day < as_of):
        return ""
    when = f"on {day}" if day else "with no date"
    return (f"has a score but is {when}, not before the forecast's date {as_of}: "
            "leave the goals out, or forecast from a later date")  # fmt: skip


def _minute(text: str, scored: bool, day: dt.date | None, as_of: dt.date | None) -> tuple[int | None, str]:
    """A match in play's minutes played (1..89), or why the ``minute`` cell is wrong."""
    if not text:
        return None, ""
    try:
        minute = int(text)
    except ValueError:
        return None, f"minute {text!r} is not a whole number of minutes"
    if not 1 <= minute <= 89:
        return None, f"minute {minute} is not 1..89 (a match in play; at 90 give its result without a minute)"
    if not scored:
        return None, "a match in play needs its score so far (home_goals, away_goals)"
    if day is not None and as_of is not None and day != as_of:
        return None, f"is in play but dated {day}, not the forecast's date {as_of}"
    return minute, ""


def _finished(row: dict[str, Any]) -> bool:
    return row["home_goals"] is not None and row["minute"] is None


def _first_unplayed(rows: list[dict[str, Any]]) -> dt.date:
    """The forecast's default date: the first match still to play (or in play), else the day after the last."""
    todo = [r["date"] for r in rows if not _finished(r) and r["date"] is not None]
    if todo:
        first: dt.date = min(todo)
        return first
    dated = [r["date"] for r in rows if r["date"] is not None]
    if not dated:
        raise DataError("the fixtures have no dates: give the date of the forecast (as of)")
    last: dt.date = max(dated)
    return last + dt.timedelta(days=1)
