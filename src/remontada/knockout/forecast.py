"""Knockout ties from the store: who goes through, before the tie or between the legs.

This joins the pieces: the match model's goal rates for each leg as of the forecast
date (:class:`~remontada.models.forecast.Forecaster`), the rules of the competition on that
date, the extra-time factor and shootout edge the store supports
(:mod:`remontada.knockout.extra_time`), the exact engine (:mod:`remontada.knockout.engine`) and the
historical base rate for the first-leg deficit (:mod:`remontada.knockout.precedents`).

Side A is at home in leg 1 and away in leg 2. A tie the store already holds (the
same two sides, A at home first) supplies the competition, the round and, once
played, the first leg's score, so ``Liverpool``, ``Atalanta`` and 18 April 2024 are
enough to rebuild the Europa League quarter-final as it stood that morning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from remontada.data.queries import find_competition, one_match_ties, two_legged_ties
from remontada.data.rules import RULES, TWO_LEGGED, Rules, parse_rules, rules_for
from remontada.data.store import Store
from remontada.errors import BatchError, DataError, RemontadaError
from remontada.knockout.engine import TieProbabilities, second_leg_outcomes
from remontada.knockout.extra_time import ExtraTimeRate, ShootoutEdge, extra_time_rate, shootout_edge
from remontada.knockout.play import Conditions, Moment, Played, play
from remontada.knockout.precedents import ERAS, BaseRate, base_rate
from remontada.memo import Memo
from remontada.models import DEFAULT_TIE_MODEL
from remontada.models.forecast import Forecaster
from remontada.models.grid import ScoreGrid
from remontada.models.inplay.kernels import kept_summary
from remontada.models.inplay.process import Intensity
from remontada.models.inplay.timing import fit_timing

__all__ = ["TieForecast", "TieForecaster", "parse_leg1", "parse_named_score"]

_SCORE = re.compile(r"^\s*(?:(?P<home>.*?\S)\s+)?(?P<h>\d{1,2})\s*[-–:]\s*(?P<a>\d{1,2})(?:\s+(?P<away>\S.*?))?\s*$")
CONDITIONS_KEPT = 256
"""Dates whose extra-time and shootout evidence a :class:`TieForecaster` keeps (the oldest goes first)."""
YEARS_KEPT = 64
"""Years whose in-play (and red-card) model a forecaster keeps, fitted once a year."""
PAIRS_KEPT = 4096
"""Pairs of teams whose stored ties a :class:`TieForecaster` keeps."""
_GOALS = re.compile(r"[0-9]{1,2}")
"""A goal count in a batch cell: ASCII digits, at most two (so no number overflows)."""
_BATCH_COLUMNS = ["date", "a", "b", "pool", "played", "rules", "continental", "rules_obj", "leg1_a", "leg1_b"]
"""The parsed batch rows' columns, there even when every row is bad."""
LOOKAHEAD = dt.timedelta(days=90)
"""How far ahead of a forecast date a stored first leg may be and still be "this tie"."""


def parse_leg1(text: str) -> tuple[str | None, int, int, str | None]:
    """``"Liverpool 0-3 Atalanta"`` -> ``("Liverpool", 0, 3, "Atalanta")``; ``"0-3"`` -> ``(None, 0, 3, None)``."""
    found = _SCORE.match(text)
    if not found or (found["home"] is None) != (found["away"] is None):
        raise DataError(f"first leg {text!r} is not a score: write it as 'Liverpool 0-3 Atalanta' or '0-3'")
    return found["home"], int(found["h"]), int(found["a"]), found["away"]


