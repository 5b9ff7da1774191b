"""`make inplay-accuracy`: how well the in-play model forecasts the final result from the state of a match.

From the score at a minute of a match, each match's final (90-minute) result, home
win, draw or away win, is forecast and scored against what happened (1X2 log-loss,
ranked probability score, calibration). Two forecasts, from the same pre-match
expected goals:

* **model**: :func:`remontada.models.inplay.process.final_score_grid` at that minute and score: the
  birth process with its time profile, state effects and match-day random effect
  (the day's balance reweighted by the score so far).
* **baseline**: the score so far plus Poisson goals at the pre-match rates scaled by
  the time left, ``(90 - minute) / 90`` (:func:`remontada.models.grid.poisson_grid`, the same
  ``max_goals``, shifted by the score).

Minute 0 (kick-off) is shown as a reference: there the two differ only by what
the model says of how any match unfolds (the state effects and the random effect
spread the final score differently from Poisson), not by anything the match has
shown.

Pre-match rates come from one :class:`~remontada.models.EloModel` pass over the
pool (``history_rates``: each match's ratings from earlier results only; the map
from rating gap to goals is fitted on the whole pass, and both forecasts share it).

Data sets:

1. **Goal minutes**: the internationals whose every goal has its minute
   (:func:`remontada.data.queries.goal_timelines`) played from 1 January
   ``NATIONAL_FROM``, rates from the national-team Elo pass. The score at minute
   ``m`` counts the goals of minutes ``<= m``, and the final result the goals of
   minutes 1-90 (extra time left out). Minutes 0, 15, 30, 45, 60 and 75.
2. **Half-time scores**: the club matches with a half-time score (football-data's
   leagues, and the European cups' matches outside knockout rounds) of the seasons
   from ``CLUB_FROM``-``CLUB_FROM + 1``, rates from the club Elo pass. Minutes 0 and 45.
3. **Ties at half-time**: two-legged ties (second legs from July ``TIES_FROM``) whose
   second leg has a half-time score: P(side A goes through) from
   :meth:`remontada.LiveForecaster.live` at minute 45, exactly as a user would run it
   (the model as of that day, the competition's rules, extra time and shootout),
   against the same tie settled with the second half played as Poisson goals at half
   the pre-match rates, and against the model's own forecast at kick-off. Cached
   under a key made of the code the live forecast runs through.

No leakage: the in-play model's intensity is refitted walk-forward, for the
internationals on 1 January of each test year and for clubs on 1 July of each
season (:func:`remontada.models.inplay.timing.fit_timing` with ``before`` that day: the timed
international goals before it, and for clubs the spread of the day's balance from
the club scores of the five years before it), and used for that year's or season's
matches only. A fit takes a second or two, so there was no reason to fit once.

Cost: every match at every minute is one run of the compiled chain (about 5 ms on
one core, seven quadrature nodes), in batches over ``--jobs`` processes: the whole
evaluation, 35,284 matches and 91,700 forecasts, took 3.5 minutes on two idle
cores (11 minutes while another job shared them), so nothing is subsampled or
restricted. The model's forecasts are cached in ``--cache`` under a key made of
the library code they run through, the bundle manifest and the exact inputs
(rates, scores, minutes, fitted intensities), so a re-run only re-renders the
tables (about 35 s); the baseline is recomputed every time (it is instant).
Prints markdown tables for the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd
from code_digest import code_digest

from remontada.data.bundle import open_store
from remontada.data.queries import goal_timelines, training_matches
from remontada.data.store import Store
from remontada.evaluation.metrics import (
    brier,
    calibration_error,
    log_loss,
    outcome_index,
    outcome_log_loss,
    paired_differences,
    reliability,
    rps,
)
from remontada.knockout.play import KICK_OFF
from remontada.live.forecast import LiveForecaster
from remontada.models import EloModel
from remontada.models.grid import DEFAULT_MAX_GOALS, ScoreGrid, poisson_grid
from remontada.models.inplay.process import MINUTES, Intensity, final_score_grid
from remontada.models.inplay.timing import fit_timing

NATIONAL_FROM = 2010
CLUB_FROM = 2015
NATIONAL_MINUTES = (0, 15, 30, 45, 60, 75)
CLUB_MINUTES = (0, 45)
TIES_FROM = 1994
MAX_GOALS = DEFAULT_MAX_GOALS
CHUNK = 400  # fixtures per call of the chain in a worker
OUTCOMES = ("p_home", "p_draw", "p_away")
MARGINS = {-2: "home 2+ behind", -1: "home 1 behind", 0: "level", 1: "home 1 ahead", 2: "home 2+ ahead"}
# the code the model's forecasts run through: a change to any of it invalidates the cache
SOURCES = ("data", "models")
"""The packages a goal-minute forecast runs through: a change to any of their modules invalidates the cache."""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Evaluation:
    """One data set's forecasts: a row per match and minute, with both forecasts and what happened."""

    title: str
    rows: pd.DataFrame
    notes: list[str]
    how: str


