"""`make bench --only tournament`: whole-competition Monte Carlo, against a plain Python loop, in one run.

What is measured, and why:

1. ``world-cup-48`` (12 groups of four, eight best thirds, a round of 32): 100,000 simulations
   on one core (``scheduler="inline"``, numba compiled beforehand by a small run), against a
   plain per-simulation Python loop written here (each score drawn with ``rng.choice`` on its
   grid, tables ranked with dicts and sorts on points, goal difference and goals, thirds
   ranked and looked up in the allocation table, knockouts by a uniform against the pair's
   probability) run on fewer simulations and scaled. That loop is what one writes first; the
   ratio says what vectorising over simulations and ranking in numba buy. Targets: at least
   20x, and under 3 s for 100,000.
2. The same for ``uefa-league-phase`` (one table of 36 on eight fixtures a club, eight UEFA
   tie-breakers, play-offs with drawn slots, two-legged ties to the final).
3. Peak traced memory of 10,000, 100,000 and 300,000 simulations: the engine works in chunks
   of 10,000, so the peak should stay flat (it grows with teams times stages, not with
   simulations times matches).
4. 1,000,000 simulations on a two-worker ``distributed.LocalCluster`` against one core's
   time for the same run divided by the workers (target within 1.3x), and whether the
   counts equal the inline run's for the same seed (they must: chunks are seeded by index).

No store is needed: the plans are built here from synthetic strengths (log-rates spread
like real national teams' and clubs'), the formats' own fixtures (every pair of a group once;
a valid league-phase schedule of eight opponents, four at home, two from each pot), score
grids from :func:`~remontada.models.grid.poisson_grid` and pair probabilities from the exact
tie engine for each rules the rounds use.
"""

from __future__ import annotations

import itertools
import logging
import time
import tracemalloc

import numpy as np
from timing import best_of

from remontada.data.rules import Rules
from remontada.knockout.engine import extra_time_grid, single_match, two_legs_from_rates
from remontada.models.grid import poisson_grid
from remontada.tournaments.formats import Format, load_format
from remontada.tournaments.simulate import CHUNK, Counts, Plan, simulate

SEED = 2026
RHO = -0.05
ET_FACTOR = 0.9  # extra-time goals per minute, relative to the match's
BASE = np.log(1.3)  # goals a side between two average teams
HOME = 0.25  # clubs' home advantage, in log-rate
SIMS = 100_000
LOOP_SIMS = 2_000  # the Python loop's simulations, scaled up to SIMS
MEMORY_SIMS = (10_000, 100_000, 300_000)
DASK_SIMS = 1_000_000
DASK_WORKERS = 2


# -- plans ------------------------------------------------------------------------------


def _strengths(rng: np.random.Generator, n: int, spread: float) -> tuple[np.ndarray, np.ndarray]:
    """Attack and defence log-rates, strongest first: one strength each, plus a little of their own."""
    overall = np.sort(rng.normal(0.0, spread, n))[::-1]
    return overall + rng.normal(0.0, 0.1, n), overall + rng.normal(0.0, 0.1, n)


def _rate(attack: np.ndarray, defence: np.ndarray, a: np.ndarray, b: np.ndarray, home: float) -> np.ndarray:
    """``a``'s goal rate against ``b`` (``home`` added to the log-rate when ``a`` is at home)."""
    return np.exp(BASE + home + attack[a] - defence[b])


def _advance(fmt: Format, attack: np.ndarray, defence: np.ndarray) -> dict[str, np.ndarray]:
    """For each rules name of the rounds, P(a through against b, a at home first) from the tie engine."""
    n = len(attack)
    a, b = (x.ravel() for x in np.meshgrid(np.arange(n), np.arange(n), indexing="ij"))
    off = a != b
    a, b = a[off], b[off]
    rules_by_name: dict[str, Rules] = {r.rules.name: r.rules for r in fmt.rounds}
    out: dict[str, np.ndarray] = {}
    for name, rules in rules_by_name.items():
        if rules.legs == 1:  # the World Cup's ties, and a club final: a neutral venue
            ra, rb = _rate(attack, defence, a, b, 0.0), _rate(attack, defence, b, a, 0.0)
            grid = poisson_grid(ra, rb, RHO)
            p = single_match(grid, rules, extra_time=extra_time_grid(ra, rb, ET_FACTOR)).p_a
        else:  # a at home first; the second leg at b's
            p = two_legs_from_rates(
                _rate(attack, defence, b, a, HOME), _rate(attack, defence, a, b, 0.0), rules, rho=RHO,
                leg1_rates=(_rate(attack, defence, a, b, HOME), _rate(attack, defence, b, a, 0.0)),
                extra_time_factor=ET_FACTOR,
            ).p_a  # fmt: skip
        matrix = np.full((n, n), 0.5)
        matrix[a, b] = p
        out[name] = matrix
    return out