def parse_named_score(
    score: str | tuple[int, int],
    *,
    field: str,
    names: tuple[str, str],
    sides_of: Callable[[str, str], tuple[int, int]],
) -> tuple[int, int]:
    """A score as people write it, home side first: ``"Atalanta 0-1 Liverpool"``, ``"0-1"`` or ``(0, 1)``.

    One reading for a first leg's result and for the score of a match in play, so
    that both accept and refuse the same things with the same words. ``field``
    names the score in messages (``"first leg"``, ``"score"``); ``names`` are the
    home and away sides as the store names them; ``sides_of(home, away)`` says where
    the two teams written in the text play in this match (0 at home, 1 away) and
    refuses a team that is not in it. Named sides must be written home side first.
    """
    if isinstance(score, tuple):
        goals = score
    else:
        found = _SCORE.match(score)
        if not found or (found["home"] is None) != (found["away"] is None):
            raise DataError(f"{field} {score!r} is not a score: write it as '{names[0]} 0-1 {names[1]}' or '0-1'")
        goals = (int(found["h"]), int(found["a"]))
        if found["home"] is not None and sides_of(found["home"], found["away"]) != (0, 1):
            raise DataError(
                f"{field} {score!r} has {names[1]} at home, but the home side is {names[0]}: "
                "write the home side first (swap the teams or the score)"
            )
    if min(goals) < 0:
        raise DataError(f"{field} {goals[0]}-{goals[1]}: a score cannot be negative")
    return int(goals[0]), int(goals[1])


