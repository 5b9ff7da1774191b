"""Backtests: every model judged the same way, walk-forward, against the market where it has prices.

A backtest forecasts each match of the chosen competitions and seasons from data
strictly before it (:func:`remontada.evaluation.walk_forward.walk_forward`, refitted daily, weekly or
monthly) with one or more :class:`Candidate` models, and, where the store has
bookmaker prices for a match, with the market's own forecast: the prices of one
bookmaker (the market average if the source has it, else Pinnacle, else Bet365, else
the first other) with the overround removed (:mod:`remontada.evaluation.margins`). It scores them
on the same matches: RPS, log-loss, Brier, accuracy and calibration error, overall,
by season and by competition, with bootstrap confidence intervals for the difference
between any two forecasters (paired: the same matches resampled for both).

The walk-forward runs one task per candidate and season, so a backtest scales out
(:mod:`remontada.evaluation.parallel`: inline, local processes, or a Dask cluster) and gives the
same numbers on any of them. It reads the store first (:func:`load_backtest`) and
walks with the store closed (:func:`walk_backtest`), so forecasts and imports on the
same store go on while it runs; :func:`save_predictions` then writes in one short
transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, cast, get_args

import numpy as np
import pandas as pd

from remontada.data.queries import training_matches
from remontada.data.store import Store
from remontada.errors import DataError
from remontada.evaluation.betting import value_bets
from remontada.evaluation.margins import Method, implied_probabilities
from remontada.evaluation.metrics import OUTCOMES, calibration, outcome_index, outcome_log_loss, rps, score
from remontada.evaluation.parallel import run
from remontada.evaluation.walk_forward import walk_forward
from remontada.models import DEFAULT_MODEL, MODELS, MatchModel

__all__ = [
    "BOOKMAKERS",
    "MARKET",
    "Backtest",
    "BacktestInputs",
    "BacktestSpec",
    "Candidate",
    "load_backtest",
    "market_forecasts",
    "parse_candidate",
    "run_backtest",
    "walk_backtest",
]

MARKET = "market"
"""The name the market's forecasts go by among the models."""
BOOKMAKERS = ("Avg", "PS", "B365")
"""Whose prices stand for the market, in order of preference (then any other but the best-price ``Max``)."""


@dataclass(frozen=True)
class Candidate:
    """A model by name with its settings, e.g. Dixon-Coles with a 180-day half-life."""

    name: str = DEFAULT_MODEL
    settings: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.name not in MODELS:
            raise DataError(f"model {self.name!r} is not one of {', '.join(sorted(MODELS))}")

    @property
    def label(self) -> str:
        """``dixon-coles`` or ``dixon-coles(half_life_days=180)``."""
        if not self.settings:
            return self.name
        return f"{self.name}({', '.join(f'{k}={v}' for k, v in self.settings)})"

    def build(self) -> MatchModel:
        """A new, unfitted model (Dixon-Coles warm-starts each refit from the last)."""
        options = dict(self.settings)
        if self.name == "dixon-coles":
            options.setdefault("warm_start", True)
        try:
            return MODELS[self.name](**options)
        except TypeError as exc:
            raise DataError(f"model {self.label}: {exc}") from exc


def parse_candidate(text: str) -> Candidate:
    """``"dixon-coles"`` or ``"dixon-coles:half_life_days=180,prior_sd=1"`` -> :class:`Candidate`."""
    name, _, rest = text.partition(":")
    settings = []
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = part.partition("=")
        if not sep:
            raise DataError(f"model {text!r}: settings are NAME=VALUE, e.g. 'dixon-coles:half_life_days=180'")
        settings.append((key.strip(), _value(value.strip())))
    return Candidate(name.strip(), tuple(settings))


def _value(text: str) -> Any:
    if text.lower() in ("none", "null"):
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