def _plan(
    fmt: Format, tables: tuple[np.ndarray, ...], home: np.ndarray, away: np.ndarray, attack: np.ndarray,
    defence: np.ndarray, home_advantage: float,
) -> Plan:  # fmt: skip
    n = len(attack)
    grid = poisson_grid(
        _rate(attack, defence, home, away, home_advantage), _rate(attack, defence, away, home, 0.0), RHO
    )
    size = grid.probs.shape[-1]
    probs = grid.probs.reshape(len(home), size * size)
    cdf = np.cumsum(probs / probs.sum(1, keepdims=True), axis=1)
    unplayed = np.full(len(home), -1, np.int64)
    return Plan(
        fmt, tuple(f"team {i + 1}" for i in range(n)), home, away, unplayed, unplayed.copy(), cdf, size, tables,
        _advance(fmt, attack, defence),
    )  # fmt: skip


def world_cup_plan(seed: int = SEED) -> Plan:
    """48 national teams drawn into 12 groups from four pots by strength; every pair of a group meets once."""
    fmt = load_format("world-cup-48")
    assert fmt.groups is not None
    rng = np.random.default_rng(seed)
    groups, size = len(fmt.groups.names), fmt.groups.size
    attack, defence = _strengths(rng, groups * size, 0.3)
    pots = np.arange(groups * size).reshape(size, groups)  # pot k: the k-th twelve by strength
    tables = tuple(np.sort(t) for t in np.stack([rng.permutation(pot) for pot in pots], axis=1))
    pairs = [(a, b) if rng.random() < 0.5 else (b, a) for t in tables for a, b in itertools.combinations(t, 2)]
    home, away = (np.array(side, np.int64) for side in zip(*pairs, strict=True))
    return _plan(fmt, tables, home, away, attack, defence, 0.0)


def league_phase_fixtures(rng: np.random.Generator, pots: int = 4, per_pot: int = 9) -> tuple[np.ndarray, np.ndarray]:
    """A valid league phase: each club meets two of every pot (one at home, one away), no pairing twice.

    Within a pot, club ``i`` hosts ``i + 1`` (a cycle); between pots ``p < q``, club ``i`` of
    ``p`` hosts club ``i + s`` of ``q`` and visits club ``i + t`` (``s != t``), with the
    clubs shuffled within their pots first. Every club has ``2 * pots`` different opponents.
    """
    clubs = [rng.permutation(np.arange(p * per_pot, (p + 1) * per_pot)) for p in range(pots)]
    home: list[int] = []
    away: list[int] = []
    for p in range(pots):
        for q in range(p, pots):
            s, t = (1, per_pot - 1) if p == q else rng.choice(per_pot, 2, replace=False)
            for i in range(per_pot):
                home.append(clubs[p][i])
                away.append(clubs[q][(i + s) % per_pot])
                if p != q:
                    home.append(clubs[q][(i + t) % per_pot])
                    away.append(clubs[p][i])
    return np.array(home, np.int64), np.array(away, np.int64)


def league_phase_plan(seed: int = SEED) -> Plan:
    """36 clubs in one table, four pots of nine by strength, eight fixtures each."""
    fmt = load_format("uefa-league-phase")
    assert fmt.league is not None
    rng = np.random.default_rng(seed)
    n = fmt.league.size
    attack, defence = _strengths(rng, n, 0.3)
    home, away = league_phase_fixtures(rng)
    return _plan(fmt, (np.arange(n),), home, away, attack, defence, HOME)