@dataclass(frozen=True)
class TieForecast:
    """One tie's forecast: the chances by route, the second leg's grid, and where they came from.

    ``leg2_grid`` has the second leg's home side (B) on its rows and A on its
    columns; for a single match it is the match, A at home (or first named).
    """

    team_a: str
    team_b: str
    as_of: dt.date
    model: str
    rules: Rules
    rules_from: str
    """``given``, the ``competition`` on that date, or ``assumed`` (nothing said which)."""
    competition: str | None
    season: str | None
    round: str | None
    leg1: tuple[int, int] | None
    leg1_date: dt.date | None
    leg2_date: dt.date | None
    rates: tuple[float, float]
    """The deciding match's expected goals: (B, A) in a second leg, (A, B) in a single match."""
    leg1_rates: tuple[float, float] | None
    prior_only: bool
    probabilities: TieProbabilities
    leg2_grid: ScoreGrid
    extra_time: ExtraTimeRate
    shootout: ShootoutEdge
    base_rate: BaseRate | None
    ids: tuple[int, int]
    """The store's team ids of A and B."""
    neutral: bool
    continental: bool
    """A European-cup tie (a larger home advantage)."""
    actual: dict[str, Any] | None = field(default=None)
    """What happened, when the store knows: ``winner`` (a/b), ``decided_by``, ``leg2``."""
    warnings: tuple[str, ...] = ()
    """What a reader should know about the data behind it (e.g. a store far out of date)."""
    evidence: tuple[str, ...] = ("goals",)
    """What the sides' ratings were fitted on: ``goals``, and ``shots`` / ``prices`` (of earlier matches)."""

    @property
    def cells(self) -> NDArray[np.int8] | None:
        """Who each second-leg score sends through (rows B's goals): 1 A, -1 B, 0 level."""
        if self.leg1 is None or self.rules.legs != 2:
            return None
        return second_leg_outcomes(*self.leg1, self.rules, max_goals=self.leg2_grid.max_goals)

    def needs(self) -> dict[str, Any] | None:
        """What the side behind after leg 1 must do in leg 2, and the model's chance of doing it.

        ``to_level`` is the winning margin that levels the aggregate (then away goals,
        extra time); ``to_win`` the margin that wins it outright in 90 minutes.
        """
        if self.leg1 is None or self.rules.legs != 2 or self.leg1[0] == self.leg1[1]:
            return None
        a_behind = self.leg1[0] < self.leg1[1]
        deficit = abs(self.leg1[0] - self.leg1[1])
        probs = self.leg2_grid.probs / (1 - self.leg2_grid.tail)
        g = np.arange(self.leg2_grid.max_goals + 1)
        margin = g[None, :] - g[:, None] if a_behind else g[:, None] - g[None, :]  # the trailing side's margin

        def at_least(k: int) -> float:
            return float(probs[margin >= k].sum())

        return {
            "side": self.team_a if a_behind else self.team_b,
            "deficit": deficit,
            "to_level": deficit,
            "p_to_level": at_least(deficit),
            "to_win": deficit + 1,
            "p_to_win": at_least(deficit + 1),
            "xg": self.rates[1] if a_behind else self.rates[0],
            "xg_against": self.rates[0] if a_behind else self.rates[1],
        }

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able values: routes, totals, inputs and provenance."""
        p = self.probabilities
        out: dict[str, Any] = {
            "team_a": self.team_a,
            "team_b": self.team_b,
            "as_of": self.as_of.isoformat(),
            "model": self.model,
            "rules": self.rules.name,
            "rules_text": self.rules.describe(),
            "rules_from": self.rules_from,
            "neutral": self.neutral,
            "competition": self.competition,
            "season": self.season,
            "round": self.round,
            "leg1": None if self.leg1 is None else {"a": self.leg1[0], "b": self.leg1[1]},
            "leg1_date": None if self.leg1_date is None else self.leg1_date.isoformat(),
            "leg2_date": None if self.leg2_date is None else self.leg2_date.isoformat(),
            "rates": {"home": self.rates[0], "away": self.rates[1]},
            "leg1_rates": None if self.leg1_rates is None else {"a": self.leg1_rates[0], "b": self.leg1_rates[1]},
            "prior_only": self.prior_only,
            "evidence": list(self.evidence),
            "warnings": list(self.warnings),
            **{k: v for k, v in p.as_dict().items()},
            "extra_time": {
                "factor": self.extra_time.factor,
                "lo": self.extra_time.lo,
                "hi": self.extra_time.hi,
                "matches": self.extra_time.matches,
            },
            "shootout": {
                "p_home": self.shootout.p_home,
                "home_rate": self.shootout.home_rate,
                "home_lo": self.shootout.home_lo,
                "home_hi": self.shootout.home_hi,
                "home_shootouts": self.shootout.home_shootouts,
                "first_rate": self.shootout.first_rate,
                "first_shootouts": self.shootout.first_shootouts,
            },
            "needs": self.needs(),
            "base_rate": None
            if self.base_rate is None
            else {**vars(self.base_rate), "sentence": self.base_rate.sentence(self.as_of)},
            "actual": self.actual,
        }
        cells = self.cells
        if cells is not None:
            size = 6
            out["second_leg"] = [
                {"b": i, "a": j, "p": float(self.leg2_grid.probs[i, j]), "through": {1: "a", -1: "b", 0: "level"}[c]}
                for i in range(size)
                for j in range(size)
                for c in [int(cells[i, j])]
            ]
        return out


@dataclass(frozen=True)
class _Known:
    """A tie the store holds between A (at home first) and B."""

    competition_id: str
    competition: str
    season: str
    round: str | None
    leg1: tuple[int, int]
    leg1_date: dt.date
    leg2_date: dt.date
    actual: dict[str, Any]
    neutral: bool = False


class TieForecaster:
    """Tie forecasts on any date, from one store and one match model (default: the best at ties, Elo)."""

    def __init__(self, store: Store, model: str = DEFAULT_TIE_MODEL, *, forecaster: Forecaster | None = None) -> None:
        self.forecaster = forecaster or Forecaster(store, model)
        self.store = store
        self.model = self.forecaster.model
        # memos, not dicts: a web server asks from many threads at once (one computation per key at a time)
        self._conditions: Memo[dt.date, Conditions] = Memo(CONDITIONS_KEPT)
        self._timing: Memo[int, Intensity] = Memo(YEARS_KEPT)
        self._ties: Memo[tuple[int, int], list[_Known]] = Memo(PAIRS_KEPT)
        self._competition_kinds: dict[str, str] = dict(
            store.con.execute("SELECT competition_id, kind FROM competitions").fetchall()
        )

    def conditions(self, day: dt.date) -> Conditions:
        """Extra time, shootouts and the in-play model from the store's matches before ``day`` (cached).

        The in-play model changes slowly; it is refitted once a year, on the matches
        before 1 January of ``day``'s year.
        """

        def timing() -> Intensity:
            before = dt.date(day.year, 1, 1)
            return self.forecaster.cache.record(
                Intensity, {"before": before, "pool": "club"}, lambda: fit_timing(self.store, before=before)
            )

        def evidence() -> Conditions:
            # kept when the caller asks (results_kept_in: the tie and live commands), else worked out
            rate = kept_summary(ExtraTimeRate, {"before": day}, lambda: extra_time_rate(self.store, before=day))
            edge = kept_summary(ShootoutEdge, {"before": day}, lambda: shootout_edge(self.store, before=day))
            return Conditions(rate, edge, self._timing.get(day.year, timing))

        return self._conditions.get(day, evidence)

    def _stored(self, a: int, b: int) -> list[_Known]:
        """Every two-legged tie the store holds with A at home first against B (cached per pair)."""

        def stored() -> list[_Known]:
            frame = two_legged_ties(self.store, team_a_id=a, team_b_id=b)
            return [
                _Known(
                    str(row["competition_id"]),
                    str(row["competition"]),
                    str(row["season"]),
                    None if pd.isna(row["round"]) else str(row["round"]),
                    (int(row["leg1_a"]), int(row["leg1_b"])),
                    pd.Timestamp(row["leg1_date"]).date(),
                    pd.Timestamp(row["leg2_date"]).date(),
                    {
                        "winner": None if pd.isna(row["winner"]) else str(row["winner"]),
                        "decided_by": str(row["decided_by"]),
                        "leg2": {"a": int(row["leg2_a"]), "b": int(row["leg2_b"])},
                    },
                )  # fmt: skip
                for row in frame.to_dict("records")
            ]

        return self._ties.get((a, b), stored)

    def _one_match(self, a: int, b: int, day: dt.date) -> tuple[_Known, Rules, bool] | None:
        """The stored one-match tie of A and B (either at home) on ``day`` or soon after, its rules, if B is its A."""
        frame = one_match_ties(self.store, a, b)
        when = pd.to_datetime(frame["date"]).dt.date
        found = frame[(when >= day) & (when <= day + LOOKAHEAD)].to_dict("records")
        if not found:
            return None
        row, on = found[0], pd.Timestamp(found[0]["date"]).date()
        winner = None if pd.isna(row["winner"]) else str(row["winner"])
        actual = {"winner": winner, "decided_by": str(row["decided_by"]), "score": str(row["score"]),
                  "leg2": {"a": int(row["goals_a"]), "b": int(row["goals_b"])}}  # fmt: skip
        rnd = None if pd.isna(row["round"]) else str(row["round"])
        known = _Known(str(row["competition_id"]), str(row["competition"]), str(row["season"]), rnd, (0, 0), on, on,
                       actual, bool(row["neutral"]))  # fmt: skip
        return known, parse_rules(str(row["rules"])), int(row["team_a_id"]) == b

    def _known(self, a: int, b: int, day: dt.date) -> tuple[_Known | None, _Known | None]:
        """The stored tie A v B under way on ``day`` (leg 1 before it, leg 2 on or after), or the next one."""
        under_way = upcoming = None
        for known in self._stored(a, b):
            if known.leg1_date < day <= known.leg2_date:
                under_way = known
            elif day <= known.leg1_date <= day + LOOKAHEAD and upcoming is None:
                upcoming = known
        return under_way, upcoming

    def tie(
        self,
        team_a: str,
        team_b: str,
        *,
        leg1: str | tuple[int, int] | None = None,
        date: dt.date | None = None,
        rules: str | Rules | None = None,
        competition: str | None = None,
        neutral: bool = False,
    ) -> TieForecast:
        """Forecast the tie between ``team_a`` (at home in leg 1) and ``team_b``.

        Parameters
        ----------
        leg1
            The first leg's score, as text (``"Liverpool 0-3 Atalanta"``, ``"0-3"``,
            A's goals first) or a tuple; left out, the store's score of a tie under
            way on ``date`` is used, else the forecast is made before the tie.
        date
            The forecast uses matches strictly before it (the morning of the second
            leg); default the day after the latest match in the store.
        rules
            A rules name or custom rules (:func:`remontada.data.rules.parse_rules`);
            default the competition's on that date, else two legs without away goals
            (``rules_from`` says ``assumed``).
        competition
            Slug or name, when the store does not hold the tie.
        neutral
            For single-match rules: played at a neutral ground.
        """
        a, b = self.forecaster.pair(team_a, team_b)
        if a == b:
            raise DataError(f"{team_a!r} and {team_b!r} are the same team")
        names = dict(
            self.store.con.execute("SELECT team_id, name FROM teams WHERE team_id IN (?, ?)", [a, b]).fetchall()
        )
        day = date or self.forecaster.latest_date()
        under_way, upcoming = self._known(a, b, day)
        stored_one = under_way is None and upcoming is None and leg1 is None and rules is None
        single = self._one_match(a, b, day) if stored_one else None
        if single is not None:  # a stored final or one-match cup tie: its own rules, ground and sides
            upcoming, rules, swapped = single
            a, b = (b, a) if swapped else (a, b)
            neutral = neutral or upcoming.neutral
        score = self._leg1_score(leg1, a, b, names) if leg1 is not None else None
        if score is not None and under_way is None and upcoming is not None:
            raise DataError(
                f"{day} is before the first leg ({names[a]} {upcoming.leg1[0]}-{upcoming.leg1[1]} {names[b]} on "
                f"{upcoming.leg1_date}): leave out the first leg to forecast before the tie, or give a later date"
            )
        known = under_way or upcoming
        if score is None and under_way is not None:
            score = under_way.leg1
        hypothetical = score is not None and under_way is not None and score != under_way.leg1
        comp_id = find_competition(self.store, competition) if competition is not None else None
        comp_id = comp_id or (known.competition_id if known else None)
        chosen, rules_from = self._rules(rules, comp_id, known.leg1_date if known else day, stored=known is not None)
        rules_from = "competition" if single is not None else rules_from
        pool = self.forecaster.pool(a, b)
        model = self.forecaster.fitted(day, pool)
        conditions = self.conditions(day)
        continental = self._continental(comp_id, chosen)
        played = play(
            model, np.array([a]), np.array([b]), chosen, conditions,
            leg1_score=None if score is None else (np.array([score[0]]), np.array([score[1]])),
            neutral=neutral, continental=continental,
        )  # fmt: skip
        assert played.probabilities is not None
        rates, leg1_rates = played.leg2_rates, played.leg1_rates
        base = None
        if score is not None and score[0] != score[1] and chosen.legs == 2:
            deficit, lost_at = abs(score[0] - score[1]), "home" if score[0] < score[1] else "away"
            era = chosen.name if chosen.name in ERAS else None
            scope = "european" if continental else "domestic"  # like is measured against like
            base = kept_summary(
                BaseRate, {"deficit": deficit, "lost_at": lost_at, "before": day, "rules": era, "scope": scope},
                lambda: base_rate(self.store, deficit=deficit, lost_at=lost_at, before=day, rules=era, scope=scope),
            )  # fmt: skip
        comp_name = None
        if comp_id is not None:
            found = self.store.one("SELECT name FROM competitions WHERE competition_id = ?", [comp_id])
            comp_name = str(found[0]) if found else comp_id
        return TieForecast(
            names[a], names[b], day, self.model, chosen, rules_from, comp_name,
            known.season if known else None, known.round if known else None, score,
            known.leg1_date if known and not (hypothetical or single) else None, known.leg2_date if known else None,
            (float(rates[0][0]), float(rates[1][0])),
            None if leg1_rates is None else (float(leg1_rates[0][0]), float(leg1_rates[1][0])),
            not bool(played.known.all()), played.probabilities[0], played.leg2[0], conditions.extra_time,
            conditions.shootout, base, (a, b), neutral, continental,
            known.actual if known and not hypothetical and known.leg2_date < self.forecaster.latest_date() else None,
            self.forecaster.warnings(day, asked=date), model.evidence([a], [b]),
        )  # fmt: skip

    def at(self, forecast: TieForecast, moment: Moment) -> Played:
        """The tie of a forecast played out from a moment of the match in play (leg 1 before it is known)."""
        leg1 = None if forecast.leg1 is None else (np.array([forecast.leg1[0]]), np.array([forecast.leg1[1]]))
        a, b = forecast.ids
        return play(
            self.forecaster.fitted(forecast.as_of, self.forecaster.pool(a, b)), np.array([a]), np.array([b]),
            forecast.rules, self.conditions(forecast.as_of), leg1_score=leg1, neutral=forecast.neutral,
            continental=forecast.continental, moment=moment,
        )  # fmt: skip

    def in_tie(self, a: int, b: int, day: dt.date) -> bool:
        """Whether A and B (A at home first) are in a stored tie on ``day``: under way, or its first leg that day."""
        under_way, upcoming = self._known(a, b, day)
        return under_way is not None or (upcoming is not None and upcoming.leg1_date == day)

    def last_second_leg(self, a: int, b: int) -> dt.date | None:
        """The second-leg date of the latest tie the store holds with A at home first against B."""
        stored = self._stored(a, b)
        return max(k.leg2_date for k in stored) if stored else None

    def _leg1_score(self, leg1: str | tuple[int, int], a: int, b: int, names: dict[int, str]) -> tuple[int, int]:
        """The first leg's score from A's side, checking that the teams named are this tie's, A at home."""

        def sides_of(home: str, away: str) -> tuple[int, int]:
            ids = self.forecaster.pair(home, away)
            for named, spelled in zip(ids, (home, away), strict=True):
                if named not in (a, b):
                    raise DataError(f"{spelled!r} is not in this tie ({names[a]} v {names[b]})")
            return (0 if ids[0] == a else 1, 0 if ids[1] == a else 1)

        return parse_named_score(leg1, field="first leg", names=(names[a], names[b]), sides_of=sides_of)

    def _rules(
        self, rules: str | Rules | None, competition_id: str | None, day: dt.date, *, stored: bool = True
    ) -> tuple[Rules, str]:
        """The rules given, else the competition's on the day, else assumed two legs.

        A stored tie is two-legged; a competition named without one plays its usual
        number of legs (most of its ties in the store: the FA Cup one match, the
        European cups two).
        """
        if isinstance(rules, Rules):
            return rules, "given"
        if rules is not None:
            try:
                return parse_rules(rules), "given"
            except ValueError as exc:
                raise DataError(str(exc)) from exc
        if competition_id is not None:
            if self._competition_kinds.get(competition_id) == "league":
                raise DataError(
                    f"{competition_id} is a league, with no knockout ties: pass rules instead, one of "
                    f"{', '.join(sorted(RULES))}"
                )
            legs = 2 if stored else self._usual_legs(competition_id)
            return rules_for(competition_id, day, legs=legs), "competition"
        return TWO_LEGGED, "assumed"

    def _usual_legs(self, competition_id: str) -> int:
        """How many legs most of a competition's stored ties have (2 when it has none)."""
        sql = "SELECT legs FROM ties WHERE competition_id = ? GROUP BY legs ORDER BY count(*) DESC, legs DESC LIMIT 1"
        row = self.store.one(sql, [competition_id])
        return int(row[0]) if row else 2

    def _continental(self, competition_id: str | None, rules: Rules) -> bool:
        """Whether a tie is in a European cup: its competition's kind, else UEFA rules."""
        if competition_id is not None:
            return self._competition_kinds.get(competition_id) == "continental"
        return rules.name.startswith("uefa")

    def round(self, competition: str, season: str, round: str) -> list[TieForecast]:
        """Every two-legged tie of a round, each as it stood on the morning of its second leg."""
        frame = two_legged_ties(self.store, competition=competition, season=season, round=round)
        if frame.empty:
            raise DataError(f"no two-legged ties in {competition!r} {season} {round!r}: see `remontada data ties`")
        return [
            self.tie(str(row["team_a"]), str(row["team_b"]), date=pd.Timestamp(row["leg2_date"]).date(),
                     competition=str(row["competition_id"]))
            for row in frame.to_dict("records")
        ]  # fmt: skip

    def batch(self, rows: pd.DataFrame, *, source: str = "batch", keep_going: bool = False) -> pd.DataFrame:
        """Forecast every row ``date, team_a, team_b, leg1_a, leg1_b[, rules]`` (date: the second leg's).

        Blank leg-1 scores take the store's first leg of the tie under way on that date,
        else forecast the tie before it starts. Rules come from the
        ``rules`` column, else the store's tie, else two legs without away goals; the
        ``rules_used`` column says which. Bad rows are all reported together as a
        :class:`BatchError` (rows counted with the header as row 1), or with
        ``keep_going`` left empty with an ``error``.
        """
        missing = [c for c in ("date", "team_a", "team_b", "leg1_a", "leg1_b") if c not in rows.columns]
        if missing:
            needs = "date, team_a, team_b, leg1_a, leg1_b[, rules]"
            raise DataError(f"batch file lacks column(s): {', '.join(missing)} (needs {needs})")
        parsed, problems = self._parse(rows)
        if problems and not keep_going:
            raise BatchError(source, problems)
        out = rows.copy()
        cols = ["p_a", "p_b", "p_extra_time", "p_penalties"]
        for c in cols:
            out[c] = np.nan
        out["rules_used"] = ""
        good = parsed.dropna(subset=["a"])
        keys = ["date", "pool", "rules", "played", "continental"]
        for (day, pool, rules_name, played, continental), group in good.groupby(keys, sort=True):
            assert isinstance(day, dt.date)
            model = self.forecaster.fitted(day, str(pool))
            score = (group["leg1_a"].to_numpy(int), group["leg1_b"].to_numpy(int)) if played else None
            probs = play(
                model, group["a"].to_numpy(int), group["b"].to_numpy(int), group["rules_obj"].iloc[0],
                self.conditions(day), leg1_score=score, continental=bool(continental),
            ).probabilities  # fmt: skip
            assert probs is not None
            out.loc[group.index, cols] = np.column_stack([probs.p_a, probs.p_b, probs.p_extra_time, probs.p_penalties])
            out.loc[group.index, "rules_used"] = str(rules_name)
        if keep_going:
            errors = dict((row - 2, message) for row, message in problems)
            out["error"] = [errors.get(i, "") for i in range(len(out))]
        return out

    def _parse(self, rows: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
        problems: list[tuple[int, str]] = []
        records: list[dict[str, Any]] = []
        for i, row in enumerate(rows.to_dict("records")):
            record: dict[str, Any] = {"a": None}
            try:
                text = str(row["date"]).strip()
                try:
                    day = dt.date.fromisoformat(text)
                except ValueError as exc:
                    raise DataError(f"date: {text!r} is not a date (YYYY-MM-DD)") from exc
                a, b = self.forecaster.pair(str(row["team_a"]), str(row["team_b"]))
                if a == b:
                    raise DataError(f"team_a and team_b are the same team ({row['team_a']!r})")
                goals = [str(row[c]).strip() for c in ("leg1_a", "leg1_b")]
                if any(g in ("", "nan") for g in goals) and not all(g in ("", "nan") for g in goals):
                    raise DataError("leg1_a and leg1_b: give both first-leg goals, or neither (before the tie)")
                played = goals[0] not in ("", "nan")
                if played and not all(_GOALS.fullmatch(g) for g in goals):
                    raise DataError(f"leg1_a, leg1_b: {goals[0]!r}-{goals[1]!r} is not a score (0 to 99 goals a side)")
                under_way, upcoming = self._known(a, b, day)
                if played and under_way is None and upcoming is not None:
                    raise DataError(f"date {day} is before the first leg (played {upcoming.leg1_date})")
                known = under_way or upcoming
                if not played and under_way is not None:  # the store has the first leg's score
                    played, goals = True, [str(g) for g in under_way.leg1]
                given = str(row.get("rules", "") or "").strip()
                if given in ("nan",):
                    given = ""
                rules, _ = self._rules(
                    given or None, known.competition_id if known else None, known.leg1_date if known else day
                )
                pool = self.forecaster.pool(a, b)
                self.forecaster.check_date(day, pool)
                record = {
                    "date": day, "a": a, "b": b, "pool": pool, "played": played, "rules": rules.name,
                    "continental": self._continental(known.competition_id if known else None, rules),
                    "rules_obj": rules, "leg1_a": int(goals[0]) if played else -1,
                    "leg1_b": int(goals[1]) if played else -1,
                }  # fmt: skip
            except RemontadaError as exc:
                problems.append((i + 2, str(exc)))
            records.append(record)
        return pd.DataFrame(records, index=rows.index, columns=_BATCH_COLUMNS), problems