# ---------------------------------------------------------------- data sets


def _rated(store: Store, pool: str) -> pd.DataFrame:
    """Each match's pre-match rates from one Elo pass over ``pool``, by date and sides (ambiguous keys dropped)."""
    rated = EloModel().fit(training_matches(store, pool=pool)).history_rates()
    rated = rated.assign(date=pd.to_datetime(rated["date"]))[["date", "home_id", "away_id", "home_rate", "away_rate"]]
    return rated.drop_duplicates(["date", "home_id", "away_id"], keep=False)


def _at_minutes(
    frame: pd.DataFrame, minutes: tuple[int, ...], score: Callable[[pd.DataFrame, int], pd.DataFrame]
) -> pd.DataFrame:
    """One row per match and minute, with the score (``h``, ``a``) at that minute from ``score(frame, minute)``."""
    parts = []
    for minute in minutes:
        at = score(frame, minute)
        parts.append(frame.assign(minute=minute, h=at["h"].to_numpy(int), a=at["a"].to_numpy(int)))
    return pd.concat(parts, ignore_index=True)


def national_states(store: Store) -> tuple[pd.DataFrame, list[str]]:
    """The timed internationals from ``NATIONAL_FROM``, at each of ``NATIONAL_MINUTES``."""
    matches, goals = goal_timelines(store)
    matches = matches.assign(date=pd.to_datetime(matches["date"]))
    matches = matches[matches["date"] >= pd.Timestamp(NATIONAL_FROM, 1, 1)]
    frame = matches.merge(_rated(store, "national"), on=["date", "home_id", "away_id"], how="inner")
    unrated = len(matches) - len(frame)
    goals = goals[goals["match_id"].isin(frame["match_id"])]

    def score(rows: pd.DataFrame, minute: int) -> pd.DataFrame:
        """Each side's goals of minutes 1..``minute`` in each of ``rows``' matches."""
        upto = goals[goals["minute"] <= minute]
        counts = upto.groupby(["match_id", "home_side"]).size().unstack(fill_value=0)
        counts = counts.reindex(columns=[True, False], fill_value=0).reindex(rows["match_id"], fill_value=0)
        return pd.DataFrame({"h": counts[True].to_numpy(), "a": counts[False].to_numpy()})

    final = score(frame, MINUTES)
    frame = frame.assign(final_h=final["h"].to_numpy(), final_a=final["a"].to_numpy())
    extra = int(((frame["final_h"] != frame["home_goals"]) | (frame["final_a"] != frame["away_goals"])).sum())
    big = (frame["final_h"] > MAX_GOALS) | (frame["final_a"] > MAX_GOALS)
    frame = frame[~big].reset_index(drop=True)
    frame["period"] = frame["date"].dt.year.map(lambda y: dt.date(y, 1, 1))
    notes = [
        f"{len(frame)} internationals from {NATIONAL_FROM} with every goal timed "
        f"({frame['date'].min().date()} to {frame['date'].max().date()}); "
        f"{unrated} left out for want of a unique Elo rating row, {int(big.sum())} with more than {MAX_GOALS} goals "
        "for a side (beyond the grid).",
        f"{extra} of them went to extra time and scored in it: their result is the 90-minute one.",
    ]
    return _at_minutes(frame, NATIONAL_MINUTES, score), notes


