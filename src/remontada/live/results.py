"""The answers of live forecasts: the chances at a moment (:class:`LiveForecast`) and over a match (:class:`Curve`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from remontada.errors import DataError
from remontada.knockout.engine import TieProbabilities
from remontada.knockout.forecast import TieForecast
from remontada.live.moments import (
    WhatIf,
)
from remontada.models.grid import ScoreGrid

__all__ = ["Curve", "LiveForecast"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class LiveForecast:
    """A match or tie at one moment: the final score to come and who goes through.

    ``home`` and ``away`` are the match being played; ``tie`` is the tie's pre-match
    forecast (its rules, first leg and chances before kick-off), ``None`` for a
    match outside a tie. ``final`` is the distribution of the match's final score,
    home side first (after 90 minutes, or after extra time once it is being played).
    ``probabilities`` are the tie's chances by route, A and B as in ``tie``.
    """

    home: str
    away: str
    as_of: dt.date
    model: str
    minute: int
    score: tuple[int, int]
    reds: tuple[int, int]
    what_if: tuple[WhatIf, ...]
    factors: tuple[float, float]
    """Multipliers on the home and away sides' rates from now on (red cards times what-ifs)."""
    rates: tuple[float, float]
    """The match's pre-match expected goals (home, away)."""
    final: ScoreGrid
    tie: TieForecast | None
    probabilities: TieProbabilities | None
    home_is_a: bool = True
    """Whether the home side of the match in play is side A of the tie (leg 1, a single match, no tie)."""
    warnings: tuple[str, ...] = ()
    """What a reader should know about the data behind it (e.g. a store far out of date)."""

    @property
    def p_home(self) -> float:
        """P(the home side wins the match: after 90 minutes, or after extra time once in it)."""
        return float(self.final.home_win / (1 - self.final.tail))

    @property
    def p_draw(self) -> float:
        """P(the match ends level)."""
        return float(self.final.draw / (1 - self.final.tail))

    @property
    def p_away(self) -> float:
        """P(the away side wins the match)."""
        return float(self.final.away_win / (1 - self.final.tail))

    @property
    def p_home_advances(self) -> float | None:
        """P(the match's home side goes through the tie); ``None`` outside a tie."""
        if self.probabilities is None:
            return None
        return float(self.probabilities.p_a if self.home_is_a else self.probabilities.p_b)

    def p_succeeds(self, side: str) -> float:
        """P(``home`` or ``away`` goes through the tie), or outside a tie P(it wins the match)."""
        advances = self.p_home_advances
        if advances is not None:
            return advances if side == "home" else 1.0 - advances
        return self.p_home if side == "home" else self.p_away

    def side(self, team: str) -> str:
        """``"home"`` or ``"away"`` for a team named as the store names it (or ``home``/``away``)."""
        for name, side in ((self.home, "home"), (self.away, "away")):
            if team.casefold() in (name.casefold(), side):
                return side
        raise DataError(f"{team!r} is not in this match ({self.home} v {self.away})")

    def p_scores(self, side: str, goals: int) -> float:
        """P(the side finishes the match with at least ``goals`` goals)."""
        probs = self.final.probs / (1 - self.final.tail)
        g = np.arange(probs.shape[-1])
        mine = g[:, None] if side == "home" else g[None, :]
        return float(np.sum(probs * (mine >= goals)))

    def p_concedes(self, side: str) -> float:
        """P(the side concedes at least once more before the end)."""
        other = "away" if side == "home" else "home"
        return self.p_scores(other, self.score[0 if other == "home" else 1] + 1)

    def goals_to_level(self, side: str) -> int | None:
        """Goals this side still needs to level the tie (aggregate), or ``None`` outside a tie / if not behind."""
        if self.tie is None or self.tie.rules.legs != 2 or self.tie.leg1 is None:
            return None
        a1, b1 = self.tie.leg1
        lead_home = (b1 - a1) + self.score[0] - self.score[1]  # the home side (B) in a second leg
        behind = -lead_home if side == "home" else lead_home
        return behind if behind > 0 else None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able values."""
        probs = None if self.probabilities is None else self.probabilities.as_dict()
        return {
            "home": self.home,
            "away": self.away,
            "as_of": self.as_of.isoformat(),
            "model": self.model,
            "minute": self.minute,
            "score": {"home": self.score[0], "away": self.score[1]},
            "reds": {"home": self.reds[0], "away": self.reds[1]},
            "what_if": [w.describe() for w in self.what_if],
            "factors": {"home": self.factors[0], "away": self.factors[1]},
            "rates": {"home": self.rates[0], "away": self.rates[1]},
            "p_home": self.p_home,
            "p_draw": self.p_draw,
            "p_away": self.p_away,
            "p_home_advances": self.p_home_advances,
            "p_concedes": {s: self.p_concedes(s) for s in ("home", "away")},
            "tie": None if self.tie is None else self.tie.as_dict() | {"home_is_a": self.home_is_a},
            "probabilities": probs,
            "top_scores": [{"home": h, "away": a, "p": p} for h, a, p in self.final.top_scores(8)],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Curve:
    """The chances minute by minute over a whole match for a timeline of goals and red cards.

    ``values[key][m]`` is the chance after ``m`` minutes (0..90, or 0..120 when the
    tie went to extra time): keys ``home`` and ``away`` (goes through) for a tie,
    ``home``, ``draw`` and ``away`` (wins) for a match outside one. ``stayed`` is the
    same had the score stayed as it was at kick-off: how the time left alone moves
    the chance.
    """

    home: str
    away: str
    kind: str
    """``advance`` (a tie) or ``result`` (a match)."""
    minutes: NDArray[np.int64]
    values: dict[str, Array]
    stayed: dict[str, Array]
    goals: list[tuple[int, str]]
    reds: list[tuple[int, str]]
    forecast: LiveForecast
    """The forecast at kick-off (with the what-ifs) the curve starts from."""

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able values, with the kick-off forecast."""
        return {
            "home": self.home,
            "away": self.away,
            "kind": self.kind,
            "goals": [{"minute": m, "side": s} for m, s in self.goals],
            "reds": [{"minute": m, "side": s} for m, s in self.reds],
            "minutes": self.minutes.tolist(),
            "values": {k: v.tolist() for k, v in self.values.items()},
            "stayed": {k: v.tolist() for k, v in self.stayed.items()},
            "kick_off": self.forecast.as_dict(),
        }
