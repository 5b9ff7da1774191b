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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from remontada.data.queries import find_team
from remontada.data.store import Store
from remontada.errors import DataError
from remontada.knockout.forecast import YEARS_KEPT, TieForecast, TieForecaster, parse_named_score
from remontada.knockout.play import Moment, Played, play
from remontada.live.curve import curve
from remontada.live.feed import feed
from remontada.live.moments import (
    WHAT_IF_RANGE,
    WhatIf,
    factors,
    moment,
    parse_events,
    parse_minute,
    parse_what_if,
)
from remontada.live.results import Curve, LiveForecast
from remontada.memo import Memo
from remontada.models import DEFAULT_TIE_MODEL
from remontada.models.inplay.red_cards import RedCardEffect
from remontada.models.inplay.timing import fit_red_card_effect

__all__ = [
    "Curve",
    "LiveForecast",
    "LiveForecaster",
    "WHAT_IF_RANGE",
    "WhatIf",
    "parse_events",
    "parse_minute",
    "parse_what_if",
]

Array = NDArray[np.float64]


_MATCHES_KEPT = 256
"""Resolved matches a :class:`LiveForecaster` keeps (the oldest goes first)."""


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
    asked: dt.date | None = None
    """The date the caller gave (``None``: the default, the day after the store's last match)."""

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
        return curve(self, match, goals=goals, reds=reds, what_if=what_if)

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
        return feed(self, rows, source=source, keep_going=keep_going)

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
        return _Match(day, tie, a, b, home, away, self._names_of(home, away), date)

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
        rates = factors(self.red_cards(match.day), reds, what_if, match.names[0])
        played = self._play(match, moment(minute, score, rates))
        return LiveForecast(
            match.names[0], match.names[1], match.day, self.model, minute, score, reds, what_if, rates,
            (float(played.rates[0][0]), float(played.rates[1][0])), played.final[0], match.tie,
            None if played.probabilities is None else played.probabilities[0], match.home_is_a,
            self.ties.forecaster.warnings(match.day, asked=match.asked),
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

        def sides_of(home: str, away: str) -> tuple[int, int]:
            where = (self._side(home, match, "score"), self._side(away, match, "score"))
            return (0 if where[0] == "home" else 1, 0 if where[1] == "home" else 1)

        return parse_named_score(score, field="score", names=match.names, sides_of=sides_of)