def club_states(store: Store) -> tuple[pd.DataFrame, list[str]]:
    """The club matches with a half-time score, outside knockout rounds, from the season ``CLUB_FROM``-."""
    rows = store.df(
        """
        SELECT m.match_id, m.date, m.season, m.competition_id, m.home_id, m.away_id, m.home_goals, m.away_goals,
               m.ht_home_goals, m.ht_away_goals
        FROM matches m JOIN teams t ON t.team_id = m.home_id
        WHERE t.kind = 'club' AND m.ht_home_goals IS NOT NULL AND m.ht_away_goals IS NOT NULL
          AND NOT m.knockout AND NOT m.score_includes_et AND m.date >= ?
        ORDER BY m.date, m.match_id
        """,
        [dt.date(CLUB_FROM, 7, 1)],
    )
    rows["date"] = pd.to_datetime(rows["date"])
    frame = rows.merge(_rated(store, "club"), on=["date", "home_id", "away_id"], how="inner")
    unrated = len(rows) - len(frame)
    odd = (frame["ht_home_goals"] > frame["home_goals"]) | (frame["ht_away_goals"] > frame["away_goals"])
    frame = frame[~odd].reset_index(drop=True)
    frame = frame.assign(final_h=frame["home_goals"].astype(int), final_a=frame["away_goals"].astype(int))
    start = frame["date"].dt.year - (frame["date"].dt.month < 7)
    frame["period"] = start.map(lambda y: dt.date(y, 7, 1))
    kinds = frame["competition_id"].str.startswith("uefa-")
    notes = [
        f"{len(frame)} club matches with a half-time score, seasons {start.min()}-{str(start.min() + 1)[-2:]} to "
        f"{start.max()}-{str(start.max() + 1)[-2:]} ({int((~kinds).sum())} league, {int(kinds.sum())} European "
        f"cups outside knockout rounds); {unrated} left out for want of a unique Elo rating row, {int(odd.sum())} "
        "whose half-time score exceeds the final one.",
    ]

    def score(rows: pd.DataFrame, minute: int) -> pd.DataFrame:
        """0-0 at kick-off, the half-time score at 45."""
        if minute == 0:
            return pd.DataFrame({"h": np.zeros(len(rows), int), "a": np.zeros(len(rows), int)})
        return pd.DataFrame({"h": rows["ht_home_goals"], "a": rows["ht_away_goals"]})

    return _at_minutes(frame, CLUB_MINUTES, score), notes


# ---------------------------------------------------------------- forecasts


def baseline_outcomes(rows: pd.DataFrame) -> np.ndarray:
    """The score so far plus Poisson goals at the pre-match rates times the share of the 90 minutes left."""
    left = (MINUTES - rows["minute"].to_numpy(float)) / MINUTES
    rest = poisson_grid(rows["home_rate"].to_numpy(float) * left, rows["away_rate"].to_numpy(float) * left,
                        max_goals=MAX_GOALS)  # fmt: skip
    size = MAX_GOALS + 1
    probs = np.zeros_like(rest.probs)
    h, a = rows["h"].to_numpy(int), rows["a"].to_numpy(int)
    for hh, aa in set(zip(h, a, strict=True)):
        which = np.flatnonzero((h == hh) & (a == aa))
        probs[which, hh:, aa:] = rest.probs[which, : size - hh, : size - aa]
    return ScoreGrid(probs, np.clip(1.0 - probs.sum((-2, -1)), 0.0, 1.0)).outcomes()


def _model_chunk(task: tuple[np.ndarray, np.ndarray, Intensity, int, np.ndarray, np.ndarray]) -> np.ndarray:
    home_rate, away_rate, intensity, minute, h, a = task
    grid = final_score_grid(home_rate, away_rate, intensity, minute=minute, score=(h, a), max_goals=MAX_GOALS)
    return grid.outcomes()


