"""Forecasts from the store: choose the pool, fit a model as of a date, predict.

A :class:`Forecaster` fits the chosen model on the store's matches strictly before
the forecast date (clubs and national teams in separate pools) and caches each fit
by the set of matches it used, so a batch of many rows on many dates refits only
when new results have come in between them; each refit starts from the previous
one's parameters where the model supports it. Fits are also kept on disk beside the
store (:class:`~remontada.models.fitcache.FitCache`), keyed by the number of matches used, so
the next command on the same store and date reads them instead of fitting again.
"""

from __future__ import annotations

import copy
import datetime as dt
import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from remontada.data.queries import find_team, training_matches, training_span
from remontada.data.store import Store
from remontada.errors import BatchError, DataError, RemontadaError
from remontada.memo import Memo
from remontada.models import DEFAULT_MODEL, MODELS, MatchModel
from remontada.models.fitcache import FitCache
from remontada.models.grid import ScoreGrid, poisson_grid

__all__ = ["STALE_AFTER", "Forecaster", "MatchForecast", "default_date_note", "stale_warning", "team_ratings"]

STALE_AFTER = dt.timedelta(days=90)
"""A forecast this long after the store's last match is flagged: the store may be out of date
(longer than a summer break, so a forecast in August on a store that ends in May is not)."""


def stale_warning(last_match: dt.date, day: dt.date) -> str | None:
    """The warning for a forecast ``day`` far past the store's last match, or ``None``."""
    if day - last_match <= STALE_AFTER:
        return None
    return f"the store's last match is {last_match}; this forecast for {day} uses nothing after it"


def default_date_note(last_match: dt.date, day: dt.date) -> str:
    """The note for a forecast made on the default date: the store's, not the calendar's, so a reader knows."""
    return f"no date given: as of {day}, the day after the store's last match ({last_match}), not today"


REFITS = ("daily", "weekly")
"""How often :meth:`Forecaster.batch` refits: as of every row's date, or as of each week's Monday."""
FITS_KEPT = 32
"""Fitted models a :class:`Forecaster` keeps (one per forecast date and pool; the oldest goes first)."""

_POOLS = 2
"""Clubs and national teams: the pools a :class:`Forecaster` fits apart."""
_Pair = tuple[int, int] | RemontadaError
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"", "0", "false", "no", "n", "f"}


@dataclass(frozen=True)
class MatchForecast:
    """One fixture's forecast: rates, the score grid and where it came from."""

    home: str
    away: str
    neutral: bool
    as_of: dt.date
    model: str
    home_rate: float
    away_rate: float
    prior_only: bool
    grid: ScoreGrid
    warnings: tuple[str, ...] = ()
    """What a reader should know about the data behind it (e.g. a store far out of date)."""
    evidence: tuple[str, ...] = ("goals",)
    """What the sides' ratings were fitted on: ``goals``, and ``shots`` / ``prices`` (of earlier matches)."""

    def as_dict(self) -> dict[str, Any]:
        """The numbers a reader wants, as plain JSON-able values."""
        p = self.grid.outcomes()
        return {
            "home": self.home,
            "away": self.away,
            "neutral": self.neutral,
            "as_of": self.as_of.isoformat(),
            "model": self.model,
            "p_home": float(p[0]),
            "p_draw": float(p[1]),
            "p_away": float(p[2]),
            "xg_home": self.home_rate,
            "xg_away": self.away_rate,
            "over_2_5": float(self.grid.total_over(2.5)),
            "both_score": float(self.grid.both_score),
            "top_scores": [{"score": f"{h}-{a}", "p": p_} for h, a, p_ in self.grid.top_scores(5)],
            "grid_tail": float(self.grid.tail),
            "prior_only": self.prior_only,
            "evidence": list(self.evidence),
            "warnings": list(self.warnings),
        }


