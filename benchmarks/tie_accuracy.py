"""`make tie-accuracy`: how well remontada forecast two-legged ties, on the morning of each second leg.

Every two-legged tie in the bundled store whose season is 1994-95 or later and whose
winner is known is forecast from data strictly before its second leg's date, knowing
the first leg's score, and scored on "did side A (at home in the first leg) go
through". Three forecasts:

* **remontada**: ``TieForecaster.batch`` with the default model and the competition's
  rules on that date (no ``rules`` column), exactly as a user would run it.
* **rate by first-leg margin**: how often the side at home in the first leg went
  through after that first-leg goal difference (clipped to +-4), over the ties of every
  era whose second leg was strictly earlier, shrunk toward the pooled rate with one
  pseudo-tie (:func:`remontada.evaluation.walk_forward.tie_rate_baseline`).
* **logistic, margin + Elo**: a logistic regression on the first-leg goal difference
  and A's Elo rating minus B's (each side's rating after its last club match strictly
  before the second leg, from one :class:`EloModel` pass over the club pool), refitted
  for every second-leg date on all earlier ties of every era
  (:func:`remontada.evaluation.walk_forward.tie_logistic_baseline`).

The remontada forecasts are cached in ``--cache`` under a key made of the model, the
first season and the text of the code and data they depend on, so a re-run only
re-renders the tables. Prints markdown tables for the README.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from code_digest import code_digest

from remontada.data.bundle import open_store
from remontada.data.queries import training_matches, two_legged_ties
from remontada.data.store import Store
from remontada.evaluation.metrics import brier, log_loss, paired_differences, reliability
from remontada.evaluation.walk_forward import tie_logistic_baseline, tie_rate_baseline
from remontada.knockout.forecast import TieForecaster
from remontada.models import DEFAULT_TIE_MODEL, EloModel

FIRST = "1994-95"
NO_AWAY_GOALS = pd.Timestamp("2021-07-01")
EXTRA_TIME = ("extra_time", "away_goals_extra_time", "penalties")
METHODS = {"remontada": "p_remontada", "rate by first-leg margin": "p_rate", "logistic, margin + Elo": "p_logistic"}
# the code a tie forecast runs through (every module of these packages): a change to any of it invalidates the cache
SOURCES = ("data", "models", "knockout")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cache_key(model: str) -> str:
    return str(code_digest(f"{model}|{FIRST}|ties-v1", SOURCES).hexdigest()[:16])


def load_ties(store: Store) -> pd.DataFrame:
    """Every two-legged tie (all eras), with the baselines' columns."""
    ties = two_legged_ties(store)
    ties["date"] = pd.to_datetime(ties["leg2_date"])
    ties["goal_diff"] = ties["leg1_a"].astype(int) - ties["leg1_b"].astype(int)
    ties["through"] = ties["winner"].map({"a": 1.0, "b": 0.0})
    ties["uefa"] = ties["competition_id"].str.startswith("uefa-")
    return ties.reset_index(drop=True)


def elo_diffs(history: pd.DataFrame, ties: pd.DataFrame) -> tuple[np.ndarray, int]:
    """A's Elo minus B's, each after its last club match strictly before the second leg; and how many were unrated.

    A side with no rated match before that day (none in these data since 1994-95: the
    first leg always counts, except a League Cup first leg, whose score may include
    extra time and so is not rated) gets the mean rating of the clubs rated before it,
    less the model's ``new_team_offset``.
    """
    elo = EloModel().fit(history)
    long = elo.ratings_history()[["date", "team_id", "rating"]].sort_values("date", kind="stable")
    out, missing = [], 0
    for side in ("team_a_id", "team_b_id"):
        left = ties[["date", side]].rename(columns={side: "team_id"}).reset_index()
        left["team_id"] = left["team_id"].astype(long["team_id"].dtype)
        found = pd.merge_asof(
            left.sort_values("date"), long, on="date", by="team_id", allow_exact_matches=False, direction="backward"
        ).set_index("index")["rating"]
        found = found.reindex(left["index"]).to_numpy()
        gone = np.isnan(found)
        missing += int(gone.sum())
        for i in np.flatnonzero(gone):
            earlier = long[long["date"] < ties["date"].iloc[i]]
            last = earlier.drop_duplicates("team_id", keep="last")["rating"]
            found[i] = (last.mean() if len(last) else elo.initial_rating) - elo.new_team_offset
        out.append(found)
    return out[0] - out[1], missing