@dataclass(frozen=True)
class BacktestSpec:
    """What to backtest: the candidates, the matches, the refit cadence and the market's prices."""

    candidates: tuple[Candidate, ...] = (Candidate(),)
    competitions: tuple[str, ...] | None = None
    seasons: tuple[str, ...] | None = None
    match_ids: tuple[int, ...] | None = None
    """Exactly these matches (a file brought by the user), instead of competitions and seasons."""
    refit: str = "weekly"
    pool: str = "club"
    odds: str | None = "closing"
    """``closing`` or ``opening`` prices for the market, or ``None`` for no market."""
    method: str = "multiplicative"
    """How the overround is removed (:func:`remontada.evaluation.margins.implied_probabilities`)."""

    def __post_init__(self) -> None:
        if self.refit not in ("daily", "weekly", "monthly"):
            raise DataError(f"refit {self.refit!r}: choose daily, weekly or monthly")
        if self.odds not in (None, "closing", "opening"):
            raise DataError(f"odds {self.odds!r}: choose closing or opening")
        if not self.candidates:
            raise DataError("a backtest needs at least one model")


@dataclass
class Backtest:
    """The forecasts of a backtest, one row per forecaster and match, and what was left out of the market.

    ``predictions`` has the match (``match_id, date, competition_id, season,
    home_id, away_id, home_goals, away_goals``), the forecaster (``model``: a
    candidate's label or :data:`MARKET`) and ``p_home, p_draw, p_away``.
    ``market_excluded`` counts the matches without usable prices, by reason.
    """

    spec: BacktestSpec
    predictions: pd.DataFrame
    market_excluded: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    prices: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The market's prices used, one row per match: ``match_id, bookmaker, home, draw, away``."""

    @property
    def models(self) -> list[str]:
        """The forecasters in the order given (the market last)."""
        return list(dict.fromkeys(self.predictions["model"]))

    def common(self) -> pd.DataFrame:
        """The predictions on the matches every forecaster has (the market has prices for fewer)."""
        counts = self.predictions.groupby("match_id")["model"].nunique()
        shared = counts[counts == len(self.models)].index
        return self.predictions[self.predictions["match_id"].isin(shared)]

    def metrics(self, by: Sequence[str] = (), *, common: bool = True) -> pd.DataFrame:
        """RPS, log-loss, Brier, accuracy and calibration error (ECE) per forecaster (and ``by`` groups)."""
        frame = self.common() if common else self.predictions
        keys = ["model", *by]
        table = score(frame, by=keys)
        ece = pd.DataFrame(
            [(*key, calibration(group)[1]) for key, group in frame.groupby(keys, sort=False)], columns=[*keys, "ece"]
        )
        table = table.merge(ece, on=keys)
        order = {m: i for i, m in enumerate(self.models)}
        return table.sort_values(keys, key=lambda c: c.map(order) if c.name == "model" else c).reset_index(drop=True)

    def compare(
        self, first: str, second: str, *, metric: str = "rps", resamples: int = 2000, seed: int = 0
    ) -> dict[str, float]:
        """``second``'s mean score minus ``first``'s on their common matches, with a 95% bootstrap interval.

        Matches are resampled with replacement, the same draw for both (a paired
        bootstrap), ``resamples`` times. Lower is better for RPS, log-loss and Brier,
        so a positive difference says ``first`` is better.
        """
        per_match = self._per_match(metric)
        both = per_match[[first, second]].dropna()
        if both.empty:
            raise DataError(f"{first} and {second} have no match in common")
        diff = (both[second] - both[first]).to_numpy()
        rng = np.random.default_rng(seed)
        draws = rng.integers(0, len(diff), size=(resamples, len(diff)))
        means = diff[draws].mean(axis=1)
        lo, hi = np.quantile(means, [0.025, 0.975])
        return {"n": len(diff), "difference": float(diff.mean()), "lo": float(lo), "hi": float(hi)}

    def _per_match(self, metric: str) -> pd.DataFrame:
        frame = self.predictions
        probs = frame[list(OUTCOMES)].to_numpy(float)
        outcome = outcome_index(frame["home_goals"], frame["away_goals"])
        if metric == "rps":
            value = rps(probs, outcome)
        elif metric == "log_loss":
            value = outcome_log_loss(probs, outcome)
        elif metric == "brier":
            value = np.sum((probs - np.eye(3)[outcome]) ** 2, axis=1)
        else:
            raise DataError(f"metric {metric!r}: choose rps, log_loss or brier")
        return frame.assign(value=value).pivot_table(index="match_id", columns="model", values="value")

    def value_bets(self, model: str, *, edge: float = 0.0, stake: str = "flat") -> dict[str, Any]:
        """The historical return of backing ``model``'s value against the market's prices (a backtest).

        Per match, the selection with the largest expected value at the market's price,
        if above ``edge`` (:func:`remontada.evaluation.betting.value_bets`; flat stakes or a quarter
        Kelly on one compounding bankroll, in date order). The prices are those the
        market's forecasts came from, overround and all: a bettor pays the margin.
        """
        if self.prices.empty:
            raise DataError("no market prices in this backtest: run it with odds")
        rows = self.predictions[self.predictions["model"] == model].merge(self.prices, on="match_id")
        rows = rows.sort_values(["date", "match_id"])
        result = value_bets(
            rows[list(OUTCOMES)].to_numpy(float), rows[["home", "draw", "away"]].to_numpy(float),
            outcome=outcome_index(rows["home_goals"], rows["away_goals"]), edge=edge,
            stake="kelly" if stake == "kelly" else "flat", selections=("home", "draw", "away"),
        )  # fmt: skip
        summary = asdict(result.summary)
        return {"model": model, "edge": edge, "stake": stake, "matches": len(rows), **summary}

    def summary(self) -> dict[str, Any]:
        """The headline as plain values: ``n`` common matches, each forecaster's metrics, and model - market."""
        table = self.metrics()
        out: dict[str, Any] = {"n": int(table["n"].iloc[0]) if len(table) else 0}
        names = {m: ("market" if m == MARKET else m) for m in self.models}
        metrics = ("rps", "log_loss", "brier", "accuracy", "ece")
        forecasters = {names[r["model"]]: {k: float(r[k]) for k in metrics} for r in table.to_dict("records")}
        out["models"] = forecasters
        first = self.spec.candidates[0].label
        out["model"] = forecasters.get(first)
        out["market"] = forecasters.get("market")
        if MARKET in self.models:
            out["model_minus_market"] = {m: self.compare(MARKET, first, metric=m) for m in ("rps", "log_loss")}
        for group in ("season", "competition_id"):
            by = self.metrics([group])
            out[f"by_{group.removesuffix('_id')}"] = [
                {"model": names[r["model"]], group.removesuffix("_id"): r[group], "n": int(r["n"]),
                 **{k: float(r[k]) for k in metrics}}
                for r in by.to_dict("records")
            ]  # fmt: skip
        out["market_excluded"] = dict(self.market_excluded)
        out["spec"] = {**asdict(self.spec), "candidates": [c.label for c in self.spec.candidates]}
        out["seconds"] = self.seconds
        plain: dict[str, Any] = json.loads(json.dumps(out, default=str))
        return plain


