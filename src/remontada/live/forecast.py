"""Live chances during a match or a knockout tie: at any minute, across a whole leg, and what-ifs.

"Let's try to win the game and then we will see how much time is left." A
:class:`LiveForecaster` answers at any moment of a match (minute, score, red cards,
and the first leg's result for a second leg): the final score's distribution, the
result, P(each side goes through) by route, P(a side scores n) and P(it concedes
again), and how these change if a side attacks more or sits back (:class:`WhatIf`).
Its numbers come from the same code as the pre-match tie forecast
(:func:`remontada.knockout.play.play`), so at minute 0 with the score 0-0 they are the
pre-match forecast's. :meth:`LiveForecaster.replay` gives the chance minute by minute
for a goal timeline, from the backward pass of the in-play model
(:func:`remontada.models.inplay.process.live_table`): every minute's value from one table.

Red cards act from the minute they are shown, as multipliers on the two sides'
rates (:class:`remontada.models.inplay.red_cards.RedCardEffect`, fitted on the store's club
matches before the year of the forecast).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from remontada.data.queries import find_team
from remontada.data.store import Store
from remontada.errors import BatchError, DataError, RemontadaError
from remontada.knockout.engine import TieProbabilities
from remontada.knockout.forecast import YEARS_KEPT, TieForecast, TieForecaster, parse_leg1
from remontada.knockout.play import END_OF_EXTRA_TIME, Moment, Played, play
from remontada.memo import Memo
from remontada.models import DEFAULT_TIE_MODEL
from remontada.models.grid import DEFAULT_MAX_GOALS, ScoreGrid
from remontada.models.inplay.process import MINUTES, LiveTable, live_table
from remontada.models.inplay.red_cards import RedCardEffect
from remontada.models.inplay.timing import fit_red_card_effect

__all__ = [
    "WHAT_IF_RANGE",
    "Curve",
    "LiveForecast",
    "LiveForecaster",
    "WhatIf",
    "parse_events",
    "parse_minute",
    "parse_what_if",
]

Array = NDArray[np.float64]
_MINUTE = re.compile(r"^\s*(?P<m>\d{1,3})\s*(?:\+\s*(?P<extra>\d{1,2}))?\s*'?\s*$")
_HALVES_END = (45, 90, 105, 120)
WHAT_IF_RANGE = (0.1, 10.0)
"""How far a change of approach may move a scoring rate (beyond it the chain's per-minute cap is no longer exact)."""
_MATCHES_KEPT = 256
"""Resolved matches a :class:`LiveForecaster` keeps (the oldest goes first)."""
_CURVE_ROOM = 5
"""Goals a side may have scored in a replayed match and still have the in-play grid's room for ten more."""
_WHAT_IF = re.compile(
    r"^\s*(?P<team>.+?)\s*:\s*(?P<for>[+-]?\d+(?:\.\d+)?)%\s*(?:,\s*(?P<against>[+-]?\d+(?:\.\d+)?)%)?\s*$"
)


def _clock(text: str) -> tuple[int, int]:
    """A match clock, ``"67"`` or ``"90+3"``, as (minute, stoppage minutes); checked."""
    found = _MINUTE.match(text)
    if not found:
        raise DataError(f"minute {text!r} is not a match minute: write 67, 45+2 or 90+3")
    minute, stoppage = int(found["m"]), int(found["extra"] or 0)
    if found["extra"] is not None and minute not in _HALVES_END:
        raise DataError(f"minute {text!r}: stoppage time follows 45, 90, 105 or 120, not {minute}")
    if minute > END_OF_EXTRA_TIME:
        raise DataError(f"minute {text!r} is outside 0..{END_OF_EXTRA_TIME} (stoppage time as 90+3)")
    return minute, stoppage


def parse_minute(text: str | int) -> int:
    """Minutes played from a match clock: ``"67"`` -> 67.

    Stoppage time belongs to the minute it extends (the in-play model's minutes 45
    and 90 hold their stoppage time), so ``"45+2"`` is 44 minutes played with the rest
    of the 45th, stoppage included, still to come; likewise ``"90+3"`` -> 89,
    ``"105+1"`` -> 104 and ``"120+2"`` -> 119.
    """
    minute, stoppage = _clock(str(text))
    return minute - 1 if stoppage else minute


@dataclass(frozen=True)
class WhatIf:
    """A change of approach: one side's scoring rate times ``goals_for``, its opponent's times ``goals_against``.

    "Liverpool push from the first minute: +30% for, +20% against" is
    ``WhatIf("Liverpool", 1.3, 1.2)``.
    """

    team: str
    goals_for: float = 1.0
    goals_against: float = 1.0

    def __post_init__(self) -> None:
        if self.goals_for <= 0 or self.goals_against <= 0:
            raise DataError(f"what-if for {self.team}: a side cannot score at a rate of zero or less")
        low, high = WHAT_IF_RANGE
        if not (low <= self.goals_for <= high and low <= self.goals_against <= high):
            raise DataError(
                f"what-if for {self.team}: rates times {self.goals_for:g} and {self.goals_against:g}; a change of "
                f"approach multiplies a rate by {low:g} to {high:g}"
            )

    def describe(self) -> str:
        """``"Liverpool +30% for, +20% against"``."""
        return f"{self.team} {self.goals_for - 1:+.0%} for, {self.goals_against - 1:+.0%} against"


def parse_what_if(text: str) -> WhatIf:
    """``"Liverpool:+30%,+20%"`` -> ``WhatIf("Liverpool", 1.3, 1.2)`` (the second change may be left out)."""
    found = _WHAT_IF.match(text)
    if not found:
        raise DataError(f"what-if {text!r}: write it as 'Liverpool:+30%,+20%' (goals for, goals against)")
    against = found["against"]
    return WhatIf(found["team"], 1 + float(found["for"]) / 100, 1 + float(against) / 100 if against else 1.0)


def parse_events(text: str) -> list[tuple[int, str]]:
    """``"7:Liverpool, 90+2:Atalanta"`` -> ``[(7, "Liverpool"), (90, "Atalanta")]``.

    An event in minute ``m`` (stoppage time in the minute it extends) counts from the
    end of that minute.
    """
    events = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        minute, sep, team = part.partition(":")
        if not sep or not team.strip():
            raise DataError(f"event {part!r}: write it as MINUTE:TEAM, e.g. '7:Liverpool'")
        try:
            at, _ = _clock(minute)
        except DataError as exc:
            raise DataError(f"event {part!r}: {exc}") from exc
        if at < 1:
            raise DataError(f"event {part!r}: minute {at} is outside 1..{END_OF_EXTRA_TIME}")
        events.append((at, team.strip()))
    return sorted(events, key=lambda e: e[0])


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


@dataclass(frozen=True)
class _Match:
    """The match in play, resolved once: its date, its tie (``None`` outside one) and its sides."""

    day: dt.date
    tie: TieForecast | None
    a: int
    b: int
    home: int
    away: int
    names: tuple[str, str]
    """The home and away sides' names in the store."""

    @property
    def home_is_a(self) -> bool:
        return self.home == self.a


class LiveForecaster:
    """Live forecasts from one store and one match model (default: the best at ties, Elo)."""

    def __init__(self, store: Store, model: str = DEFAULT_TIE_MODEL, *, ties: TieForecaster | None = None) -> None:
        self.ties = ties or TieForecaster(store, model)
        self.store = store
        self.model = self.ties.model
        # memos, not dicts: a web server asks from many threads at once (one computation per key at a time)
        self._red_cards: Memo[int, RedCardEffect] = Memo(YEARS_KEPT)
        self._matches: Memo[tuple[Any, ...], _Match] = Memo(_MATCHES_KEPT)

    def red_cards(self, day: dt.date) -> RedCardEffect:
        """The red-card effect from the store's club matches before 1 January of ``day``'s year (cached)."""

        def effect() -> RedCardEffect:
            before = dt.date(day.year, 1, 1)
            intensity = self.ties.conditions(day).intensity
            return self.ties.forecaster.cache.record(
                RedCardEffect, {"before": before},
                lambda: fit_red_card_effect(self.store, before=before, intensity=intensity),
            )  # fmt: skip

        return self._red_cards.get(day.year, effect)

    def live(
        self,
        team_a: str,
        team_b: str,
        *,
        minute: int | str = 0,
        score: str | tuple[int, int] = (0, 0),
        reds: tuple[int, int] | Sequence[str] = (0, 0),
        leg1: str | tuple[int, int] | None = None,
        date: dt.date | None = None,
        rules: str | None = None,
        competition: str | None = None,
        neutral: bool = False,
        what_if: tuple[WhatIf, ...] = (),
    ) -> LiveForecast:
        """The chances at a moment of a match between ``team_a`` and ``team_b``.

        As in :meth:`TieForecaster.tie`, A is at home in the first leg (or the match)
        and B in the second. With a first leg (given, or a stored tie under way on
        ``date``) the match in play is the second leg, B at home; with knockout
        ``rules`` or ``competition`` but no first leg, it is the first leg (or the
        single match); otherwise it is a match outside a tie, A at home.

        Parameters
        ----------
        minute
            Minutes played (0..120; ``"45+2"`` style accepted, see :func:`parse_minute`).
        score
            The match's score now, home side first: ``"Atalanta 0-1 Liverpool"`` or ``(0, 1)``.
        reds
            Red cards so far: ``(home, away)`` counts, or the teams shown one (a
            team once per card).
        what_if
            Changes of approach from now on.
        """
        match = self._match(team_a, team_b, leg1, date, rules, competition, neutral)
        return self._now(match, parse_minute(minute), self._score(score, match), self._reds(reds, match), what_if)

    def replay(
        self,
        team_a: str,
        team_b: str,
        *,
        goals: list[tuple[int, str]],
        reds: list[tuple[int, str]] | None = None,
        leg1: str | tuple[int, int] | None = None,
        date: dt.date | None = None,
        rules: str | None = None,
        competition: str | None = None,
        neutral: bool = False,
        what_if: tuple[WhatIf, ...] = (),
    ) -> Curve:
        """The chances minute by minute over a whole match for a timeline of goals and red cards.

        ``goals`` and ``reds`` are ``(minute, team)`` (:func:`parse_events`); the tie
        is found as in :meth:`live` (``date`` defaults to the second leg of the
        latest tie the store holds between A and B, A at home first). Minutes 91-120
        are drawn when the goals leave the tie level after 90 minutes.
        """
        if date is None:
            date = self.ties.last_second_leg(*self.ties.forecaster.pair(team_a, team_b))
        match = self._match(team_a, team_b, leg1, date, rules, competition, neutral)
        scored = [(m, self._side(t, match, "goals")) for m, t in goals]
        sent_off = [(m, self._side(t, match, "reds")) for m, t in (reds or [])]
        room = DEFAULT_MAX_GOALS + _CURVE_ROOM
        for side in ("home", "away"):
            if sum(s == side for _, s in scored) > room:
                raise DataError(f"goals: more than {room} for one side is beyond the live tables")
        what_if = self._what_ifs(what_if, match)
        effect = self.red_cards(match.day)
        kick_off = self._now(match, 0, (0, 0), (0, 0), what_if)
        keys = ("home", "away") if match.tie is not None else ("home", "draw", "away")
        tables: dict[tuple[int, int], dict[str, LiveTable]] = {}
        values: dict[str, list[float]] = {k: [] for k in keys}
        stayed: dict[str, list[float]] = {k: [] for k in keys}
        score, red = [0, 0], [0, 0]
        for minute in range(MINUTES + 1):
            _count(scored, minute, score)
            _count(sent_off, minute, red)
            if (red[0], red[1]) not in tables:
                tables[(red[0], red[1])] = self._tables(match, _factors(effect, (red[0], red[1]), what_if, match))
            for k in keys:
                values[k].append(tables[(red[0], red[1])][k].at(minute, score[0], score[1]))
                stayed[k].append(tables[(0, 0)][k].at(minute, 0, 0))
        last = END_OF_EXTRA_TIME if self._goes_to_extra_time(match, score, red, what_if) else MINUTES
        late = [m for m, _ in scored + sent_off if m > last]
        if late:
            reason = "no extra time: the tie was not level after 90" if match.tie is not None else "no extra time"
            raise DataError(f"goals/reds: an event in minute {late[0]}, but this match ended after 90 ({reason})")
        for minute in range(MINUTES + 1, last + 1):
            _count(scored, minute, score)
            _count(sent_off, minute, red)
            now = self._now(match, minute, (score[0], score[1]), (red[0], red[1]), what_if)
            assert now.p_home_advances is not None
            values["home"].append(now.p_home_advances)
            values["away"].append(1.0 - now.p_home_advances)
        return Curve(
            match.names[0], match.names[1], "advance" if match.tie is not None else "result", np.arange(last + 1),
            {k: np.array(v) for k, v in values.items()}, {k: np.array(v) for k, v in stayed.items()},
            scored, sent_off, kick_off,
        )  # fmt: skip

    def batch(self, rows: pd.DataFrame, *, source: str = "batch", keep_going: bool = False) -> pd.DataFrame:
        """Forecast every row of a live batch (the columns are DESIGN.md's).

        Columns: ``date, home, away[, neutral], minute, home_goals, away_goals[,
        home_red, away_red][, leg1_home_goals, leg1_away_goals][, rules]``. Leg-1
        goals, from this match's home side's point of view, make the row the second
        leg of a tie (the home side was away in the first leg), under the stored
        tie's rules on that date, or the ``rules`` column's, else two legs without
        away goals; a ``rules`` column without leg-1 goals makes the row a first leg
        or a one-match knockout with the home side as side A; otherwise the row is a
        match outside any tie. Output adds ``p_home, p_draw, p_away`` and, for ties,
        ``p_home_advances``. Rows of one match (a live feed) whose score or red
        cards go down as the clock goes on are bad rows too. Bad rows are all
        reported together as a :class:`BatchError` (rows counted with the header as
        row 1), or with ``keep_going`` left empty with an ``error``.
        """
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
                forecast, clock = self._batch_row(row)
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

    def _batch_row(self, row: dict[Any, Any]) -> tuple[LiveForecast, tuple[int, int]]:
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
            match = self._match(
                away, home, (count("leg1_away_goals"), count("leg1_home_goals")), day, rules, None, neutral
            )
        else:
            match = self._match(home, away, None, day, rules, None, neutral, stored=False)
        clock = _clock(cell("minute"))
        return self._now(match, parse_minute(cell("minute")), score, self._reds(reds, match), ()), clock

    # --- the pieces -----------------------------------------------------------------------------

    def _match(
        self,
        team_a: str,
        team_b: str,
        leg1: str | tuple[int, int] | None,
        date: dt.date | None,
        rules: str | None,
        competition: str | None,
        neutral: bool,
        *,
        stored: bool = True,
    ) -> _Match:
        """Resolve the match in play; ``stored`` lets a stored tie under way on the date make it a second leg.

        Cached: a live feed asks about the same match minute after minute, and
        resolving it (the tie's pre-match forecast, its precedents) costs far more
        than playing it out from a moment.
        """
        key = (team_a, team_b, leg1, date, rules, competition, neutral, stored)
        return self._matches.get(
            key, lambda: self._resolve(team_a, team_b, leg1, date, rules, competition, neutral, stored)
        )

    def _resolve(
        self,
        team_a: str,
        team_b: str,
        leg1: str | tuple[int, int] | None,
        date: dt.date | None,
        rules: str | None,
        competition: str | None,
        neutral: bool,
        stored: bool,
    ) -> _Match:
        a, b = self.ties.forecaster.pair(team_a, team_b)
        if a == b:
            raise DataError(f"{team_a!r} and {team_b!r} are the same team")
        day = date or self.ties.forecaster.latest_date()
        knockout = leg1 is not None or rules is not None or competition is not None
        if stored and not knockout:
            knockout = self.ties.in_tie(a, b, day)
            if not knockout and self.ties.in_tie(b, a, day):
                first, second = self._names_of(b, a)
                raise DataError(
                    f"{first} and {second} are in a tie on {day}, {first} at home in the first leg: "
                    f"name {first} first (the first-named side hosts the first leg)"
                )
        tie = None
        if knockout:
            tie = self.ties.tie(
                team_a, team_b, leg1=leg1, date=day, rules=rules, competition=competition, neutral=neutral
            )
        else:
            self.ties.forecaster.check_date(day, self.ties.forecaster.pool(a, b))
        home, away = (b, a) if tie is not None and tie.rules.legs == 2 and tie.leg1 is not None else (a, b)
        return _Match(day, tie, a, b, home, away, self._names_of(home, away))

    def _names_of(self, home: int, away: int) -> tuple[str, str]:
        sql = "SELECT team_id, name FROM teams WHERE team_id IN (?, ?)"
        found = dict(self.store.con.execute(sql, [home, away]).fetchall())
        return str(found[home]), str(found[away])

    def _now(
        self,
        match: _Match,
        minute: int,
        score: tuple[int, int],
        reds: tuple[int, int],
        what_if: tuple[WhatIf, ...],
    ) -> LiveForecast:
        """The forecast at a moment of the resolved match."""
        what_if = self._what_ifs(what_if, match)
        factors = _factors(self.red_cards(match.day), reds, what_if, match)
        played = self._play(match, _moment(minute, score, factors))
        return LiveForecast(
            match.names[0], match.names[1], match.day, self.model, minute, score, reds, what_if, factors,
            (float(played.rates[0][0]), float(played.rates[1][0])), played.final[0], match.tie,
            None if played.probabilities is None else played.probabilities[0], match.home_is_a,
            self.ties.forecaster.warnings(match.day),
        )  # fmt: skip

    def _play(self, match: _Match, moment: Moment) -> Played:
        try:
            if match.tie is not None:
                return self.ties.at(match.tie, moment)
            forecaster = self.ties.forecaster
            model = forecaster.fitted(match.day, forecaster.pool(match.a, match.b))
            a, b = np.array([match.a]), np.array([match.b])
            return play(model, a, b, None, self.ties.conditions(match.day), moment=moment)
        except ValueError as exc:
            raise DataError(str(exc)) from exc

    def _side(self, team: str, match: _Match, field: str) -> str:
        """``home`` or ``away`` for a team named by any of its spellings (or as ``home``/``away``)."""
        if team.casefold() in ("home", "away"):
            return team.casefold()
        for name, side in zip(match.names, ("home", "away"), strict=True):
            if team.casefold() == name.casefold():
                return side
        try:
            found = find_team(self.store, team)
        except DataError:
            found = None
        if found not in (match.home, match.away):
            raise DataError(f"{field}: {team!r} is not in this match ({match.names[0]} v {match.names[1]})")
        return "home" if found == match.home else "away"

    def _what_ifs(self, what_if: tuple[WhatIf, ...], match: _Match) -> tuple[WhatIf, ...]:
        """The what-ifs with each team as the store names it."""
        return tuple(replace(w, team=match.names[self._side(w.team, match, "what-if") == "away"]) for w in what_if)

    def _reds(self, reds: tuple[int, int] | Sequence[str], match: _Match) -> tuple[int, int]:
        """Red cards per side, from ``(home, away)`` counts or the teams shown one."""
        if len(reds) == 2 and all(isinstance(r, int | np.integer) for r in reds):
            return int(reds[0]), int(reds[1])
        if all(isinstance(r, str) for r in reds):
            sides = [self._side(str(team), match, "reds") for team in reds]
            return sides.count("home"), sides.count("away")
        raise DataError(f"reds: {reds!r} is neither (home, away) counts nor the teams shown a red card")

    def _score(self, score: str | tuple[int, int], match: _Match) -> tuple[int, int]:
        """The score now, home side first, checking that named sides are this match's, home first."""
        if isinstance(score, tuple):
            goals = score
        else:
            try:
                first, h, v, second = parse_leg1(score)
            except DataError as exc:
                raise DataError(
                    f"score: {score!r} is not a score; write it as 'Atalanta 0-1 Liverpool' or '0-1'"
                ) from exc
            if first is not None and second is not None:
                sides = (self._side(first, match, "score"), self._side(second, match, "score"))
                if sides != ("home", "away"):
                    raise DataError(
                        f"score: {score!r} has {match.names[1]} at home, but this match is at {match.names[0]}'s "
                        "ground: write the home side first"
                    )
            goals = (h, v)
        if min(goals) < 0:
            raise DataError(f"score: {goals[0]}-{goals[1]} cannot be negative")
        return int(goals[0]), int(goals[1])

    def _tables(self, match: _Match, factors: tuple[float, float]) -> dict[str, LiveTable]:
        """Live tables for the curve's keys (who goes through, or the result), built with these rate factors."""
        played = self._play(match, _moment(0, (0, 0), factors))
        size = DEFAULT_MAX_GOALS + 1 + _CURVE_ROOM
        lead, rule, away_goals = (int(np.asarray(v).ravel()[0]) for v in played.state)
        intensity = self.ties.conditions(match.day).intensity

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

    def _goes_to_extra_time(self, match: _Match, score: list[int], red: list[int], what_if: tuple[WhatIf, ...]) -> bool:
        """Whether the deciding match of a tie, over after 90 minutes at this score, goes to extra time."""
        tie = match.tie
        if tie is None or not tie.rules.extra_time or (tie.rules.legs == 2 and tie.leg1 is None):
            return False
        at_ninety = self._now(match, MINUTES, (score[0], score[1]), (red[0], red[1]), what_if)
        assert at_ninety.probabilities is not None
        return float(at_ninety.probabilities.p_extra_time) > 0.5


def _factors(
    effect: RedCardEffect, reds: tuple[int, int], what_if: tuple[WhatIf, ...], match: _Match
) -> tuple[float, float]:
    """Multipliers on the home and away rates: red cards so far, times the what-ifs (teams as the store names them)."""
    try:
        home_factor, away_factor = effect.factors(*reds)
    except ValueError as exc:
        raise DataError(f"reds: {exc}") from exc
    for change in what_if:
        if change.team == match.names[0]:
            home_factor, away_factor = home_factor * change.goals_for, away_factor * change.goals_against
        else:
            home_factor, away_factor = home_factor * change.goals_against, away_factor * change.goals_for
    return home_factor, away_factor


def _moment(minute: int, score: tuple[int, int], factors: tuple[float, float]) -> Moment:
    try:
        return Moment(minute, score[0], score[1], factors[0], factors[1])
    except ValueError as exc:
        raise DataError(str(exc)) from exc


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
                out.append((p2, f"{name}: {after} at {_show(c2)} but {before} at {_show(c1)} in the same match "
                            f"(row {p1 + 2}): a score or a count of red cards cannot go down"))  # fmt: skip
    return out


def _show(clock: tuple[int, int]) -> str:
    return f"minute {clock[0]}" + (f"+{clock[1]}" if clock[1] else "")


def _count(events: list[tuple[int, str]], minute: int, tally: list[int]) -> None:
    """Add the events of this minute (goals or red cards) to the home/away tally."""
    for at, side in events:
        if at == minute:
            tally[side == "away"] += 1
