"""`make accuracy`: walk-forward accuracy of the match models, next to penaltyblog's.

Every match of the big-5 leagues from 2015-16 to 2024-25 is forecast by each model
refitted weekly or monthly on data strictly before that period: remontada's models on
the whole club pool; penaltyblog's Poisson and Dixon-Coles, which take one league at a
time, on that league's previous eight seasons with their recommended time weights
(xi = 0.0018), refitted monthly because weekly refits of five leagues take penaltyblog
over an hour here (remontada's Dixon-Coles is shown monthly too, like for like). (The
comparison with bookmakers' prices is ``make market-accuracy``, benchmarks/market.py.)
The default Dixon-Coles learns from goals, shots and earlier prices
(:mod:`remontada.models.evidence`) and gives each league its own home advantage; the
ablation rows fit it with one home advantage, then on goals alone too (the model before
issue 16). These leagues' files have no prices, so here the default is goals + shots
(prices reach them only through European matches with priced sides) and
``make market-accuracy`` measures the prices. Each row's paired difference from the
first row comes with its 95% bootstrap interval.
Prints a markdown table for the README; predictions are cached in ``--cache`` so the
table can be re-rendered without refitting (``--only`` computes the rows named).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from remontada.data.bundle import open_store
from remontada.data.queries import training_matches
from remontada.evaluation.metrics import calibration, outcome_index, rps, score
from remontada.evaluation.walk_forward import walk_forward
from remontada.models import BlendModel, DixonColesModel, EloModel, MatchModel

BIG5 = ("eng-1", "esp-1", "ita-1", "ger-1", "fra-1")
FIRST, LAST = "2015-16", "2024-25"


def load() -> pd.DataFrame:
    """The club pool's matches, with their season."""
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "store.duckdb") as store:
        history = training_matches(store)
    history["season"] = [
        f"{y}-{(y + 1) % 100:02d}"
        for y in np.where(history["date"].dt.month >= 7, history["date"].dt.year, history["date"].dt.year - 1)
    ]
    return history


def targets(history: pd.DataFrame, leagues: tuple[str, ...]) -> pd.DataFrame:
    t = history[history["competition_id"].isin(leagues) & history["season"].between(FIRST, LAST)]
    return t.copy()


ONE_HOME = {"home_sd": None}
"""One home advantage for every league, as before each league had its own."""
GOALS_ONLY = {"half_life_days": 365.0, "shots_weight": 0.0, "market_weight": 0.0, **ONE_HOME}
"""Dixon-Coles on goals alone, as the default was before shots, prices and the leagues' home advantages."""
SETTINGS: dict[str, dict[str, float | None]] = {
    "dixon-coles": {},
    "dixon-coles, one home advantage": ONE_HOME,
    "dixon-coles, goals only": GOALS_ONLY,
}
"""remontada's Dixon-Coles rows: the default, then the ablations."""


def run_remontada(name: str, refit: str) -> pd.DataFrame:
    history = load()
    wanted = targets(history, BIG5)
    if name in SETTINGS:
        model: MatchModel = DixonColesModel(warm_start=True, **SETTINGS[name])
    else:
        model = BlendModel(warm_start=True) if name == BlendModel.name else EloModel()
    start = time.perf_counter()
    pred = walk_forward(model, history, wanted, refit=refit)
    pred["model"] = f"remontada {name}, {refit}"
    pred["seconds"] = time.perf_counter() - start
    return pred