def _label(store: Store, team_ids: pd.Series, names: pd.Series) -> list[str]:
    """Names a batch row can use: ``"Name (CTY)"`` where the store knows the country."""
    country = dict(store.con.execute("SELECT team_id, country FROM teams").fetchall())
    return [f"{n} ({country[t]})" if country.get(t) else str(n) for t, n in zip(team_ids, names, strict=True)]


def remontada_forecasts(store: Store, ties: pd.DataFrame, model: str) -> pd.DataFrame:
    """``TieForecaster.batch`` over the ties, a season at a time (one forecaster, so fits are reused)."""
    forecaster = TieForecaster(store, model)
    rows = pd.DataFrame(
        {
            "date": ties["date"].dt.strftime("%Y-%m-%d").to_numpy(),
            "team_a": _label(store, ties["team_a_id"], ties["team_a"]),
            "team_b": _label(store, ties["team_b_id"], ties["team_b"]),
            "leg1_a": ties["leg1_a"].astype(str).to_numpy(),
            "leg1_b": ties["leg1_b"].astype(str).to_numpy(),
        },
        index=pd.Index(ties["tie_id"].to_numpy(), name="tie_id"),
    )
    wrong = [
        (a, b)
        for a, b, ia, ib in zip(rows["team_a"], rows["team_b"], ties["team_a_id"], ties["team_b_id"], strict=True)
        if forecaster.forecaster.pair(a, b) != (ia, ib)
    ]
    if wrong:
        raise SystemExit(f"{len(wrong)} ties' names resolve to other teams, e.g. {wrong[:3]}")
    parts = []
    start = time.perf_counter()
    for season, chunk in rows.groupby(ties["season"].to_numpy(), sort=True):
        parts.append(forecaster.batch(chunk, source=f"ties {season}"))
        _log(f"  {season}: {len(chunk)} ties, {time.perf_counter() - start:.0f} s so far")
    out = pd.concat(parts)
    return out[["p_a", "p_b", "p_extra_time", "p_penalties", "rules_used"]].reset_index()


def _metrics(p: np.ndarray, y: np.ndarray) -> dict[str, float]:
    right = np.where(p == 0.5, 0.5, (p > 0.5) == (y == 1))
    return {"brier": brier(p, y), "log_loss": log_loss(p, y), "accuracy": float(np.mean(right))}


def print_overall(ev: pd.DataFrame) -> None:
    y = ev["through"].to_numpy()
    print(f"### Two-legged ties from {FIRST}, forecast on the morning of the second leg\n")
    print(f"{len(ev)} ties with a known winner; side A (at home in the first leg) went through in {y.mean():.1%}.\n")
    print(
        "| forecast | ties | Brier | log-loss | favourite went through | Brier vs remontada | log-loss vs remontada |"
    )
    print("|---|---|---|---|---|---|---|")
    ours = ev["p_remontada"].to_numpy()
    for name, col in METHODS.items():
        p = ev[col].to_numpy()
        m = _metrics(p, y)
        if col == "p_remontada":
            vs = "| | "
        else:
            d = paired_differences(ours, p, y)
            vs = f"| {d['brier']:+.4f} ± {d['brier_se']:.4f} | {d['log_loss']:+.4f} ± {d['log_loss_se']:.4f} "
        print(f"| {name} | {len(p)} | {m['brier']:.4f} | {m['log_loss']:.4f} | {m['accuracy']:.1%} {vs}|")
    m = _metrics(np.full(len(y), 0.5), y)
    print(f"| a coin (1/2) | {len(y)} | {m['brier']:.4f} | {m['log_loss']:.4f} | 50.0% | | |")
    print("\n(vs remontada: the baseline's mean score minus remontada's, per tie, ± one standard error; positive means")
    print("remontada is better.)\n")


def subsets(ev: pd.DataFrame) -> dict[str, pd.Series]:
    before = ev["date"] < NO_AWAY_GOALS
    level = ev["goal_diff"] == 0
    return {
        "all": pd.Series(True, index=ev.index),
        "UEFA": ev["uefa"],
        "League Cup (domestic)": ~ev["uefa"],
        f"{FIRST} to 2020-21 (away goals in UEFA)": before,
        "2021-22 on (no away goals)": ~before,
        "UEFA, away goals (to 2020-21)": ev["uefa"] & before,
        "UEFA, no away goals (2021-22 on)": ev["uefa"] & ~before,
        "first leg drawn": level,
        "first leg won by one goal": ev["goal_diff"].abs() == 1,
        "first leg won by two or more": ev["goal_diff"].abs() >= 2,
    }