class Forecaster:
    """Forecasts for fixtures on any date, from one store and one model."""

    def __init__(
        self, store: Store, model: str = DEFAULT_MODEL, *, cache: FitCache | None = None, **settings: Any
    ) -> None:
        if model not in MODELS:
            raise DataError(f"unknown model {model!r}; choose from {', '.join(sorted(MODELS))}")
        self.store = store
        self.model = model
        self.settings = settings  # the model's hyperparameters where they differ from its defaults
        # memos, not dicts: a web server asks from many threads at once (one fit per key at a time)
        self.cache = cache or FitCache(store)
        self._frames: Memo[str, pd.DataFrame] = Memo(_POOLS)
        self._fits: Memo[tuple[str, int], MatchModel] = Memo(FITS_KEPT)
        self._first: Memo[str, dt.date | None] = Memo(_POOLS)
        self._kinds: dict[int, str] = dict(store.con.execute("SELECT team_id, kind FROM teams").fetchall())

    def _frame(self, pool: str) -> pd.DataFrame:
        return self._frames.get(pool, lambda: training_matches(self.store, pool=pool))

    def check_date(self, day: dt.date, pool: str) -> None:
        """Refuse a forecast date on or before the pool's first match: there is nothing to fit on."""
        first = self._first.get(pool, lambda: training_span(self.store, pool=pool)[1])
        if first is None or day <= first:
            raise DataError(f"date {day} is before any {pool} match in the store")

    def warnings(self, day: dt.date, *, asked: dt.date | None = None) -> tuple[str, ...]:
        """What to tell a reader about a forecast for ``day``: see :func:`stale_warning` and :func:`default_date_note`.

        ``asked`` is the date the caller gave; ``None`` means ``day`` is the default one.
        """
        last = self.latest_date() - dt.timedelta(days=1)
        found = (stale_warning(last, day), None if asked is not None else default_date_note(last, day))
        return tuple(w for w in found if w is not None)

    def latest_date(self) -> dt.date:
        """The day after the latest match in the store (the default forecast date)."""
        row = self.store.one("SELECT max(date) FROM matches")
        if row is None or row[0] is None:
            raise DataError("the store holds no matches")
        return row[0] + dt.timedelta(days=1)  # type: ignore[no-any-return]

    def fitted(self, as_of: dt.date, pool: str = "club") -> MatchModel:
        """The model fitted on the pool's matches strictly before ``as_of`` (cached)."""
        used = self._used(as_of, pool)
        if used == 0:
            raise DataError(f"no {pool} matches before {as_of}: nothing to forecast from")
        # memo'd in this process (a long-running server forgets the oldest), kept on disk for the next one
        return self._fits.get(
            (pool, used),
            lambda: self.cache.model(
                MODELS[self.model], self._new().settings(), {"pool": pool, "matches": used},
                lambda: self._fit(self._frame(pool).iloc[:used], pool),
            ),
        )  # fmt: skip

    def _used(self, as_of: dt.date, pool: str) -> int:
        """How many of the pool's matches are before ``as_of`` (counted in the store until the pool is loaded)."""
        frame = self._frames.peek(pool)
        if frame is None:
            return training_span(self.store, pool=pool, before=as_of)[0]
        return int(np.searchsorted(frame["date"].to_numpy(), np.datetime64(as_of), side="left"))

    def _new(self) -> MatchModel:
        """A new model of this forecaster's kind, set to warm-start its refits where it can."""
        cls = MODELS[self.model]
        warm = {"warm_start": True} if "warm_start" in inspect.signature(cls).parameters else {}
        try:
            return cls(**warm, **self.settings)
        except TypeError as exc:
            raise DataError(f"model {self.model}: {exc}") from exc

    def _fit(self, frame: pd.DataFrame, pool: str) -> MatchModel:
        earlier = [(k[1], fit) for k, fit in self._fits.finished() if k[0] == pool]
        if earlier and "warm_start" in inspect.signature(MODELS[self.model]).parameters:
            model = copy.deepcopy(max(earlier, key=lambda e: e[0])[1])  # start from the latest fit
        else:
            model = self._new()
        return model.fit(frame)

    def pair(self, home: str, away: str) -> tuple[int, int]:
        """The team ids of two names, reading both as clubs or both as national teams if they can be.

        ``Monaco`` on its own is the national team, but ``Monaco`` v ``Liverpool`` is
        the club.
        """
        h, a = find_team(self.store, home), find_team(self.store, away)
        if self._kinds[h] != self._kinds[a]:
            for kind in (self._kinds[a], self._kinds[h]):
                try:
                    return find_team(self.store, home, kind=kind), find_team(self.store, away, kind=kind)
                except RemontadaError:
                    continue
        return h, a

    def pool(self, *team_ids: int) -> str:
        """The pool these teams are fitted in: ``club`` or ``national`` (never both)."""
        kinds = {self._kinds[t] for t in team_ids}
        if len(kinds) > 1:
            raise DataError("a club cannot play a national team in these models")
        return "national" if kinds == {"national"} else "club"

    def match(
        self,
        home: str,
        away: str,
        *,
        neutral: bool = False,
        continental: bool = False,
        as_of: dt.date | None = None,
    ) -> MatchForecast:
        """Forecast one fixture between two named teams (``continental``: in a European cup)."""
        h, a = self.pair(home, away)
        if h == a:
            raise DataError(f"{home!r} and {away!r} are the same team")
        day = as_of or self.latest_date()
        model = self.fitted(day, self.pool(h, a))
        rates = model.rates([h], [a], [neutral], [continental])
        names = dict(
            self.store.con.execute("SELECT team_id, name FROM teams WHERE team_id IN (?, ?)", [h, a]).fetchall()
        )
        grid = poisson_grid(rates.home[0], rates.away[0], rates.rho)
        return MatchForecast(
            names[h], names[a], neutral, day, self.model, float(rates.home[0]), float(rates.away[0]),
            not bool(rates.known[0]), grid, self.warnings(day, asked=as_of), model.evidence([h], [a]),
        )  # fmt: skip

    def batch(
        self, rows: pd.DataFrame, *, source: str = "batch", keep_going: bool = False, refit: str = "daily"
    ) -> pd.DataFrame:
        """Forecast every row (``date, home, away[, neutral]``) with data strictly before its date.

        Every bad row is found before anything is forecast; unless ``keep_going``,
        they are raised together as a :class:`BatchError` (row numbers count the
        header as row 1). With ``keep_going`` bad rows get empty forecasts and an
        ``error`` column says why. ``refit="weekly"`` fits once a week, on the matches
        before the Monday of each row's week (still never a match on or after the
        row's date), so a batch over many dates fits several times less often.
        """
        if refit not in REFITS:
            raise DataError(f"refit {refit!r}: choose {' or '.join(REFITS)}")
        parsed, problems = self._parse_rows(rows)
        if problems and not keep_going:
            raise BatchError(source, problems)
        out = rows.copy()
        cols = ["p_home", "p_draw", "p_away", "xg_home", "xg_away"]
        for c in cols:
            out[c] = np.nan
        out["prior_only"] = pd.array([pd.NA] * len(out), dtype="boolean")
        self._predict(out, parsed.dropna(subset=["home_id"]), refit)
        if keep_going:
            errors = dict((row - 2, message) for row, message in problems)
            out["error"] = [errors.get(i, "") for i in range(len(out))]
        return out

    def fixtures(self, fixtures: pd.DataFrame) -> pd.DataFrame:
        """Forecast stored fixtures (``date``, ``home_id``, ``away_id``, ``neutral``), each with data before its date.

        Returns the rows with ``p_home``, ``p_draw``, ``p_away``, ``xg_home``,
        ``xg_away`` and ``prior_only`` added. The two sides of a fixture are of one pool
        (clubs or national teams), as the importer stored them.
        """
        out = fixtures.copy()
        for c in ("p_home", "p_draw", "p_away", "xg_home", "xg_away"):
            out[c] = np.nan
        out["prior_only"] = pd.array([pd.NA] * len(out), dtype="boolean")
        rows = out.assign(
            date=[d.date() if isinstance(d, pd.Timestamp) else d for d in out["date"]],
            pool=[self.pool(int(h)) for h in out["home_id"]],
        )
        for day, pool in {(d, p) for d, p in zip(rows["date"], rows["pool"], strict=True)}:
            self.check_date(day, pool)
        self._predict(out, rows, "daily")
        return out

    def _predict(self, out: pd.DataFrame, rows: pd.DataFrame, refit: str) -> None:
        """Fill ``out``'s forecast columns for ``rows`` (``date``, ids, ``neutral``, ``pool``), grouped by fit."""
        cols = ["p_home", "p_draw", "p_away", "xg_home", "xg_away"]
        rows = rows.assign(
            fit_day=[self._fit_day(d, p, refit) for d, p in zip(rows["date"], rows["pool"], strict=True)]
        )
        for (day, pool), group in rows.groupby(["fit_day", "pool"], sort=True):
            assert isinstance(day, dt.date)
            pred = self.fitted(day, str(pool)).predict(
                group["home_id"].to_numpy(int), group["away_id"].to_numpy(int), group["neutral"].to_numpy(bool)
            )
            out.loc[group.index, cols] = pred[cols].to_numpy()
            out.loc[group.index, "prior_only"] = pred["prior_only"].to_numpy()

    def _fit_day(self, day: dt.date, pool: str, refit: str) -> dt.date:
        """The date a row's model is fitted as of: its own, or (weekly) its week's Monday if matches precede it."""
        monday = day - dt.timedelta(days=day.weekday())
        first = self._first.peek(pool)
        return monday if refit == "weekly" and first is not None and monday > first else day

    def _parse_rows(self, rows: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
        missing = [c for c in ("date", "home", "away") if c not in rows.columns]
        if missing:
            raise DataError(f"batch file lacks column(s): {', '.join(missing)} (needs date, home, away[, neutral])")
        problems: list[tuple[int, str]] = []
        records: list[dict[str, Any]] = []
        ids: dict[tuple[str, str], _Pair] = {}
        for i, row in enumerate(rows.to_dict("records")):
            number = i + 2
            record: dict[str, Any] = {"home_id": None}
            try:
                day = dt.date.fromisoformat(str(row["date"]).strip())
                h, a = self._team_pair(str(row["home"]), str(row["away"]), ids)
                neutral = str(row.get("neutral", "") if pd.notna(row.get("neutral", "")) else "").strip().lower()
                if neutral not in _TRUE | _FALSE:
                    raise DataError(f"neutral: {row.get('neutral')!r} is not true/false")
                if h == a:
                    raise DataError(f"home and away are the same team ({row['home']!r})")
                pool = self.pool(h, a)
                self.check_date(day, pool)
                record = {"date": day, "home_id": h, "away_id": a, "neutral": neutral in _TRUE, "pool": pool}
            except ValueError as exc:
                problems.append((number, f"date: {row.get('date')!r} is not a date (YYYY-MM-DD): {exc}"))
            except RemontadaError as exc:
                problems.append((number, str(exc)))
            records.append(record)
        return pd.DataFrame(
            records, index=rows.index, columns=["date", "home_id", "away_id", "neutral", "pool"]
        ), problems

    def _team_pair(
        self, home: str, away: str, cache: dict[tuple[str, str], tuple[int, int] | RemontadaError]
    ) -> tuple[int, int]:
        if (home, away) not in cache:
            try:
                cache[(home, away)] = self.pair(home, away)
            except RemontadaError as exc:
                cache[(home, away)] = exc
        found = cache[(home, away)]
        if isinstance(found, RemontadaError):
            raise found
        return found


def team_ratings(store: Store, model: MatchModel) -> pd.DataFrame:
    """A fitted model's ratings with team names and countries, strongest first."""
    table = model.ratings()
    names = store.df("SELECT team_id, name AS team, country FROM teams")
    merged = table.rename_axis("team_id").reset_index().merge(names, on="team_id", how="left")
    return merged[["team", "country", *table.columns, "team_id"]]