def _tasks(
    rows: pd.DataFrame, intensities: dict[dt.date, Intensity]
) -> Iterator[tuple[np.ndarray, tuple[np.ndarray, np.ndarray, Intensity, int, np.ndarray, np.ndarray]]]:
    """Chunks of rows sharing an intensity and a minute: (row positions, arguments of the chain)."""
    for (period, minute), group in rows.groupby(["period", "minute"], sort=True):
        where = rows.index.get_indexer(group.index)
        for start in range(0, len(group), CHUNK):
            part = group.iloc[start : start + CHUNK]
            yield where[start : start + CHUNK], (
                part["home_rate"].to_numpy(float), part["away_rate"].to_numpy(float), intensities[period],
                int(minute), part["h"].to_numpy(np.int64), part["a"].to_numpy(np.int64),
            )  # fmt: skip


def model_outcomes(rows: pd.DataFrame, intensities: dict[dt.date, Intensity], jobs: int) -> np.ndarray:
    """:func:`final_score_grid`'s 1X2 for every row, batched over ``jobs`` processes."""
    out = np.full((len(rows), 3), np.nan)
    tasks = list(_tasks(rows, intensities))
    started = time.perf_counter()
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        for done, ((where, _), result) in enumerate(
            zip(tasks, pool.map(_model_chunk, [t for _, t in tasks]), strict=True)
        ):
            out[where] = result
            if (done + 1) % 20 == 0 or done + 1 == len(tasks):
                _log(f"  {done + 1}/{len(tasks)} batches, {time.perf_counter() - started:.0f} s")
    return out


def cache_key(rows: pd.DataFrame, intensities: dict[dt.date, Intensity]) -> str:
    digest = code_digest(f"inplay-v1|{MAX_GOALS}", SOURCES)
    inputs = rows[["match_id", "minute", "home_rate", "away_rate", "h", "a"]]
    digest.update(pd.util.hash_pandas_object(inputs, index=False).to_numpy().tobytes())
    digest.update(rows["period"].astype(str).str.cat().encode())
    for period in sorted(intensities):
        digest.update(str(period).encode())
        for field in fields(Intensity):
            digest.update(np.asarray(getattr(intensities[period], field.name), dtype=float).tobytes())
    return digest.hexdigest()[:16]


def forecast(
    name: str, rows: pd.DataFrame, intensities: dict[dt.date, Intensity], cache: Path, jobs: int
) -> tuple[pd.DataFrame, str]:
    """Both forecasts and the outcome added to ``rows``; the model's read from the cache when it has them."""
    rows = rows.reset_index(drop=True)
    path = cache / f"inplay-{name}-{cache_key(rows, intensities)}.parquet"
    if path.exists():
        model = pd.read_parquet(path).to_numpy(float)
        how = f"read from {path}"
    else:
        started = time.perf_counter()
        model = model_outcomes(rows, intensities, jobs)
        pd.DataFrame(model, columns=list(OUTCOMES)).to_parquet(path)
        how = f"computed in {time.perf_counter() - started:.0f} s on {jobs} processes"
    _log(f"{name}: model forecasts {how}")
    base = baseline_outcomes(rows)
    out = rows.assign(outcome=outcome_index(rows["final_h"], rows["final_a"]))
    for k, column in enumerate(OUTCOMES):
        out[f"model_{column}"], out[f"base_{column}"] = model[:, k], base[:, k]
    return out, how


# ---------------------------------------------------------------- sections


def evaluate_goal_minutes(store: Store, cache: Path, jobs: int) -> Evaluation:
    """Data set 1: internationals with timed goals, intensity refitted every 1 January."""
    rows, notes = national_states(store)
    periods = sorted(set(rows["period"]))
    intensities = {p: fit_timing(store, before=p, pool="national") for p in periods}
    _log(f"national: {len(periods)} intensities fitted")
    last = intensities[periods[-1]]
    notes.append(
        f"In-play model refitted on 1 January of each year {periods[0].year}-{periods[-1].year}; the last fit: "
        f"{last.goals} goals in {last.matches} matches, match-day spread {last.match_sd:.2f}."
    )
    ev, how = forecast("national", rows, intensities, cache, jobs)
    return Evaluation("Internationals with every goal timed", ev, notes, how)


