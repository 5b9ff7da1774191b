"""`make bench`: speed, printed as one line per comparison, measured in this run.

These machines are shared and noisy, so every figure is paired with a baseline
measured in the same run and reported as a ratio; nothing here is a pass/fail test.
"""

from __future__ import annotations

import os

# one thread for numpy (set before it is first imported): the tie section reports one core's throughput
os.environ.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from timing import best_of
from tournament_bench import bench_tournament

from remontada.data.bundle import open_store
from remontada.data.datasets import SHARED_ORDER, import_shared
from remontada.data.queries import training_matches
from remontada.data.rules import UEFA_2021, UEFA_AWAY_GOALS, Rules
from remontada.data.store import Store
from remontada.evaluation.metrics import rps
from remontada.knockout.engine import second_leg_outcomes, two_legs_from_rates
from remontada.models.dixon_coles import DixonColesModel, dixon_coles_loglik
from remontada.models.fitcache import FitCache
from remontada.models.forecast import Forecaster
from remontada.models.grid import DEFAULT_MAX_GOALS
from remontada.models.inplay.process import Intensity, final_score_grid, live_table

GOALS_ONLY = {"half_life_days": 365.0, "shots_weight": 0.0, "market_weight": 0.0, "home_sd": None}
"""Dixon-Coles's settings on goals alone with one home advantage: the default model before issue 16."""


def _files(shared: Path) -> list[Path]:
    out: list[Path] = []
    for entry in SHARED_ORDER:
        path = shared / entry
        out += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return [p for p in out if p.suffix in {".csv", ".txt"}]


def bench_store_build(shared: Path) -> None:
    files = _files(shared)
    start = time.perf_counter()
    rows = 0
    for path in files:  # the floor: just reading every file's text into pandas
        if path.suffix == ".csv":
            rows += len(
                pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", encoding_errors="replace")
            )
        else:
            rows += path.read_text(encoding="utf-8-sig").count("\n")
    bare = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "raw.duckdb")
        start = time.perf_counter()
        import_shared(store, shared)
        full = time.perf_counter() - start
        matches = store.count("matches")
        store.close()
        start = time.perf_counter()
        open_store(Path(tmp) / "bundled.duckdb").close()
        bundled = time.perf_counter() - start
    print(
        f"store build from shared/data ({len(files)} files, {rows} rows, {matches} matches): "
        f"remontada {full:.1f} s, bare pandas read {bare:.1f} s -> {full / bare:.1f}x the bare read (target < 60 s)"
    )
    print(f"default store from the shipped bundle: {bundled:.2f} s -> {full / bundled:.0f}x faster than re-importing")


# Dixon-Coles against penaltyblog (the dev extra pins the version compared against).
# Seasons 2014-15..2023-24; the pooled problem is six top flights fitted together.
SEASONS = (pd.Timestamp("2014-07-01"), pd.Timestamp("2024-07-01"))
ONE_LEAGUE = "eng-1"
POOLED = ("eng-1", "esp-1", "ita-1", "ger-1", "fra-1", "ned-1")
XI = 0.0018  # penaltyblog's documented time decay per day (a half-life of 385 days)
FIXTURES = 10_000


class _OutOfTime(Exception):
    pass


def _window(matches: pd.DataFrame, leagues: tuple[str, ...]) -> pd.DataFrame:
    keep = matches["competition_id"].isin(leagues) & matches["date"].between(*SEASONS, inclusive="left")
    return matches[keep].reset_index(drop=True)


def _teams(frame: pd.DataFrame) -> int:
    return len(np.unique(np.concatenate([frame["home_id"], frame["away_id"]])))


def _ours(frame: pd.DataFrame, weights: np.ndarray) -> DixonColesModel:
    # the same problem penaltyblog solves: these matches, these weights, no prior, no cut-off
    plain = {
        "half_life_days": None, "prior_sd": None, "max_years": 1000.0,
        "shots_weight": 0.0, "market_weight": 0.0, "home_sd": None,
    }  # fmt: skip
    return DixonColesModel(**plain).fit(frame, weights=weights)  # the plain maximum-likelihood Dixon-Coles


def _penaltyblog(frame: pd.DataFrame, weights: np.ndarray) -> Any:
    import penaltyblog as pb

    return pb.models.DixonColesGoalModel(
        frame["home_goals"],
        frame["away_goals"],
        frame["home_id"].astype(str),
        frame["away_id"].astype(str),
        weights=weights,
        neutral_venue=frame["neutral"].astype(int),
    )


