"""`make market-accuracy`: the default model against the bookmakers, on the bundled odds files.

The Belgian, Dutch and Egyptian top flights of 2015-16 to 2024-25 (shared/data/odds:
market-average opening and closing 1X2 prices) are backtested walk-forward with the
default match model refitted weekly (:func:`remontada.evaluation.backtest.run_backtest`, exactly
what ``remontada backtest`` runs), and scored against the market's forecasts from the
closing and the opening prices with the overround removed by each of the five methods
of :mod:`remontada.evaluation.margins`, on the same matches, with 95% paired-bootstrap intervals.
Also the historical return of backing the model's value at the closing prices (flat
stakes, edges 0 and 5%). The model's predictions are cached in ``--cache`` under a key
made of the code they run through and the bundle manifest. Prints markdown tables for
the README.

Then the ablation: the same backtest for Dixon-Coles on goals alone with one home
advantage for every league (the model before issue 16), then with the earlier prices
of :mod:`remontada.models.evidence`, beside the default, which also gives each league
its own home advantage, each against the closing and the opening market (Shin), on
the same matches, and the default league by league. These leagues' files have no
shots, so here the default is goals + prices (``make accuracy`` measures the shots on
the big-5).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
from code_digest import code_digest

from remontada.data.bundle import open_store
from remontada.data.store import Store
from remontada.evaluation.backtest import MARKET, Backtest, BacktestSpec, Candidate, market_forecasts, run_backtest
from remontada.evaluation.margins import Method

LEAGUES = ("bel-1", "ned-1", "egy-1")
SEASONS = tuple(f"{y}-{(y + 1) % 100:02d}" for y in range(2015, 2025))
METHODS: tuple[Method, ...] = ("multiplicative", "additive", "power", "shin", "odds_ratio")
SOURCES = ("data", "evaluation", "models")
"""The packages the model's backtest runs through: a change to any of their modules invalidates the cache."""
ABLATION = {
    "goals only, one home advantage": Candidate(
        "dixon-coles", (("shots_weight", 0.0), ("market_weight", 0.0), ("home_sd", None))
    ),
    "goals + earlier prices, one home advantage": Candidate("dixon-coles", (("home_sd", None),)),
}
"""Dixon-Coles without some ingredients (the default, :class:`Candidate`, has them all: earlier prices and
each league's home advantage; shots are not in these files)."""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cache_key(candidate: Candidate) -> str:
    return str(code_digest(f"market-v2|{LEAGUES}|{SEASONS}|{candidate.label}", SOURCES).hexdigest()[:16])