def evaluate_half_time(store: Store, cache: Path, jobs: int) -> Evaluation:
    """Data set 2: club matches with a half-time score, intensity refitted every 1 July."""
    rows, notes = club_states(store)
    periods = sorted(set(rows["period"]))
    intensities = {p: fit_timing(store, before=p, pool="club") for p in periods}
    _log(f"club: {len(periods)} intensities fitted")
    spreads = [intensities[p].match_sd for p in periods]
    notes.append(
        f"In-play model refitted on 1 July before each season; match-day spread for clubs "
        f"{min(spreads):.2f}-{max(spreads):.2f}."
    )
    ev, how = forecast("club", rows, intensities, cache, jobs)
    return Evaluation("Club matches with a half-time score", ev, notes, how)


TIE_SOURCES = (*SOURCES, "knockout", "live")
"""The packages a half-time tie forecast runs through."""


def tie_states(store: Store) -> pd.DataFrame:
    """Two-legged ties with a known winner whose second leg has a half-time score (B at home: ``ht_b``-``ht_a``)."""
    return store.df(
        """
        SELECT t.tie_id, ta.name AS team_a, tb.name AS team_b, t.competition_id, m2.date AS leg2_date,
               m1.home_goals AS leg1_a, m1.away_goals AS leg1_b, m2.ht_home_goals AS ht_b, m2.ht_away_goals AS ht_a,
               t.winner_id = t.team_a_id AS a_through
        FROM ties t
        JOIN tie_legs l1 ON l1.tie_id = t.tie_id AND l1.leg_no = 1 JOIN matches m1 ON m1.match_id = l1.match_id
        JOIN tie_legs l2 ON l2.tie_id = t.tie_id AND l2.leg_no = 2 JOIN matches m2 ON m2.match_id = l2.match_id
        JOIN teams ta ON ta.team_id = t.team_a_id JOIN teams tb ON tb.team_id = t.team_b_id
        WHERE t.legs = 2 AND t.winner_id IS NOT NULL AND m2.ht_home_goals IS NOT NULL
          AND m1.home_id = t.team_a_id AND m2.date >= ?
        ORDER BY m2.date, t.tie_id
        """,
        [dt.date(TIES_FROM, 7, 1)],
    )


def tie_forecasts(store: Store, ties: pd.DataFrame) -> pd.DataFrame:
    """P(A through) at kick-off of the second leg, and at half-time from the model and from the baseline.

    The model is :meth:`remontada.LiveForecaster.live` at minute 45 with the half-time
    score. The baseline plays the second half as Poisson goals at half the pre-match
    rates, added to the half-time score, and settles the tie with the same engine
    (the live forecast's own ``settle``: first leg, extra time, shootout).
    """
    live = LiveForecaster(store)
    rows = []
    for k, tie in enumerate(ties.to_dict("records")):
        day = pd.Timestamp(tie["leg2_date"]).date()
        half = live.live(
            tie["team_a"], tie["team_b"], date=day, minute=45, score=(tie["ht_b"], tie["ht_a"]),
            leg1=(tie["leg1_a"], tie["leg1_b"]), competition=tie["competition_id"],
        )  # fmt: skip
        assert half.tie is not None and half.p_home_advances is not None
        kick_off = live.ties.at(half.tie, KICK_OFF)
        assert kick_off.settle is not None
        left = poisson_grid(half.rates[0] / 2, half.rates[1] / 2, max_goals=MAX_GOALS)
        size = MAX_GOALS + 1 + max(tie["ht_b"], tie["ht_a"])
        final = np.zeros((1, size, size))
        final[0, tie["ht_b"] : tie["ht_b"] + MAX_GOALS + 1, tie["ht_a"] : tie["ht_a"] + MAX_GOALS + 1] = left.probs
        base = kick_off.settle(ScoreGrid(final, np.array([float(left.tail)])))
        rows.append(
            {
                "tie_id": tie["tie_id"], "kick_off": float(half.tie.probabilities.p_a),
                "model": 1.0 - half.p_home_advances, "base": float(np.asarray(base.p_a)[0]),
            }
        )  # fmt: skip
        if (k + 1) % 50 == 0:
            _log(f"  ties: {k + 1}/{len(ties)}")
    return pd.DataFrame(rows)