def _fit_penaltyblog(model: Any, timeout: float | None = None, **kwargs: Any) -> tuple[float, str, np.ndarray]:
    """Fit; the time, how it ended (penaltyblog raises when scipy does not converge) and where it stopped."""
    seen: dict[str, Any] = {"loss": np.inf, "params": None}
    if timeout is not None:
        loss, deadline = model._loss_function, time.perf_counter() + timeout

        def capped(params: np.ndarray) -> float:
            if time.perf_counter() > deadline:
                raise _OutOfTime
            value = float(loss(params))
            if value < seen["loss"]:
                seen["loss"], seen["params"] = value, params.copy()
            return value

        model._loss_function = capped  # fit() looks the loss up on the instance
    start = time.perf_counter()
    try:
        model.fit(**kwargs)
        status = "converged"
    except _OutOfTime:
        status = "stopped at the time cap"
    except ValueError as error:
        status = f"did not converge: {str(error).split(': ', 1)[-1]}"
    elapsed = time.perf_counter() - start
    # _res rather than params_array, which penaltyblog sets only when the fit converged
    return elapsed, status, model._res.x if model._res is not None else seen["params"]


def _gap(model: Any, params: np.ndarray, ours: DixonColesModel, frame: pd.DataFrame, weights: np.ndarray) -> str:
    """penaltyblog's weighted negative log-likelihood at ``params`` minus ours, computed the same way."""
    n = model.n_teams
    attack, defence, hfa, rho = params[:n], params[n : 2 * n], params[-2], params[-1]
    h = np.array([model.team_to_idx[t] for t in frame["home_id"].astype(str)])
    a = np.array([model.team_to_idx[t] for t in frame["away_id"].astype(str)])
    venue = 1.0 - frame["neutral"].to_numpy(dtype=float)
    lam, mu = np.exp(hfa * venue + attack[h] + defence[a]), np.exp(attack[a] + defence[h])
    nll = -float(np.sum(weights * dixon_coles_loglik(frame["home_goals"], frame["away_goals"], lam, mu, rho)))
    gap = nll + ours.loglik_
    return f"NLL {gap:+.2g} vs remontada's ({gap / -ours.loglik_:+.1e} relative)"


def bench_dixon_coles(pb_timeout: float) -> None:
    try:
        import penaltyblog as pb
    except ImportError:
        print("dixon-coles: penaltyblog is not installed (pip install -c constraints.txt -e '.[dev]'), skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bundled.duckdb")
        matches = training_matches(store)
        store.close()
    ids = "remontada vs penaltyblog " + pb.__version__

    # (a) one league, ten seasons: both libraries' default routes
    league = _window(matches, (ONE_LEAGUE,))
    fits: dict[float, DixonColesModel] = {}
    for label, xi in (("unweighted", 0.0), (f"time decay xi={XI}", XI)):
        weights = np.asarray(pb.models.dixon_coles_weights(league["date"], xi)) if xi else np.ones(len(league))
        ours_time, ours = best_of(lambda w=weights: _ours(league, w), 5)
        runs = [_penaltyblog(league, weights) for _ in range(5)]
        times, statuses, where = zip(*(_fit_penaltyblog(model) for model in runs), strict=True)
        pb_time, status, theirs = min(times), statuses[-1], runs[-1]
        fits[xi] = ours
        print(
            f"dixon-coles one league ({ONE_LEAGUE} 2014-15..2023-24, {len(league)} matches, {_teams(league)} teams, "
            f"{label}; {ids}): remontada {ours_time:.3f} s, penaltyblog {pb_time:.3f} s ({status}, "
            f"{_gap(theirs, where[-1], ours, league, weights)}) -> {pb_time / ours_time:.1f}x"
        )

    # (b) six leagues pooled: penaltyblog's default route, then its numeric-gradient route
    pooled = _window(matches, POOLED)
    weights = np.ones(len(pooled))
    what = f"{len(pooled)} matches, {_teams(pooled)} teams; {', '.join(POOLED)} 2014-15..2023-24, unweighted"
    ours_time, ours = best_of(lambda: _ours(pooled, weights), 3)
    check = f"max |gradient| {ours.grad_norm_:.1e}, {'converged' if ours.converged_ else 'NOT converged'}"
    theirs = _penaltyblog(pooled, weights)
    pb_time, status, params = _fit_penaltyblog(theirs)
    print(
        f"dixon-coles pooled ({what}): remontada {ours_time:.2f} s ({check}), penaltyblog default fit "
        f"{pb_time:.1f} s ({status}, {_gap(theirs, params, ours, pooled, weights)}) -> {pb_time / ours_time:.0f}x"
    )
    theirs = _penaltyblog(pooled, weights)
    pb_time, status, params = _fit_penaltyblog(theirs, timeout=pb_timeout, use_gradient=False)
    shown = f"> {pb_timeout:.0f} s" if status == "stopped at the time cap" else f"{pb_time:.1f} s"
    ratio = (">" if shown.startswith(">") else "") + f"{pb_time / ours_time:.0f}x"
    print(
        f"dixon-coles pooled ({what}): remontada {ours_time:.2f} s ({check}), penaltyblog numeric gradient "
        f"{shown} ({status}, {_gap(theirs, params, ours, pooled, weights)}) -> {ratio} (target >= 50x)"
    )

    # (c) score grids for 10,000 fixtures between the one league's teams (0..10 goals a side), from the same
    # optimum on both sides (penaltyblog's numeric-gradient fit, as its default stops ~2e-3 short in ratings)
    ours = fits[0.0]
    theirs = _penaltyblog(league, np.ones(len(league)))
    status = _fit_penaltyblog(theirs, use_gradient=False, minimizer_options={"ftol": 1e-10})[1]
    if not theirs.fitted:
        print(f"score grids: penaltyblog's one-league fit {status}, so it has no grids to time; skipped")
        return
    rng = np.random.default_rng(0)
    teams = np.unique(league["home_id"])
    home = rng.integers(len(teams), size=FIXTURES)
    away = (home + rng.integers(1, len(teams), size=FIXTURES)) % len(teams)
    pairs = np.stack([teams[home], teams[away]], axis=1)
    ours_time, grids = best_of(lambda: ours.grids(pairs[:, 0], pairs[:, 1]), 5)
    labels = pairs.astype(str)
    # max_goals=11 is penaltyblog's grid size (0..10); unnormalised, as ours reports the tail beyond instead
    home_labels, away_labels = labels[:, 0], labels[:, 1]
    pb_time, their_grids = best_of(
        lambda: theirs.predict_many(home_labels, away_labels, max_goals=11, normalize=False), 2
    )
    diff = max(float(np.max(np.abs(g.grid - p))) for g, p in zip(their_grids, grids.probs, strict=True))
    print(
        f"score grids for {FIXTURES} fixtures (11x11 Dixon-Coles, {ids}): remontada {ours_time * 1000:.1f} ms, "
        f"penaltyblog predict_many {pb_time:.2f} s -> {pb_time / ours_time:.0f}x (grids agree to {diff:.0e})"
    )