def predictions(store: Store, spec: BacktestSpec, candidate: Candidate, cache: Path, workers: int) -> pd.DataFrame:
    """One candidate's walk-forward forecasts, from the cache or computed (and cached)."""
    path = cache / f"market-{cache_key(candidate)}.parquet"
    if path.exists():
        _log(f"{candidate.label}: predictions read from {path}")
        return pd.read_parquet(path)
    result = run_backtest(store, replace(spec, candidates=(candidate,), odds=None), workers=workers)
    result.predictions.to_parquet(path)
    _log(f"{candidate.label}: predictions computed in {result.seconds:.0f} s")
    return result.predictions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=Path("benchmarks/.accuracy-cache"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    candidates = {"the default": Candidate(), **ABLATION}
    spec = BacktestSpec(tuple(candidates.values()), LEAGUES, SEASONS, refit="weekly", odds="closing")
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "store.duckdb") as store:
        model = pd.concat([predictions(store, spec, c, args.cache, args.workers) for c in candidates.values()])
        targets = model.drop(columns=["model", "p_home", "p_draw", "p_away", "fitted_as_of"]).drop_duplicates(
            "match_id"
        )
        runs: dict[tuple[str, str], Backtest] = {}
        for timing in ("closing", "opening"):
            for method in METHODS:
                market, prices, excluded = market_forecasts(store, targets, timing=timing, method=method)
                frame = pd.concat([model, market[model.columns]], ignore_index=True)
                runs[(timing, method)] = Backtest(replace(spec, odds=timing, method=method), frame, excluded, 0, prices)
    label = Candidate().label
    first = runs[("closing", "multiplicative")]
    n = first.summary()["n"]
    print(f"### {label} (weekly refits) against the market: {', '.join(LEAGUES)}, {SEASONS[0]} to {SEASONS[-1]}\n")
    print(f"{n} matches with the model's forecast and the market's prices.\n")
    print("| forecast | RPS | log-loss | Brier | ECE | model - market, RPS (95% CI) | model - market, log-loss |")
    print("|---|---|---|---|---|---|---|")
    table = first.metrics().set_index("model")
    row = table.loc[label]
    print(f"| {label} | {row['rps']:.4f} | {row['log_loss']:.4f} | {row['brier']:.4f} | {row['ece']:.4f} | | |")
    for (timing, method), run in runs.items():
        m = run.metrics().set_index("model").loc[MARKET]
        d_rps = run.compare(MARKET, label, metric="rps")
        d_ll = run.compare(MARKET, label, metric="log_loss")
        print(
            f"| market, {timing}, {method} | {m['rps']:.4f} | {m['log_loss']:.4f} | {m['brier']:.4f} | "
            f"{m['ece']:.4f} | {d_rps['difference']:+.4f} ({d_rps['lo']:+.4f} to {d_rps['hi']:+.4f}) | "
            f"{d_ll['difference']:+.4f} ({d_ll['lo']:+.4f} to {d_ll['hi']:+.4f}) |"
        )
    ratio = row["rps"] / runs[("closing", "shin")].metrics().set_index("model").loc[MARKET, "rps"] - 1
    print(f"\nThe model's RPS is {ratio:+.1%} against the closing market (Shin).\n")
    print("| value bets at the closing prices (flat stakes) | bets | staked | profit | ROI |")
    print("|---|---|---|---|---|")
    for edge in (0.0, 0.05, 0.10):
        bets = first.value_bets(label, edge=edge)
        print(
            f"| edge > {edge:.0%} | {bets['bets']} | {bets['staked']:.0f} | {bets['profit']:+.1f} | "
            f"{bets['roi']:+.1%} |"
        )
    print("\n| Dixon-Coles on | RPS | log-loss | - closing market (Shin), RPS (95% CI) | - opening market (Shin), RPS "
          "(95% CI) | behind the closing market |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    closing, opening = runs[("closing", "shin")], runs[("opening", "shin")]
    closing_rps = closing.metrics().set_index("model").loc[MARKET, "rps"]
    for name, candidate in candidates.items():
        row = closing.metrics().set_index("model").loc[candidate.label]
        cells = []
        for run in (closing, opening):
            d = run.compare(MARKET, candidate.label, metric="rps")
            cells.append(f"{d['difference']:+.4f} ({d['lo']:+.4f} to {d['hi']:+.4f})")
        print(
            f"| {name} ({candidate.label}) | {row['rps']:.4f} | {row['log_loss']:.4f} | {cells[0]} | {cells[1]} | "
            f"{row['rps'] / closing_rps - 1:+.1%} |"
        )
    default = Candidate().label
    for name, candidate in ABLATION.items():
        d = closing.compare(candidate.label, default, metric="rps")
        print(
            f"\nThe default - {name}, paired: RPS {d['difference']:+.4f} ({d['lo']:+.4f} to {d['hi']:+.4f}) "
            f"on {d['n']} matches."
        )
    print("\n| league | matches | the default, RPS | - closing market (Shin), RPS (95% CI) "
          "| - opening market (Shin), RPS (95% CI) |")  # fmt: skip
    print("|---|---|---|---|---|")
    for league in LEAGUES:
        cells = []
        for run in (closing, opening):
            part = replace(run, predictions=run.predictions[run.predictions["competition_id"] == league])
            d = part.compare(MARKET, default, metric="rps")
            cells.append(f"{d['difference']:+.4f} ({d['lo']:+.4f} to {d['hi']:+.4f})")
        mean = part.metrics().set_index("model").loc[default, "rps"]
        print(f"| {league} | {d['n']} | {mean:.4f} | {cells[0]} | {cells[1]} |")
    excluded = first.market_excluded
    if excluded:
        print("\nLeft out of the market's metrics: " + ", ".join(f"{v} {k}" for k, v in excluded.items()) + ".")
    print(f"\nWhole run {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