def _check_league_phase(plan: Plan) -> None:
    n = plan.n
    pairs = {frozenset(p) for p in zip(plan.home.tolist(), plan.away.tolist(), strict=True)}
    assert len(pairs) == len(plan.home), "a pairing repeats"
    assert (np.bincount(plan.home, minlength=n) == 4).all() and (np.bincount(plan.away, minlength=n) == 4).all()


# -- the plain Python loop ---------------------------------------------------------------


def python_loop(plan: Plan, sims: int, seed: int) -> np.ndarray:
    """``reached[team, stage]`` over ``sims`` simulations, one at a time in plain Python.

    Tables are ranked on points, goal difference, goals (then away goals, wins and away
    wins in a league), then a random key: close to the formats' tie-breakers, without their
    head-to-head and opponents' criteria. It handles the slot kinds the two formats use.
    """
    fmt, n, size = plan.format, plan.n, plan.size
    rng = np.random.default_rng(seed)
    probs = np.diff(plan.cdf, prepend=0.0, axis=1)
    probs /= probs.sum(1, keepdims=True)
    home, away = plan.home.tolist(), plan.away.tolist()
    tables = [t.tolist() for t in plan.tables]
    advance = {name: m.tolist() for name, m in plan.advance.items()}
    stage_index = {s: i for i, s in enumerate(plan.stages)}
    names = fmt.groups.names if fmt.groups else ()
    reached = np.zeros((n, len(plan.stages)), np.int64)

    def key(row: list[float]) -> list[float]:  # groups: points, goal difference, goals, lots
        return row if fmt.league else row[:3] + row[6:]

    for _ in range(sims):
        stats = {t: [0, 0, 0, 0, 0, 0, rng.random()] for t in range(n)}  # pts, gd, gf, away gf, w, away w, lot
        for m in range(len(home)):
            gh, ga = divmod(int(rng.choice(size * size, p=probs[m])), size)
            h, a = stats[home[m]], stats[away[m]]
            h[1] += gh - ga
            a[1] += ga - gh
            h[2] += gh
            a[2] += ga
            a[3] += ga
            if gh > ga:
                h[0] += 3
                h[4] += 1
            elif ga > gh:
                a[0] += 3
                a[4] += 1
                a[5] += 1
            else:
                h[0] += 1
                a[0] += 1
        standings = [sorted(t, key=lambda team: key(stats[team]), reverse=True) for t in tables]
        thirds: dict[str, str] = {}
        if fmt.thirds is not None:
            best = sorted(range(len(names)), key=lambda g: key(stats[standings[g][2]]))
            qualified = "".join(sorted(names[g] for g in best[::-1][: fmt.thirds.count]))
            thirds = dict(fmt.thirds.table[qualified])
        for band in fmt.league.stages if fmt.league else ():
            for team in standings[0][band.first - 1 : band.last]:
                reached[team, stage_index[band.name]] += 1
        winners: dict[str, int] = {}
        for round_ in fmt.rounds:
            drawn: dict[str, list[int]] = {}
            column = stage_index[round_.stage]
            for tie in round_.ties:
                pair = []
                for slot, other in ((tie.home, tie.away), (tie.away, tie.home)):
                    if slot.kind == "group":
                        team = standings[names.index(slot.group)][slot.position - 1]
                    elif slot.kind == "third":
                        team = standings[names.index(thirds[other.text])][2]
                    elif slot.kind == "position":
                        team = standings[0][slot.position - 1]
                    elif slot.kind == "drawn":  # the ties naming these places take one each, at random
                        if slot.text not in drawn:
                            drawn[slot.text] = [int(p) for p in rng.permutation(slot.positions)]
                        team = standings[0][drawn[slot.text].pop() - 1]
                    else:
                        team = winners[slot.tie]
                    pair.append(team)
                    reached[team, column] += 1
                a, b = pair
                winners[tie.id] = a if rng.random() < advance[round_.rules.name][a][b] else b
        reached[winners[fmt.rounds[-1].ties[-1].id], stage_index["winner"]] += 1
    return reached