def evaluate_ties(store: Store, cache: Path) -> pd.DataFrame:
    """Data set 3: second legs with a half-time score, P(A through) at half-time (cached)."""
    ties = tie_states(store)
    digest = code_digest(f"inplay-ties-v1|{TIES_FROM}", TIE_SOURCES)
    path = cache / f"inplay-ties-{digest.hexdigest()[:16]}.parquet"
    if path.exists():
        out = pd.read_parquet(path)
    else:
        started = time.perf_counter()
        out = tie_forecasts(store, ties)
        out.to_parquet(path)
        _log(f"ties: forecasts computed in {time.perf_counter() - started:.0f} s")
    return ties.merge(out, on="tie_id")


def print_ties(ev: pd.DataFrame) -> None:
    y = ev["a_through"].to_numpy(float)
    print("### Two-legged ties: P(side A through) at half-time of the second leg\n")
    first, last = pd.Timestamp(ev["leg2_date"].min()), pd.Timestamp(ev["leg2_date"].max())
    print(
        f"{len(ev)} ties with a known winner whose second leg has a half-time score ({first:%Y-%m-%d} to "
        f"{last:%Y-%m-%d}); A went through in {y.mean():.1%}.\n"
    )
    print("| forecast | ties | Brier | log-loss | Brier vs model | log-loss vs model | ECE |")
    print("|---|---|---|---|---|---|---|")
    forecasts = {"model at half-time": "model", "baseline at half-time": "base", "model at kick-off": "kick_off"}
    for label, column in forecasts.items():
        p = ev[column].to_numpy(float)
        versus = "| | |"
        if column != "model":
            d = paired_differences(ev["model"], p, y)
            versus = f"| {d['brier']:+.4f} ± {d['brier_se']:.4f} | {d['log_loss']:+.4f} ± {d['log_loss_se']:.4f} |"
        print(
            f"| {label} | {len(ev)} | {brier(p, y):.4f} | {log_loss(p, y):.4f} {versus} "
            f"{calibration_error(p, y, bins=5):.3f} |"
        )
    print("\n(vs model: the forecast's mean score minus the model's at half-time, per tie, ± one")
    print("standard error; positive means the model is better. ECE over five bins.)\n")


# ---------------------------------------------------------------- tables


def _probs(ev: pd.DataFrame, who: str) -> np.ndarray:
    return ev[[f"{who}_{c}" for c in OUTCOMES]].to_numpy(float)


def _compare(ev: pd.DataFrame) -> dict[str, float]:
    """Mean log-loss and RPS of both; the baseline's log-loss minus the model's per match, with its standard error."""
    y = ev["outcome"].to_numpy()
    model, base = _probs(ev, "model"), _probs(ev, "base")
    lm, lb = outcome_log_loss(model, y), outcome_log_loss(base, y)
    d = lb - lm
    se = float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else float("nan")
    return {
        "n": len(ev), "ll_model": float(lm.mean()), "ll_base": float(lb.mean()), "diff": float(d.mean()), "se": se,
        "rps_model": float(rps(model, y).mean()), "rps_base": float(rps(base, y).mean()),
    }  # fmt: skip