def run_backtest(
    store: Store,
    spec: BacktestSpec,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Backtest:
    """Run a backtest on the store's matches: one walk-forward task per candidate and season."""
    return walk_backtest(load_backtest(store, spec), scheduler=scheduler, workers=workers, on_progress=on_progress)


@dataclass(frozen=True)
class BacktestInputs:
    """Everything a backtest reads from the store, read at once so the store can be closed while it runs.

    A walk-forward over several seasons takes minutes; holding the store that long
    made every other command on it wait and fail ("store is busy"). ``history`` is
    the pool's matches, ``targets`` the matches to forecast; ``market``, ``prices``
    and ``excluded`` the market's forecasts (:func:`market_forecasts`, empty
    without odds); ``seconds`` the time reading took.
    """

    spec: BacktestSpec
    history: pd.DataFrame
    targets: pd.DataFrame
    market: pd.DataFrame
    prices: pd.DataFrame
    excluded: dict[str, int]
    seconds: float


def load_backtest(store: Store, spec: BacktestSpec) -> BacktestInputs:
    """Read what ``spec``'s backtest needs from the store (a few seconds), for :func:`walk_backtest`."""
    started = time.perf_counter()
    history = training_matches(store, pool=spec.pool)
    targets = _targets(store, history, spec)
    market, prices = pd.DataFrame(), pd.DataFrame()
    excluded: dict[str, int] = {}
    if spec.odds is not None:
        market, prices, excluded = market_forecasts(store, targets, timing=spec.odds, method=spec.method)
    return BacktestInputs(spec, history, targets, market, prices, excluded, time.perf_counter() - started)


def walk_backtest(
    inputs: BacktestInputs,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Backtest:
    """The walk-forward of :func:`load_backtest`'s inputs: the long part, with no store open."""
    started = time.perf_counter()
    spec, targets = inputs.spec, inputs.targets
    tasks = [
        (candidate, season, spec.refit)
        for candidate in spec.candidates
        for _, season in targets.groupby("season", sort=True)
    ]
    parts = run(_walk, tasks, shared=inputs.history, scheduler=scheduler, workers=workers, on_done=on_progress)
    predictions = pd.concat(parts, ignore_index=True) if parts else targets.head(0)
    if spec.odds is not None:
        predictions = pd.concat([predictions, inputs.market], ignore_index=True)
    columns = [*_MATCH_COLUMNS, "model", *OUTCOMES, "fitted_as_of"]
    seconds = inputs.seconds + time.perf_counter() - started
    return Backtest(spec, predictions[columns], dict(inputs.excluded), seconds, inputs.prices)


_MATCH_COLUMNS = ["match_id", "date", "competition_id", "season", "home_id", "away_id", "home_goals", "away_goals"]


def _targets(store: Store, history: pd.DataFrame, spec: BacktestSpec) -> pd.DataFrame:
    """The matches to forecast, as training rows (with ``match_id`` and ``season``)."""
    ids = store.df(
        "SELECT match_id, date, home_id, away_id, season, competition_id FROM matches ORDER BY date, match_id"
    )
    ids["date"] = pd.to_datetime(ids["date"])
    keyed = history.merge(ids, on=["date", "home_id", "away_id", "competition_id"], how="inner")
    keyed = keyed.drop_duplicates("match_id")
    if spec.match_ids is not None:
        chosen = keyed[keyed["match_id"].isin(spec.match_ids)]
    else:
        chosen = keyed
        if spec.competitions is not None:
            unknown = set(spec.competitions) - set(keyed["competition_id"])
            if unknown:
                raise DataError(f"competition(s) {', '.join(sorted(unknown))}: no matches in the store")
            chosen = chosen[chosen["competition_id"].isin(spec.competitions)]
        if spec.seasons is not None:
            chosen = chosen[chosen["season"].isin(spec.seasons)]
    if chosen.empty:
        raise DataError("no matches to backtest: check the competitions, seasons or file")
    first = history["date"].min()
    early = chosen["date"] <= first
    if early.any():
        raise DataError(f"{int(early.sum())} match(es) on or before the first match in the store ({first:%Y-%m-%d})")
    return chosen.sort_values(["date", "match_id"]).reset_index(drop=True)


def _walk(history: pd.DataFrame, task: tuple[Candidate, pd.DataFrame, str]) -> pd.DataFrame:
    """One candidate's walk-forward over one season (a task for :func:`remontada.evaluation.parallel.run`).

    ``history`` is every match of the pool, shared by the tasks; each fit uses only
    the matches before its period (:func:`remontada.evaluation.walk_forward.walk_forward`).
    """
    candidate, targets, refit = task
    predicted = walk_forward(candidate.build(), history, targets, refit=refit)
    return predicted.assign(model=candidate.label)


def market_forecasts(
    store: Store, targets: pd.DataFrame, *, timing: str = "closing", method: str = "multiplicative"
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """The market's 1X2 forecasts for ``targets``, the prices they came from, and the matches left out, by reason.

    One bookmaker per match (:data:`BOOKMAKERS`, in order), its three prices at
    ``timing`` with the overround removed by ``method``. A match is left out (and
    counted) without all three prices, with a price of 1.0 or less, or with an
    overround below zero or above 30% (:func:`remontada.evaluation.margins.implied_probabilities`'s reasons).
    """
    prices = store.df(
        """
        SELECT o.match_id, o.bookmaker, o.selection, o.price
        FROM odds o WHERE o.market = '1x2' AND o.timing = ? AND o.bookmaker <> 'Max'
        """,
        [timing],
    )
    prices = prices[prices["match_id"].isin(targets["match_id"])]
    wide = prices.pivot_table(index=["match_id", "bookmaker"], columns="selection", values="price", aggfunc="first")
    wide = wide.reindex(columns=["home", "draw", "away"]).reset_index()
    rank = {b: i for i, b in enumerate(BOOKMAKERS)}
    wide["rank"] = wide["bookmaker"].map(rank).fillna(len(rank))
    complete = wide.dropna(subset=["home", "draw", "away"])
    chosen = complete.sort_values(["match_id", "rank", "bookmaker"]).drop_duplicates("match_id")
    excluded = {"no prices": int((~targets["match_id"].isin(prices["match_id"])).sum())}
    excluded["missing a price"] = int(targets["match_id"].isin(prices["match_id"]).sum() - chosen["match_id"].nunique())
    odds = chosen[["home", "draw", "away"]].to_numpy(float)
    probs, reasons = implied_probabilities(odds, method=_method(method), errors="mask")
    good = reasons == ""
    for reason in reasons[~good]:
        kind = _kind_of(str(reason))
        excluded[kind] = excluded.get(kind, 0) + 1
    market = pd.DataFrame(probs[good], columns=list(OUTCOMES)).assign(match_id=chosen["match_id"].to_numpy()[good])
    market = targets.merge(market, on="match_id").assign(model=MARKET, fitted_as_of=None)
    used = chosen[good][["match_id", "bookmaker", "home", "draw", "away"]].reset_index(drop=True)
    return market, used, {k: v for k, v in excluded.items() if v}


def _kind_of(reason: str) -> str:
    """A price problem's kind, for counting (the reasons name each row's values)."""
    for words, kind in (
        ("negative", "overround below 0 (an arbitrage)"), ("is above", "overround above 30%"),
        ("missing", "missing a price"), ("above 1.0", "a price of 1.0 or less"),
    ):  # fmt: skip
        if words in reason:
            return kind
    return reason


def _method(name: str) -> Method:
    if name not in get_args(Method):
        raise DataError(f"overround method {name!r}: choose {', '.join(get_args(Method))}")
    return cast(Method, name)


def save_predictions(store: Store, backtest: Backtest) -> int:
    """Keep a backtest's predictions in the store (tables ``backtests`` and ``predictions``); its id."""
    with store.transaction():
        row = store.one("SELECT coalesce(max(backtest_id), 0) + 1 FROM backtests")
        backtest_id = int(row[0]) if row else 1
        spec = json.dumps(backtest.summary()["spec"])
        store.con.execute(
            "INSERT INTO backtests VALUES (?, ?, ?)", [backtest_id, dt.datetime.now(dt.UTC).isoformat(), spec]
        )
        frame = backtest.predictions[["model", "match_id", "fitted_as_of", *OUTCOMES]].assign(backtest_id=backtest_id)
        frame = frame[["backtest_id", "model", "match_id", "fitted_as_of", *OUTCOMES]]
        store.con.register("incoming_predictions", frame)
        store.con.execute("INSERT INTO predictions SELECT * FROM incoming_predictions")
        store.con.unregister("incoming_predictions")
    return backtest_id