# Knockout ties: the exact engine's throughput, then against a Monte Carlo of the same ties.
TIES, TIES_BEFORE, MC_TIES, MC_SAMPLES = 100_000, 10_000, 200, 10_000
TIE_RHO, ET_FACTOR = -0.06, 0.84
LIVERPOOL_ATALANTA = (1.85, 1.41, -0.05, (0, 3))  # leg-2 rates (Atalanta at home, Liverpool), rho, leg 1 (A, B)


def _random_ties(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Realistic ties: goal rates 0.4-2.8 per leg, first-leg scores 0-4 a side."""
    rates = rng.uniform(0.4, 2.8, size=(4, n))
    scores = rng.integers(0, 5, size=(2, n))
    return {"home": rates[0], "away": rates[1], "h1": rates[2], "a1": rates[3], "g1": scores[0], "g2": scores[1]}


def _monte_carlo(
    home: np.ndarray,
    away: np.ndarray,
    rho: np.ndarray,
    leg1: tuple[np.ndarray, np.ndarray],
    rules: Rules,
    shootout_a: np.ndarray,
    rng: np.random.Generator,
    samples: int = MC_SAMPLES,
    max_goals: int = 15,
) -> np.ndarray:
    """P(A through) by simulation, independently of the engine: leg 2 (B at home), extra time, shootout."""
    from scipy.stats import poisson

    if not rules.penalties or rules.legs != 2:
        raise ValueError("the Monte Carlo plays two legs settled by a shootout")
    size = max_goals + 1
    goals = np.arange(size)
    # the Dixon-Coles grid (rows B's goals, columns A's), normalised: its tail beyond 15 goals is below 1e-6
    grid = poisson.pmf(goals, home[:, None])[:, :, None] * poisson.pmf(goals, away[:, None])[:, None, :]
    grid[:, 0, 0] *= 1 - home * away * rho
    grid[:, 0, 1] *= 1 + home * rho
    grid[:, 1, 0] *= 1 + away * rho
    grid[:, 1, 1] *= 1 - rho
    cdf = np.cumsum(grid.reshape(len(home), -1), axis=1)
    cdf /= cdf[:, -1:]
    cells = np.stack([np.searchsorted(row, rng.random(samples), side="right") for row in cdf])
    i, j = np.divmod(np.minimum(cells, size * size - 1), size)  # B's goals, A's goals in leg 2
    lead = (leg1[0] - leg1[1])[:, None] + j - i  # A's aggregate lead
    away_lead = j - leg1[1][:, None] if rules.away_goals else np.zeros_like(lead)  # A's away goals minus B's
    a_through = (lead > 0) | ((lead == 0) & (away_lead > 0))
    level = (lead == 0) & (away_lead == 0)
    ties, _ = np.nonzero(level)
    et_a = np.zeros(len(ties), dtype=np.int64)
    if rules.extra_time:  # 30 minutes at B's ground, Poisson at the leg's rates times the factor
        et_b = rng.poisson(home[ties] * ET_FACTOR / 3)
        et_a = rng.poisson(away[ties] * ET_FACTOR / 3)
        et_lead = et_a - et_b
    else:
        et_lead = np.zeros(len(ties), dtype=np.int64)
    if rules.away_goals_in_extra_time:
        et_lead = np.where(et_lead == 0, away_lead[level] + et_a, et_lead)  # B scores no away goals at home
    shootout = rng.random(len(ties)) < shootout_a[ties]
    a_through[level] = np.where(et_lead != 0, et_lead > 0, shootout)
    out: np.ndarray = a_through.mean(axis=1)
    return out


def _tie_throughput(ties: dict[str, np.ndarray], rules: Rules) -> None:
    between, _ = best_of(
        lambda: two_legs_from_rates(
            ties["home"], ties["away"], rules, rho=TIE_RHO, leg1_score=(ties["g1"], ties["g2"]),
            extra_time_factor=ET_FACTOR,
        ),
        3,
    )  # fmt: skip
    first = {key: value[:TIES_BEFORE] for key, value in ties.items()}
    before, _ = best_of(
        lambda: two_legs_from_rates(
            first["home"], first["away"], rules, rho=TIE_RHO, leg1_rates=(first["h1"], first["a1"]),
            extra_time_factor=ET_FACTOR,
        ),
        3,
    )  # fmt: skip
    print(
        f"ties from rates, one core ({rules.name}, rho {TIE_RHO}, extra-time factor {ET_FACTOR}): {TIES:,} between "
        f"the legs {between * 1000:.0f} ms, {TIES_BEFORE:,} before the first leg {before * 1000:.0f} ms "
        f"-> {TIES / between:,.0f} and {TIES_BEFORE / before:,.0f} ties/s (target >= 100,000 ties/s)"
    )


def _tie_against_monte_carlo(mix: dict[str, np.ndarray], rules: Rules) -> None:
    home, away, a1, b1, rho, shootout_a = (mix[key] for key in ("home", "away", "g1", "g2", "rho", "shootout_a"))
    exact_time, exact = best_of(
        lambda: (
            two_legs_from_rates(
                home, away, rules, rho=rho, leg1_score=(a1, b1), extra_time_factor=ET_FACTOR, shootout_a=shootout_a
            ).p_a
        ),
        3,
    )
    mc_time, mc = best_of(
        lambda: _monte_carlo(home, away, rho, (a1, b1), rules, shootout_a, np.random.default_rng(7)), 3
    )
    error = np.abs(mc - exact)
    se = np.sqrt(exact * (1 - exact) / MC_SAMPLES)
    # in standard errors, floored at that of p = 10 / samples, as the normal tail understates a handful of hits
    z = error / np.maximum(se, np.sqrt(10 / MC_SAMPLES) / MC_SAMPLES)
    print(
        f"ties against Monte Carlo ({MC_TIES} ties between the legs, {rules.name}, {MC_SAMPLES:,} samples each): "
        f"MC's P(A through) off by {error.mean():.4f} on average, {error.max():.4f} at most (standard error "
        f"{se.mean():.4f} on average, {se.max():.4f} at most; worst {z.max():.1f} SE); MC "
        f"{mc_time / MC_TIES * 1e3:.2f} ms a tie, exact {exact_time / MC_TIES * 1e6:.1f} us a tie "
        f"-> {mc_time / exact_time:.0f}x (target >= 100x)"
    )
    if rules is UEFA_2021:
        print(
            f"Liverpool 0-3 Atalanta (leg 2 rates {home[0]} Atalanta at home, {away[0]} Liverpool; rho {rho[0]}): "
            f"P(Liverpool through) exact {exact[0]:.4f}, MC {mc[0]:.4f} (standard error {se[0]:.4f})"
        )
    for k in np.flatnonzero(z > 5):
        print(
            f"WARNING: Monte Carlo and the exact engine disagree by {z[k]:.1f} SE ({rules.name}, leg 2 rates "
            f"{home[k]:.2f}-{away[k]:.2f}, first leg {a1[k]}-{b1[k]}): exact {exact[k]:.4f}, MC {mc[k]:.4f}"
        )


def bench_ties() -> None:
    rng = np.random.default_rng(2024)
    ties = _random_ties(rng, TIES)
    for rules in (UEFA_2021, UEFA_AWAY_GOALS):
        _tie_throughput(ties, rules)
    for rules in (UEFA_2021, UEFA_AWAY_GOALS):
        mix = _random_ties(rng, MC_TIES)  # the first tie is Liverpool 0-3 Atalanta, the rest random
        mix["rho"] = np.full(MC_TIES, TIE_RHO)
        mix["shootout_a"] = rng.uniform(0.4, 0.6, MC_TIES)
        mix["home"][0], mix["away"][0], mix["rho"][0], (mix["g1"][0], mix["g2"][0]) = LIVERPOOL_ATALANTA
        mix["shootout_a"][0] = 0.5
        _tie_against_monte_carlo(mix, rules)


def bench_live() -> None:
    """Live updates and whole-match curves from the backward pass, against re-running the chain each time.

    Two cases: the Bergamo second leg (P(Atalanta through), Atalanta 3 up from the first
    leg) and a league match (P(home win) and P(away win), two tables). A curve is every
    minute 0..90 of a goal timeline read from the tables, as ``remontada replay`` does;
    the baseline recomputes the final-score grid from each minute with the forward
    chain. The full forecast at a moment (routes, grid) is that forward chain too.
    """
    intensity = Intensity(
        profile=np.concatenate([np.full(44, 0.9), [1.9], np.full(44, 1.02), [3.6]]),
        home_state=np.array([0.27, 0.19, 0.0, -0.08, -0.05]),
        away_state=np.array([0.37, 0.18, 0.0, -0.03, 0.06]),
        se_home_state=np.zeros(5), se_away_state=np.zeros(5), matches=0, goals=0, match_sd=0.1,
    )  # fmt: skip  # shaped like the store's fit
    intensity = replace(intensity, profile=intensity.profile / intensity.profile.mean())
    g = np.arange(DEFAULT_MAX_GOALS + 1)
    cells = second_leg_outcomes(0, 3, UEFA_2021)
    through = np.where(cells == 1, 1.0, np.where(cells == -1, 0.0, 0.5))
    _bench_live_case("tie (Atalanta v Liverpool, Atalanta 3 up)", intensity, 1.20, 1.46, 3, [through])
    wins = [(g[:, None] > g[None, :]) * 1.0, (g[:, None] < g[None, :]) * 1.0]
    _bench_live_case("match (1X2: home and away win)", intensity, 1.55, 1.10, 0, wins)


def _bench_live_case(
    name: str, intensity: Intensity, home: float, away: float, lead: int, terminals: list[np.ndarray]
) -> None:
    live_table(home, away, intensity, terminals[0], lead=lead)  # compile
    build, tables = best_of(lambda: [live_table(home, away, intensity, t, lead=lead) for t in terminals], 5)
    update, _ = best_of(lambda: [t.at(67, 0, 1) for t in tables], 50)
    timeline = [int(m >= 7) for m in range(91)]
    curve, _ = best_of(lambda: [[t.at(m, 0, timeline[m]) for m in range(91)] for t in tables], 5)

    def rerun(minute: int, score: tuple[int, int]) -> list[float]:
        grid = final_score_grid(home, away, intensity, minute=minute, score=score, lead=lead)
        return [float(np.sum(grid.probs * t)) for t in terminals]

    naive_update, _ = best_of(lambda: rerun(67, (0, 1)), 5)
    naive_curve, _ = best_of(lambda: [rerun(m, (0, timeline[m])) for m in range(0, 91, 10)], 2)
    naive_curve *= 91 / 10  # timed on every tenth minute, scaled to all 91
    print(
        f"live {name}, {len(tables[0].prior)} balance nodes: tables {build * 1e3:.1f} ms once, then an update "
        f"{update * 1e6:.0f} us (target < 1 ms) against {naive_update * 1e3:.1f} ms re-running the chain -> "
        f"{naive_update / update:.0f}x; a whole-match curve {(build + curve) * 1e3:.1f} ms with the tables "
        f"(target < 50 ms) against {naive_curve * 1e3:.0f} ms -> {naive_curve / (build + curve):.0f}x"
    )


def _until_ready(url: str) -> None:
    """GET ``url`` until it answers 200 (a 503 says the answer is still being worked out: ask again)."""
    import httpx

    while (response := httpx.get(url, timeout=120.0)).status_code == 503:
        time.sleep(1.0)
    response.raise_for_status()


async def _load(base: str, paths: list[str], seconds: float, rate: float) -> tuple[list[float], int]:
    """Open-loop load: ``rate`` requests a second for ``seconds`` seconds, cycling over ``paths``.

    Requests are fired on a fixed schedule whether or not earlier ones have answered,
    so a slow server cannot slow the load down. Returns the latencies and the number
    of replies that were not a 200.
    """
    import asyncio

    import httpx

    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(base_url=base, timeout=10.0) as client:

        async def one(path: str) -> None:
            nonlocal errors
            sent = time.perf_counter()
            try:
                response = await client.get(path)
                errors += response.status_code != 200
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - sent)

        tasks = []
        start = time.perf_counter()
        for k in range(int(seconds * rate)):
            await asyncio.sleep(max(0.0, start + k / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one(paths[k % len(paths)])))
        await asyncio.gather(*tasks)
    return latencies, errors


async def _while_fitting(
    base: str, paths: list[str], uncached: list[str], seconds: float, rate: float
) -> tuple[list[float], int, int]:
    """:func:`_load` on ``paths`` while the ``uncached`` requests (a model fit each) are being worked out.

    Returns the load's latencies and errors, and how many of the uncached requests
    were still unanswered when the load ended (all of them: the load ran inside the fits).
    """
    import asyncio

    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=120.0) as client:
        slow = [asyncio.create_task(client.get(path)) for path in uncached]
        await asyncio.sleep(0.2)  # the fits have started
        latencies, errors = await _load(base, paths, seconds, rate)
        pending = sum(not task.done() for task in slow)
        await asyncio.gather(*slow, return_exceptions=True)
    return latencies, errors, pending


def bench_web(seconds: float = 10.0, rate: float = 200.0, stall_seconds: float = 4.0, fits: int = 2) -> None:
    """Latency of the web API under a fixed request rate, on loopback, against a static file served alike.

    ``remontada serve`` runs in its own process on a free port of 127.0.0.1 over a
    fresh store; an open-loop client (requests fired on a fixed schedule, whether or
    not earlier ones have answered, so a slow server cannot slow the load down) sends
    ``rate`` requests a second for ``seconds`` seconds: the tie endpoint, and the live
    endpoint over every minute 0..90 of the Bergamo second leg at three scores. The
    first pass computes each answer, later passes are answered from the app's
    memory of them, as a crowd watching one match would be; the cold figures are
    the first pass's. The baseline is the same load on a static file.

    The stall: remembered answers for ``stall_seconds`` while ``fits`` forecasts on
    new dates (a model fit each, seconds of work) are being worked out, against the
    same load with nothing else to do. Before issue 12 one lock held every request
    behind a fit; now a remembered answer never waits for one.
    """
    import asyncio
    import socket
    import subprocess

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "web.duckdb"
        open_store(db).close()
        server = subprocess.Popen(
            [sys.executable, "-c", "from remontada.app.cli import main; main()", "serve", "--port", str(port), "--db",
             str(db)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(base + "/openapi.json", timeout=1.0)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the web server did not start") from None
                    time.sleep(0.2)
            tie = "/api/tie?team_a=Liverpool&team_b=Atalanta&date=2024-04-18"
            live = [
                f"/api/live?team_a=Liverpool&team_b=Atalanta&date=2024-04-18&minute={m}&score={s}"
                for s in ("0-0", "0-1", "1-1") for m in range(91)
            ]  # fmt: skip
            started = time.perf_counter()
            _until_ready(base + tie)  # the model fits as of the date: once, before the clock starts
            _until_ready(base + live[0])
            warm = time.perf_counter() - started

            cold = []
            for path in live:  # the first pass, one at a time: what computing an answer costs
                sent = time.perf_counter()
                httpx.get(base + path, timeout=30.0)
                cold.append(time.perf_counter() - sent)
            mixed = [tie if k % 4 == 0 else live[k % len(live)] for k in range(len(live) * 4)]
            api, api_errors = asyncio.run(_load(base, mixed, seconds, rate))
            static, static_errors = asyncio.run(_load(base, ["/static/app.css"], seconds, rate))
            quiet, quiet_errors = asyncio.run(_load(base, live, stall_seconds, rate / 2))
            uncached = [f"/api/tie?team_a=Liverpool&team_b=Atalanta&date=2023-{m:02d}-01" for m in range(1, fits + 1)]
            busy, busy_errors, pending = asyncio.run(_while_fitting(base, live, uncached, stall_seconds, rate / 2))
        finally:
            server.terminate()
            server.wait(timeout=30)

    def pct(values: list[float], q: float) -> float:
        return float(np.percentile(values, q)) * 1e3

    print(
        f"web API at {rate:.0f} requests/s for {seconds:.0f} s on loopback (tie and live endpoints, the Bergamo "
        f"second leg at every minute and three scores; fits as of the date {warm:.1f} s once): "
        f"p50 {pct(api, 50):.1f} ms, p99 {pct(api, 99):.1f} ms, {api_errors} errors of {len(api)} "
        f"(target p99 < 50 ms, 0 errors); the same load on a static file p50 {pct(static, 50):.1f} ms, "
        f"p99 {pct(static, 99):.1f} ms, {static_errors} errors -> API p99 {pct(api, 99) / pct(static, 99):.1f}x "
        f"the static file's; computing a live answer (first pass, one at a time) p50 {pct(cold, 50):.1f} ms, "
        f"p99 {pct(cold, 99):.1f} ms"
    )
    print(
        f"web stall: remembered live answers at {rate / 2:.0f} requests/s for {stall_seconds:.0f} s while {fits} "
        f"forecasts on new dates were being fitted ({pending} of them still unanswered at the end): p50 "
        f"{pct(busy, 50):.1f} ms, p99 {pct(busy, 99):.1f} ms, {busy_errors} errors of {len(busy)}; the same load "
        f"with nothing being fitted p50 {pct(quiet, 50):.1f} ms, p99 {pct(quiet, 99):.1f} ms, {quiet_errors} errors "
        f"-> p50 {pct(busy, 50) / pct(quiet, 50):.1f}x, p99 {pct(busy, 99) / pct(quiet, 99):.1f}x (before issue 12: "
        "each waited for the fits, seconds)"
    )


# Waiting: a repeated command reads its fits from the cache beside the store (remontada.models.fitcache).
CLI = "from remontada.app.cli import main; main()"
LIVE_ARGS = ["live", "Liverpool", "Atalanta", "--leg1", "Liverpool 0-3 Atalanta", "--date", "2024-04-18",
             "--at", "60", "--score", "Atalanta 0-1 Liverpool", "--json"]  # fmt: skip
TIE_ARGS = ["tie", "Liverpool", "Atalanta", "--date", "2024-04-18", "--json"]
TOURNAMENT_ARGS = {  # whole competitions from the store, 100,000 simulations (the default)
    "Europa League from the round under way": ["--competition", "uefa-el", "--season", "2023-24", "--date",
                                               "2024-04-18"],
    "World Cup 2022 on its eve": ["--competition", "FIFA World Cup", "--season", "2022", "--date", "2022-11-20"],
    "Champions League 2022-23 group stage": ["--competition", "uefa-cl", "--season", "2022-23", "--date",
                                             "2022-10-20"],
}  # fmt: skip


def _wall(args: list[str], code: str = CLI) -> float:
    """Seconds a user waits for one command, the interpreter's start included."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True)
    return time.perf_counter() - start


# What any command pays before it does anything: the interpreter and the stacks it cannot do without.
FLOOR = "import pandas, duckdb, typer"


def bench_cache() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.duckdb"
        open_store(db).close()
        floor = min(_wall(["--help"]) for _ in range(3))
        warm_of = {}
        for name, args in (("live", LIVE_ARGS), ("tie", TIE_ARGS)):
            shutil.rmtree(db.with_name(db.name + ".cache"), ignore_errors=True)  # cold: no fits kept yet
            cold = _wall([*args, "--db", str(db)])
            warm = warm_of[name] = min(_wall([*args, "--db", str(db)]) for _ in range(3))
            print(
                f"CLI {name} (Liverpool-Atalanta 2024-04-18), whole command: cold {cold:.2f} s, warm {warm:.2f} s "
                f"-> {cold / warm:.1f}x faster warm (of which starting the CLI, `remontada --help`: {floor:.2f} s)"
            )
        base = min(_wall([], FLOOR) for _ in range(5))
        start_up = min(_wall([], "import remontada.app.cli") for _ in range(5))
        print(
            f"CLI start-up against `python -c '{FLOOR}'` ({base:.2f} s, what no command can avoid): "
            f"import remontada.app.cli {start_up:.2f} s ({start_up / base:.2f}x), warm tie {warm_of['tie']:.2f} s "
            f"({warm_of['tie'] / base:.2f}x), warm live {warm_of['live']:.2f} s ({warm_of['live'] / base:.2f}x)"
        )
        for label, args in TOURNAMENT_ARGS.items():
            _wall(["tournament", *args, "--json", "--db", str(db)])  # the fits, once
            warm = min(_wall(["tournament", *args, "--json", "--db", str(db)]) for _ in range(2))
            ratio = warm / warm_of["tie"]
            print(f"CLI tournament, {label}, whole command warm: {warm:.2f} s -> {ratio:.1f}x a warm tie")
        with Store.open(db, read_only=True) as store:
            day = dt.date(2024, 4, 18)
            fresh, _ = best_of(lambda: Forecaster(store, cache=FitCache(store, enabled=False)).fitted(day), 3)
            cached, _ = best_of(lambda: Forecaster(store).fitted(day), 3)
            goals, _ = best_of(
                lambda: Forecaster(store, cache=FitCache(store, enabled=False), **GOALS_ONLY).fitted(day), 3
            )
        print(
            f"default model fitted as of {day} on the club pool: fresh {fresh:.2f} s, "
            f"from the cache {cached * 1000:.0f} ms -> {fresh / cached:.0f}x; against Dixon-Coles on goals alone "
            f"(the default before issue 16, {goals:.2f} s): {fresh / goals:.2f}x (target <= 2x)"
        )


# Many dates: match --batch fitted as of every row's date (daily) against once a week (weekly).
BIG5 = ("premier-league", "la-liga", "serie-a", "bundesliga", "ligue-1")


def big5_batch(shared: Path, seasons: tuple[str, ...]) -> pd.DataFrame:
    """A match --batch input from football-data's big-5 files: ``date, home, away`` and the result."""
    frames = [
        pd.read_csv(shared / "football-data" / league / f"season-{season}.csv", encoding="utf-8-sig")
        for league in BIG5
        for season in seasons
    ]
    games = pd.concat(frames, ignore_index=True).rename(
        columns={"Date": "date", "HomeTeam": "home", "AwayTeam": "away"}
    )
    return games[["date", "home", "away", "FTHG", "FTAG"]].sort_values("date", kind="stable").reset_index(drop=True)


def bench_batch(shared: Path, days: int) -> None:
    games = big5_batch(shared, ("2324",))
    first = pd.Timestamp(games["date"].iloc[0]) + pd.Timedelta(days=60)
    rows = games[
        (pd.to_datetime(games["date"]) >= first) & (pd.to_datetime(games["date"]) < first + pd.Timedelta(days=days))
    ]
    outcome = np.sign(rows["FTAG"].to_numpy() - rows["FTHG"].to_numpy()) + 1  # 0 home win, 1 draw, 2 away win
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.duckdb"
        open_store(db).close()
        with Store.open(db, read_only=True) as store:
            timings, scores = {}, {}
            for refit in ("daily", "weekly"):
                forecaster = Forecaster(store, cache=FitCache(store, enabled=False))
                start = time.perf_counter()
                out = forecaster.batch(rows[["date", "home", "away"]], refit=refit)
                timings[refit] = time.perf_counter() - start
                scores[refit] = float(rps(out[["p_home", "p_draw", "p_away"]].to_numpy(), outcome).mean())
    print(
        f"match --batch, big-5 rows over {days} days of 2023-24 ({len(rows)} rows, {rows['date'].nunique()} dates, "
        f"dixon-coles): daily {timings['daily']:.0f} s, weekly {timings['weekly']:.0f} s -> "
        f"{timings['daily'] / timings['weekly']:.1f}x; RPS daily {scores['daily']:.4f}, weekly {scores['weekly']:.4f}"
    )


def bench_five_seasons(shared: Path) -> None:
    """The whole `match --batch --refit weekly` command over five seasons of the big-5, as a user runs it."""
    games = big5_batch(shared, ("1920", "2021", "2122", "2223", "2324"))
    with tempfile.TemporaryDirectory() as tmp:
        batch, db = Path(tmp) / "big5.csv", Path(tmp) / "store.duckdb"
        games[["date", "home", "away"]].to_csv(batch, index=False)
        open_store(db).close()
        command = [sys.executable, "-c", "from remontada.app.cli import main; main()", "match", "--batch", str(batch)]
        start = time.perf_counter()
        subprocess.run(
            [*command, "--refit", "weekly", "--out", str(Path(tmp) / "out.csv"), "--db", str(db)],
            check=True,
            capture_output=True,
        )
        weekly = time.perf_counter() - start
        # the daily baseline over all 935 dates takes most of an hour: time its first 60 dates, per date
        first = games[games["date"] < sorted(games["date"].unique())[60]]
        first[["date", "home", "away"]].to_csv(batch, index=False)
        shutil.rmtree(Path(tmp) / "store.duckdb.cache", ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(
            [*command, "--out", str(Path(tmp) / "out.csv"), "--db", str(db)], check=True, capture_output=True
        )
        per_date = (time.perf_counter() - start) / 60
    dates = games["date"].nunique()
    print(
        f"match --batch, five seasons of the big-5 (2019-20..2023-24, {len(games)} rows on {dates} dates), whole "
        f"command: --refit weekly {weekly:.0f} s; daily refits {per_date:.2f} s a date over the first 60 dates -> "
        f"about {per_date * dates / 60:.0f} minutes for all {dates} -> weekly {per_date * dates / weekly:.0f}x faster"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared/data"))
    parser.add_argument(
        "--only",
        choices=["store", "dixon-coles", "ties", "live", "web", "cache", "batch", "five-seasons", "tournament"],
        help="run one section only",
    )
    parser.add_argument("--batch-days", type=int, default=28, help="days of big-5 matches in the batch section")
    parser.add_argument(
        "--pb-timeout", type=float, default=420.0, help="seconds before penaltyblog's numeric-gradient fit is cut off"
    )
    args = parser.parse_args()
    if args.only in (None, "store"):
        if not args.shared.is_dir():
            raise SystemExit(f"no shared data at {args.shared}")
        bench_store_build(args.shared.resolve())
    if args.only in (None, "dixon-coles"):
        bench_dixon_coles(args.pb_timeout)
    if args.only in (None, "ties"):
        bench_ties()
    if args.only in (None, "live"):
        bench_live()
    if args.only in (None, "web"):
        bench_web()
    if args.only in (None, "cache"):
        bench_cache()
    if args.only == "five-seasons":  # a few minutes: not part of the default run
        bench_five_seasons(args.shared.resolve())
    if args.only in (None, "batch"):
        bench_batch(args.shared.resolve(), args.batch_days)
    if args.only in (None, "tournament"):
        bench_tournament()


if __name__ == "__main__":
    main()
