"""The facts of a briefing: what it measures, and the small records it is made of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from remontada.live.forecast import WhatIf

__all__ = [
    "EARLY_MINUTE",
    "HALF_TIME",
    "PUSH",
    "Approach",
    "Comeback",
    "Scenario",
    "Scorer",
    "Section",
    "SideBrief",
    "Threat",
]

EARLY_MINUTE = 15
"""An "early goal" is one scored in the first this many minutes (the live forecast at this minute)."""
HALF_TIME = 45
PUSH = (1.3, 1.2)
"""The what-if of attacking harder from kick-off: the side's scoring rate x1.3, its opponent's x1.2."""
SCORER_DAYS = 730
"""The opponent's scorers are counted over about two years before the forecast date."""
TOP_SCORERS = 5
WINNING_SCORES = 5
SHOWN = 0.0005
"""Scores less likely than this (0.0% as printed) are left out of the likeliest scores."""


@dataclass(frozen=True)
class Scenario:
    """The side's chance of going through at a moment of the match: ``score`` is the match's, home side first."""

    label: str
    minute: int
    score: tuple[int, int]
    p_through: float


@dataclass(frozen=True)
class Approach:
    """The side's chances over the whole match under one approach (``what_if`` ``None``: as expected)."""

    label: str
    what_if: WhatIf | None
    p_through: float
    goals: int
    """The goals the side needs in the match (to level the tie, else to win the match)."""
    p_scores: float
    """P(the side scores at least ``goals``)."""
    p_concedes: float


@dataclass(frozen=True)
class Scorer:
    """One of the opponent's scorers in the window (own goals left out)."""

    name: str
    goals: int
    penalties: int
    last: dt.date


@dataclass(frozen=True)
class Threat:
    """The opponent's scorers in the ``days`` before the forecast date, if the store has goal data for it."""

    team: str
    national: bool
    since: dt.date
    before: dt.date
    scorers: tuple[Scorer, ...]
    team_goals: int
    """Goals with a named scorer the team scored in the window (own goals by opponents left out)."""

    def describe(self) -> str:
        """One line for a reader."""
        if not self.national:
            return (
                f"the store has no club goalscorer data (scorers are recorded for national teams only): "
                f"no scorer threat can be given for {self.team}"
            )
        if not self.scorers:
            return f"no goals recorded for {self.team} between {self.since} and {self.before}"
        return f"{self.team} scored {self.team_goals} goals between {self.since} and {self.before}; top scorers:"


@dataclass(frozen=True)
class Comeback:
    """An overturned first-leg deficit (a row of :func:`remontada.knockout.precedents.precedents`)."""

    date: dt.date
    competition: str
    season: str
    round: str | None
    trailing: str
    leading: str
    leg1: str
    leg2: str
    deficit: int
    lost_at: str
    decided_by: str
    european: bool


@dataclass(frozen=True)
class SideBrief:
    """Everything about one side's chance: the side that trails, or each side of a level tie."""

    team: str
    opponent: str
    side: str
    """``home`` or ``away`` in the match about to be played."""
    p_through: float
    routes: dict[str, float]
    """P(through) by route: ``90`` (in normal time, away goals included), ``extra_time``, ``penalties`` (``replay``)."""
    needs: dict[str, Any] | None
    """:meth:`TieForecast.needs` when this side trails, else ``None``."""
    winning_scores: tuple[tuple[str, float], ...]
    """The likeliest scores of the match to be played that put the side through, home side first."""
    level_scores: tuple[tuple[str, float], ...]
    """The likeliest scores that leave the tie level (extra time, or a replay) after 90 minutes."""
    scenarios: tuple[Scenario, ...]
    approaches: tuple[Approach, ...]
    threat: Threat


@dataclass(frozen=True)
class Section:
    """A part of the briefing as a reader sees it: lines of text, then a table, then small print."""

    title: str
    lines: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = ()