def print_subsets(ev: pd.DataFrame) -> None:
    print("### By competition, era and first-leg result\n")
    names = list(METHODS)
    head = " | ".join(f"Brier {n}" for n in names) + " | " + " | ".join(f"log-loss {n}" for n in names)
    print(f"| ties | n | A through | {head} |")
    print("|---|---|---|" + "---|" * (2 * len(names)))
    for label, mask in subsets(ev).items():
        sub = ev[mask.to_numpy()]
        if sub.empty:
            continue
        y = sub["through"].to_numpy()
        scores = [_metrics(sub[c].to_numpy(), y) for c in METHODS.values()]
        best_b = min(s["brier"] for s in scores)
        best_l = min(s["log_loss"] for s in scores)
        cells = [f"**{s['brier']:.4f}**" if s["brier"] == best_b else f"{s['brier']:.4f}" for s in scores]
        cells += [f"**{s['log_loss']:.4f}**" if s["log_loss"] == best_l else f"{s['log_loss']:.4f}" for s in scores]
        print(f"| {label} | {len(sub)} | {y.mean():.1%} | " + " | ".join(cells) + " |")
    print("\n(bold: the best of the three on that subset.)\n")


def print_reliability(ev: pd.DataFrame) -> None:
    table = reliability(ev["p_remontada"], ev["through"], bins=10)
    ece = float(np.sum(table["n"] * (table["mean_forecast"] - table["observed"]).abs()) / table["n"].sum())
    print("### Reliability of remontada's P(A goes through), ten bins of width 0.1\n")
    print("| forecast | ties | mean forecast | went through | ± s.e. |")
    print("|---|---|---|---|---|")
    for row in table.itertuples():
        se = np.sqrt(row.observed * (1 - row.observed) / row.n)
        print(f"| {row.low:.1f}-{row.high:.1f} | {row.n} | {row.mean_forecast:.3f} | {row.observed:.3f} | {se:.3f} |")
    print(f"\nExpected calibration error (tie-weighted mean |forecast - observed|): {ece:.4f}.\n")


def print_extra_time(ev: pd.DataFrame) -> None:
    print("### Extra time and penalties: forecast against observed\n")
    print("| ties | n | P(extra time) forecast | went to extra time | P(penalties) forecast | went to penalties |")
    print("|---|---|---|---|---|---|")
    before = ev["date"] < NO_AWAY_GOALS
    groups = {
        "UEFA": ev["uefa"],
        "UEFA, away goals (to 2020-21)": ev["uefa"] & before,
        "UEFA, no away goals (2021-22 on)": ev["uefa"] & ~before,
        "UEFA, first leg drawn": ev["uefa"] & (ev["goal_diff"] == 0),
        "UEFA, first leg won by one goal": ev["uefa"] & (ev["goal_diff"].abs() == 1),
        "League Cup (domestic)": ~ev["uefa"],
    }
    for label, mask in groups.items():
        sub = ev[mask.to_numpy()]
        if sub.empty:
            continue
        et = sub["decided_by"].isin(EXTRA_TIME).to_numpy(dtype=float)
        pens = (sub["decided_by"] == "penalties").to_numpy(dtype=float)
        n = len(sub)

        def share(x: np.ndarray, n: int = n) -> str:
            return f"{x.mean():.3f} ± {np.sqrt(x.mean() * (1 - x.mean()) / n):.3f}"

        if sub["uefa"].all():
            seen_et, seen_pens = share(et), share(pens)
        else:
            seen_et = seen_pens = "unknown (scores include extra time)"
        print(
            f"| {label} | {n} | {sub['p_extra_time'].mean():.3f} | {seen_et} | {sub['p_penalties'].mean():.3f} | "
            f"{seen_pens} |"
        )
    print("\n(went to extra time: decided in extra time, on away goals in extra time, or on penalties.)\n")


