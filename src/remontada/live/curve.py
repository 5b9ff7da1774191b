"""A whole match as a curve: the chance minute by minute for a timeline of goals and red cards.

Every minute's value comes from one backward pass of the in-play model
(:func:`remontada.models.inplay.process.live_table`), one table per red-card state; the
minutes of extra time are live forecasts one by one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from remontada.errors import DataError
from remontada.knockout.play import END_OF_EXTRA_TIME
from remontada.live.moments import (
    WhatIf,
    factors,
    moment,
)
from remontada.live.results import Curve
from remontada.models.grid import DEFAULT_MAX_GOALS, ScoreGrid
from remontada.models.inplay.process import MINUTES, LiveTable, live_table

if TYPE_CHECKING:
    from remontada.live.forecast import LiveForecaster, _Match

__all__ = ["CURVE_ROOM", "curve"]

Array = NDArray[np.float64]


CURVE_ROOM = 5
"""Goals a side may have scored in a replayed match and still have the in-play grid's room for ten more."""


def curve(
    forecaster: LiveForecaster,
    match: _Match,
    *,
    goals: list[tuple[int, str]],
    reds: list[tuple[int, str]] | None,
    what_if: tuple[WhatIf, ...],
) -> Curve:
    """The chances minute by minute over the resolved ``match`` (see :meth:`LiveForecaster.replay`).

    Up to minute 90 every value comes from the backward tables of the red-card state
    at that minute; minutes 91-120, when the goals leave the tie level after 90, are
    live forecasts one by one.
    """
    scored = [(m, forecaster._side(t, match, "goals")) for m, t in goals]
    sent_off = [(m, forecaster._side(t, match, "reds")) for m, t in (reds or [])]
    room = DEFAULT_MAX_GOALS + CURVE_ROOM
    for side in ("home", "away"):
        if sum(s == side for _, s in scored) > room:
            raise DataError(f"goals: more than {room} for one side is beyond the live tables")
    what_if = forecaster._what_ifs(what_if, match)
    effect = forecaster.red_cards(match.day)
    kick_off = forecaster._now(match, 0, (0, 0), (0, 0), what_if)
    keys = ("home", "away") if match.tie is not None else ("home", "draw", "away")
    tables: dict[tuple[int, int], dict[str, LiveTable]] = {}
    values: dict[str, list[float]] = {k: [] for k in keys}
    stayed: dict[str, list[float]] = {k: [] for k in keys}
    score, red = [0, 0], [0, 0]
    for minute in range(MINUTES + 1):
        _count(scored, minute, score)
        _count(sent_off, minute, red)
        if (red[0], red[1]) not in tables:
            tables[(red[0], red[1])] = _tables(
                forecaster, match, factors(effect, (red[0], red[1]), what_if, match.names[0])
            )
        for k in keys:
            values[k].append(tables[(red[0], red[1])][k].at(minute, score[0], score[1]))
            stayed[k].append(tables[(0, 0)][k].at(minute, 0, 0))
    last = END_OF_EXTRA_TIME if _goes_to_extra_time(forecaster, match, score, red, what_if) else MINUTES
    late = [m for m, _ in scored + sent_off if m > last]
    if late:
        reason = "no extra time: the tie was not level after 90" if match.tie is not None else "no extra time"
        raise DataError(f"goals/reds: an event in minute {late[0]}, but this match ended after 90 ({reason})")
    for minute in range(MINUTES + 1, last + 1):
        _count(scored, minute, score)
        _count(sent_off, minute, red)
        now = forecaster._now(match, minute, (score[0], score[1]), (red[0], red[1]), what_if)
        assert now.p_home_advances is not None
        values["home"].append(now.p_home_advances)
        values["away"].append(1.0 - now.p_home_advances)
    return Curve(
        match.names[0], match.names[1], "advance" if match.tie is not None else "result", np.arange(last + 1),
        {k: np.array(v) for k, v in values.items()}, {k: np.array(v) for k, v in stayed.items()},
        scored, sent_off, kick_off,
    )  # fmt: skip


def _tables(forecaster: LiveForecaster, match: _Match, factors: tuple[float, float]) -> dict[str, LiveTable]:
    """Live tables for the curve's keys (who goes through, or the result), built with these rate factors."""
    played = forecaster._play(match, moment(0, (0, 0), factors))
    size = DEFAULT_MAX_GOALS + 1 + CURVE_ROOM
    lead, rule, away_goals = (int(np.asarray(v).ravel()[0]) for v in played.state)
    intensity = forecaster.ties.conditions(match.day).intensity

    def table(terminal: Array) -> LiveTable:
        return live_table(
            float(played.rates[0][0]), float(played.rates[1][0]), intensity, terminal, lead=lead,
            away_rule=bool(rule), away_goals_home=away_goals, home_factor=factors[0], away_factor=factors[1],
        )  # fmt: skip

    g = np.arange(size)
    if played.settle is None:
        return {
            "home": table((g[:, None] > g[None, :]).astype(float)),
            "draw": table((g[:, None] == g[None, :]).astype(float)),
            "away": table((g[:, None] < g[None, :]).astype(float)),
        }
    through = played.settle(ScoreGrid(np.eye(size * size).reshape(size * size, size, size), np.zeros(size * size)))
    home_through = np.asarray(through.p_a if match.home_is_a else through.p_b).reshape(size, size)
    return {"home": table(home_through), "away": table(1.0 - home_through)}


def _goes_to_extra_time(
    forecaster: LiveForecaster, match: _Match, score: list[int], red: list[int], what_if: tuple[WhatIf, ...]
) -> bool:
    """Whether the deciding match of a tie, over after 90 minutes at this score, goes to extra time."""
    tie = match.tie
    if tie is None or not tie.rules.extra_time or (tie.rules.legs == 2 and tie.leg1 is None):
        return False
    at_ninety = forecaster._now(match, MINUTES, (score[0], score[1]), (red[0], red[1]), what_if)
    assert at_ninety.probabilities is not None
    return float(at_ninety.probabilities.p_extra_time) > 0.5


def _count(events: list[tuple[int, str]], minute: int, tally: list[int]) -> None:
    """Add the events of this minute (goals or red cards) to the home/away tally."""
    for at, side in events:
        if at == minute:
            tally[side == "away"] += 1