class _Penaltyblog:
    """penaltyblog's goal models as walk-forward peers: one league, last eight seasons."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def forecast(self, history: pd.DataFrame, rows: pd.DataFrame, start: pd.Timestamp) -> np.ndarray:
        import penaltyblog as pb

        cls = pb.models.DixonColesGoalModel if self.kind == "dixon-coles" else pb.models.PoissonGoalsModel
        league = history[
            (history["competition_id"] == rows["competition_id"].iloc[0])
            & (history["date"] < start)
            & (history["date"] >= start - pd.Timedelta(days=int(8 * 365.25)))
        ]
        weights = pb.models.dixon_coles_weights(league["date"], xi=0.0018, base_date=start)
        model = cls(
            league["home_goals"].to_numpy(), league["away_goals"].to_numpy(),
            league["home_id"].astype(str).to_numpy(), league["away_id"].astype(str).to_numpy(), weights,
        )  # fmt: skip
        model.fit()
        known = set(league["home_id"]) | set(league["away_id"])
        base = np.bincount(np.sign(league["away_goals"] - league["home_goals"]).to_numpy() + 1, minlength=3)
        out = np.empty((len(rows), 3))
        for i, (h, a) in enumerate(zip(rows["home_id"], rows["away_id"], strict=True)):
            if h in known and a in known:
                out[i] = model.predict(str(h), str(a)).home_draw_away
            else:  # a promoted side penaltyblog never saw: the league's outcome frequencies
                out[i] = base / base.sum()
        return out


def run_penaltyblog(kind: str, refit: str) -> pd.DataFrame:
    history = load()
    wanted = targets(history, BIG5).sort_values("date")
    peer = _Penaltyblog(kind)
    start_time = time.perf_counter()
    parts = []
    periods = wanted["date"].dt.to_period({"weekly": "W-SUN", "monthly": "M"}[refit]).dt.start_time
    for (start, _league), rows in wanted.groupby([periods, "competition_id"], sort=True):
        probs = peer.forecast(history, rows, start)
        parts.append(rows.assign(p_home=probs[:, 0], p_draw=probs[:, 1], p_away=probs[:, 2]))
    pred = pd.concat(parts)
    pred["model"] = f"penaltyblog {kind}, {refit}"
    pred["seconds"] = time.perf_counter() - start_time
    return pred


def _cache(key: str) -> str:
    return key.replace(" ", "_").replace(",", "") + ".parquet"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=Path("benchmarks/.accuracy-cache"))
    parser.add_argument("--only", action="append", help="compute only this row (repeatable); others from the cache")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    jobs = {
        "remontada dixon-coles, weekly": (run_remontada, "dixon-coles", "weekly"),
        "remontada dixon-coles, one home advantage, weekly": (
            run_remontada,
            "dixon-coles, one home advantage",
            "weekly",
        ),
        "remontada dixon-coles, goals only, weekly": (run_remontada, "dixon-coles, goals only", "weekly"),
        "remontada elo, weekly": (run_remontada, "elo", "weekly"),
        "remontada elo+dixon-coles, weekly": (run_remontada, "elo+dixon-coles", "weekly"),
        "remontada dixon-coles, monthly": (run_remontada, "dixon-coles", "monthly"),
        "penaltyblog dixon-coles, monthly": (run_penaltyblog, "dixon-coles", "monthly"),
        "penaltyblog poisson, monthly": (run_penaltyblog, "poisson", "monthly"),
    }
    todo = {k: v for k, v in jobs.items() if not (args.cache / _cache(k)).exists() and k in (args.only or jobs)}
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = {k: pool.submit(fn, name, refit) for k, (fn, name, refit) in todo.items()}
        for key, future in futures.items():
            try:
                future.result().to_parquet(args.cache / _cache(key))
            except Exception as exc:  # report and carry on: the other models' tables still print
                print(f"{key} failed: {exc!r}")
    jobs = {k: v for k, v in jobs.items() if (args.cache / _cache(k)).exists()}
    preds = {k: pd.read_parquet(args.cache / _cache(k)) for k in jobs}

    print(f"### Big-5 leagues, {FIRST} to {LAST}\n")
    print(
        "| model | matches | mean RPS | log-loss | Brier | accuracy | calibration error (ECE) | fit+forecast time "
        "| RPS - first row (95% CI) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    first = None
    for key, pred in preds.items():
        big5 = pred[pred["competition_id"].isin(BIG5)].sort_values(["date", "home_id", "away_id"])
        s = score(big5).iloc[0]
        _, ece = calibration(big5)
        per_match = rps(big5[["p_home", "p_draw", "p_away"]].to_numpy(float), outcome_index(
            big5["home_goals"], big5["away_goals"]))  # fmt: skip
        first = per_match if first is None else first
        diff = "" if per_match is first else _paired(per_match - first)
        print(
            f"| {key} | {int(s['n'])} | {s['rps']:.4f} | {s['log_loss']:.4f} | {s['brier']:.4f} | "
            f"{s['accuracy']:.3f} | {ece:.4f} | {pred['seconds'].iloc[0] / 60:.1f} min | {diff} |"
        )


def _paired(diff: np.ndarray, resamples: int = 2000) -> str:
    """The mean of per-match differences with its 95% bootstrap interval (the same matches for both rows)."""
    rng = np.random.default_rng(0)
    means = diff[rng.integers(0, len(diff), size=(resamples, len(diff)))].mean(axis=1)
    lo, hi = np.quantile(means, [0.025, 0.975])
    return f"{diff.mean():+.4f} ({lo:+.4f} to {hi:+.4f})"


if __name__ == "__main__":
    main()