def print_data_notes(ties: pd.DataFrame, ev: pd.DataFrame, store: Store, missing_elo: int) -> None:
    gap = (ev["date"] - pd.to_datetime(ev["leg1_date"])).dt.days
    odd = ev[gap > 60]
    print("### Data notes\n")
    in_era = ties["season"] >= FIRST
    unknown = ties[in_era & ties["through"].isna()]
    print(
        f"- Left out: {len(unknown)} ties from {FIRST} whose winner the store does not know "
        f"({', '.join(f'{k} {v}' for k, v in unknown['competition_id'].value_counts().items())})."
    )
    dropped = store.df(
        """
        SELECT t.competition_id, t.season, t.round, m1.date AS leg1_date, m2.date AS leg2_date
        FROM ties t
        JOIN tie_legs l1 ON l1.tie_id = t.tie_id AND l1.leg = '1'
        JOIN tie_legs l2 ON l2.tie_id = t.tie_id AND l2.leg = '2'
        JOIN matches m1 ON m1.match_id = l1.match_id JOIN matches m2 ON m2.match_id = l2.match_id
        WHERE t.season >= ? AND NOT (m1.date < m2.date AND m1.home_id = t.team_a_id AND m2.home_id = t.team_b_id)
        """,
        [FIRST],
    )
    for row in dropped.itertuples():
        print(
            f"- Not a two-legged tie to `two_legged_ties` (legs on the same day, out of order or the wrong way round): "
            f"{row.competition_id} {row.season} {row.round}, legs dated {pd.Timestamp(row.leg1_date).date()} and "
            f"{pd.Timestamp(row.leg2_date).date()}."
        )
    for row in odd.itertuples():
        print(
            f"- {gap[row.Index]} days between the legs: {row.competition_id} {row.season} {row.round} "
            f"{row.team_a} v {row.team_b}, {pd.Timestamp(row.leg1_date).date()} and {row.date.date()}."
        )
    lc = ev[~ev["uefa"]]
    flagged = store.one(
        """
        SELECT count(*) FROM ties t JOIN tie_legs l ON l.tie_id = t.tie_id AND l.leg = '2'
        JOIN matches m ON m.match_id = l.match_id
        WHERE t.competition_id = 'eng-league-cup' AND t.season >= ? AND m.score_includes_et
        """,
        [FIRST],
    )
    print(
        f"- League Cup: {flagged[0] if flagged else 0} second legs from {FIRST} have a score that may include extra "
        f"time (no separate 90-minute score), so none of its {len(lc)} scored ties is known to have gone to extra "
        "time, and League Cup matches with such scores are not in the models' training data."
    )
    used = ev["rules_used"].value_counts()
    print(f"- Rules remontada used: {', '.join(f'{k} {v}' for k, v in used.items())}.")
    differ = ev[ev["rules_used"] != ev["rules"]]
    if len(differ):
        print(f"- {len(differ)} ties forecast under other rules than the store's record of the tie.")
    print(f"- Elo: {missing_elo} sides had no rated match before the second leg (given a newcomer's rating).\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=Path("benchmarks/.accuracy-cache"))
    parser.add_argument("--model", default=DEFAULT_TIE_MODEL)
    args = parser.parse_args()
    started = time.perf_counter()
    args.cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "store.duckdb") as store:
        ties = load_ties(store)
        ev_mask = ((ties["season"] >= FIRST) & ties["through"].notna()).to_numpy()
        ties["elo_diff"], missing_elo = elo_diffs(training_matches(store, pool="club"), ties)
        ties["p_rate"] = tie_rate_baseline(ties)
        ties["p_logistic"] = tie_logistic_baseline(ties, ties["elo_diff"])
        _log(f"baselines done in {time.perf_counter() - started:.0f} s")
        path = args.cache / f"ties-{args.model}-{cache_key(args.model)}.parquet"
        if path.exists():
            ours = pd.read_parquet(path)
            how = f"read from {path}"
        else:
            forecast_start = time.perf_counter()
            ours = remontada_forecasts(store, ties[ev_mask], args.model)
            ours.to_parquet(path)
            how = f"computed in {time.perf_counter() - forecast_start:.0f} s"
        _log(f"remontada forecasts {how}")
        ev = ties[ev_mask].merge(ours.rename(columns={"p_a": "p_remontada"}), on="tie_id", how="left")
        if ev["p_remontada"].isna().any():
            raise SystemExit(f"{int(ev['p_remontada'].isna().sum())} ties have no remontada forecast")
        print_overall(ev)
        print_subsets(ev)
        print_reliability(ev)
        print_extra_time(ev)
        print_data_notes(ties, ev, store, missing_elo)
    print(
        f"Model {args.model}; remontada forecasts {how}; whole run {time.perf_counter() - started:.0f} s "
        "(timings on a shared machine)."
    )


if __name__ == "__main__":
    main()