def print_summary(ev: Evaluation) -> None:
    rows = ev.rows
    print(f"### {ev.title}: the final result from the score at each minute\n")
    print(
        "| minute | matches | log-loss model | log-loss baseline | baseline - model | RPS model | RPS baseline "
        "| ECE P(home) model / baseline | ECE P(draw) model / baseline |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for minute, group in rows.groupby("minute", sort=True):
        c = _compare(group)
        y = group["outcome"].to_numpy()
        ece = {
            (who, k): calibration_error(group[f"{who}_{OUTCOMES[k]}"], y == k, bins=10)
            for who in ("model", "base")
            for k in (0, 1)
        }
        label = "0 (kick-off)" if minute == 0 else str(minute)
        print(
            f"| {label} | {c['n']} | {c['ll_model']:.4f} | {c['ll_base']:.4f} | {c['diff']:+.4f} ± {c['se']:.4f} "
            f"| {c['rps_model']:.4f} | {c['rps_base']:.4f} | {ece['model', 0]:.4f} / {ece['base', 0]:.4f} "
            f"| {ece['model', 1]:.4f} / {ece['base', 1]:.4f} |"
        )
    print(
        "\n(baseline - model: the mean per-match difference in 1X2 log-loss ± one paired standard error; positive "
        "means the model is better. ECE: expected calibration error over ten bins of width 0.1.)\n"
    )


def print_by_margin(ev: Evaluation, minute: int) -> None:
    rows = ev.rows[ev.rows["minute"] == minute]
    margin = np.clip(rows["h"] - rows["a"], -2, 2)
    print(f"### {ev.title}: by the score at minute {minute}\n")
    print(
        "| home side at minute {m} | matches | log-loss model | log-loss baseline | baseline - model "
        "| P(draw) model | P(draw) baseline | drawn |".replace("{m}", str(minute))
    )
    print("|---|---|---|---|---|---|---|---|")
    for value, label in MARGINS.items():
        group = rows[(margin == value).to_numpy()]
        if group.empty:
            continue
        c = _compare(group)
        drawn = float((group["outcome"] == 1).mean())
        print(
            f"| {label} | {c['n']} | {c['ll_model']:.4f} | {c['ll_base']:.4f} | {c['diff']:+.4f} ± {c['se']:.4f} "
            f"| {group['model_p_draw'].mean():.3f} | {group['base_p_draw'].mean():.3f} | {drawn:.3f} |"
        )
    print()


def print_reliability(ev: Evaluation, minute: int, bins: int = 5) -> None:
    rows = ev.rows[ev.rows["minute"] == minute]
    won = (rows["outcome"] == 0).to_numpy()
    tables = {who: reliability(rows[f"{who}_p_home"], won, bins=bins).set_index("bin") for who in ("model", "base")}
    print(f"### {ev.title}: reliability of P(home win) at minute {minute}\n")
    print(
        "| forecast | model: matches | mean forecast | home won | ± s.e. | baseline: matches | mean forecast "
        "| home won | ± s.e. |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    width = 1.0 / bins
    for b in range(bins):
        cells = []
        for who in ("model", "base"):
            if b in tables[who].index:
                r = tables[who].loc[b]
                se = np.sqrt(r["observed"] * (1 - r["observed"]) / r["n"])
                cells.append(f"{int(r['n'])} | {r['mean_forecast']:.3f} | {r['observed']:.3f} | {se:.3f}")
            else:
                cells.append("0 | | |")
        print(f"| {b * width:.1f}-{(b + 1) * width:.1f} | " + " | ".join(cells) + " |")
    print()


def print_notes(ev: Evaluation) -> None:
    print(f"Data notes ({ev.title.lower()}):\n")
    for note in ev.notes:
        print(f"- {note}")
    print(f"- Model forecasts {ev.how}.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=Path("benchmarks/.accuracy-cache"))
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    started = time.perf_counter()
    args.cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "store.duckdb") as store:
        national = evaluate_goal_minutes(store, args.cache, args.jobs)
        print_summary(national)
        print_by_margin(national, 60)
        print_reliability(national, 60)
        print_notes(national)
        club = evaluate_half_time(store, args.cache, args.jobs)
        print_summary(club)
        print_by_margin(club, 45)
        print_reliability(club, 45)
        print_notes(club)
        print_ties(evaluate_ties(store, args.cache))
    print(f"Whole run {time.perf_counter() - started:.0f} s (timings on a shared machine).")


if __name__ == "__main__":
    main()