# -- the measurements --------------------------------------------------------------------


def _against_loop(plan: Plan, label: str) -> float:
    """One core's time for SIMS simulations, against the Python loop scaled; returns the engine's time."""
    simulate(plan, 200, SEED)  # numba compiled (or loaded from its cache) before the clock starts
    ours, counts = best_of(lambda: simulate(plan, SIMS, SEED, scheduler="inline"), 2)
    loop, reached = best_of(lambda: python_loop(plan, LOOP_SIMS, SEED), 1)
    scaled = loop * SIMS / LOOP_SIMS
    # a sanity check that the two agree: the largest gap in P(winner) between them, in percentage points
    won = plan.stages.index("winner")
    gap = np.abs(counts.reached[:, won] / counts.sims - reached[:, won] / LOOP_SIMS).max()
    print(
        f"tournament {label} ({plan.n} teams, {len(plan.home)} matches to play, {len(plan.format.rounds)} knockout "
        f"rounds), one core: {SIMS:,} simulations {ours:.2f} s ({SIMS / ours:,.0f}/s); plain Python loop "
        f"{loop / LOOP_SIMS * 1e3:.2f} ms a simulation -> {scaled:.0f} s for {SIMS:,} -> {scaled / ours:.0f}x "
        f"faster (targets >= 20x and < 3 s); P(winner) agrees within {gap * 100:.1f} points"
    )
    return ours


def _peak(plan: Plan, sims: int) -> int:
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    simulate(plan, sims, SEED, scheduler="inline")
    return tracemalloc.get_traced_memory()[1] - before


def _memory(plan: Plan, label: str) -> None:
    tracemalloc.start()
    try:
        peaks = {sims: _peak(plan, sims) for sims in MEMORY_SIMS}
    finally:
        tracemalloc.stop()
    shown = ", ".join(f"{sims:,} {peak / 2**20:.1f} MiB" for sims, peak in peaks.items())
    first, last = peaks[MEMORY_SIMS[0]], peaks[MEMORY_SIMS[-1]]
    print(
        f"tournament {label} peak traced memory (chunks of {CHUNK:,}): {shown} -> {last / first:.2f}x for "
        f"{MEMORY_SIMS[-1] // MEMORY_SIMS[0]}x the simulations (target: flat)"
    )


def _same(a: Counts, b: Counts) -> bool:
    return a.sims == b.sims and a.lots == b.lots and all(
        np.array_equal(getattr(a, f), getattr(b, f))
        for f in ("reached", "positions", "points", "opponents", "watched", "outcomes")
    )  # fmt: skip


def _dask(plan: Plan, label: str) -> None:
    from distributed import LocalCluster

    start = time.perf_counter()
    inline = simulate(plan, DASK_SIMS, SEED, scheduler="inline")
    one_core = time.perf_counter() - start
    with LocalCluster(
        n_workers=DASK_WORKERS, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:  # fmt: skip
        address = cluster.scheduler_address
        simulate(plan, DASK_WORKERS * CHUNK, SEED, scheduler=address)  # the workers import and load numba's cache
        start = time.perf_counter()
        spread = simulate(plan, DASK_SIMS, SEED, scheduler=address)
        wall = time.perf_counter() - start
    ideal = one_core / DASK_WORKERS
    print(
        f"tournament {label}, {DASK_SIMS:,} simulations: one core {one_core:.1f} s; Dask LocalCluster "
        f"({DASK_WORKERS} workers x 1 thread, warm) {wall:.1f} s -> {wall / ideal:.2f}x one core / {DASK_WORKERS} "
        f"(target <= 1.3x); counts identical to inline for seed {SEED}: {'yes' if _same(inline, spread) else 'NO'}"
    )


def bench_tournament() -> None:
    world_cup = world_cup_plan()
    league_phase = league_phase_plan()
    _check_league_phase(league_phase)
    _against_loop(world_cup, "world-cup-48")
    _against_loop(league_phase, "uefa-league-phase")
    _memory(world_cup, "world-cup-48")
    _dask(world_cup, "world-cup-48")


if __name__ == "__main__":
    bench_tournament()
