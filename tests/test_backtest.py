import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from remontada.app.cli import app
from remontada.data.bundle import open_store
from remontada.errors import DataError
from remontada.evaluation.backtest import (
    MARKET,
    Backtest,
    BacktestSpec,
    Candidate,
    market_forecasts,
    parse_candidate,
    run_backtest,
    save_predictions,
)

DATA = Path(__file__).parent / "data" / "football-data"
runner = CliRunner()
ELO_SEASON = BacktestSpec((Candidate("elo"),), ("bel-1",), ("2023-24",), refit="monthly")


@pytest.fixture(scope="module")
def elo_season(bundled_db):
    with open_store(bundled_db, read_only=True) as store:
        return run_backtest(store, ELO_SEASON, workers=1)


def test_candidates_and_specs_are_checked():
    assert parse_candidate("dixon-coles:half_life_days=180,prior_sd=none") == Candidate(
        "dixon-coles", (("half_life_days", 180), ("prior_sd", None))
    )
    assert parse_candidate("dixon-coles:half_life_days=180").label == "dixon-coles(half_life_days=180)"
    with pytest.raises(DataError, match="not one of"):
        parse_candidate("poisson")
    with pytest.raises(DataError, match="NAME=VALUE"):
        parse_candidate("elo:k")
    with pytest.raises(DataError, match="unexpected keyword"):
        Candidate("elo", (("half_life_days", 3),)).build()
    with pytest.raises(DataError, match="refit"):
        BacktestSpec(refit="yearly")


def test_a_season_against_the_market_on_the_same_matches(elo_season):
    bt = elo_season
    assert bt.models == ["elo", MARKET]
    table = bt.metrics()
    assert table["n"].nunique() == 1 and 250 < table["n"].iloc[0] <= 340  # Belgian league and play-offs, one season
    assert (table["rps"].between(0.15, 0.25)).all()
    # no forecast saw its own match: each model forecast comes from a fit strictly before the match
    model = bt.predictions[bt.predictions["model"] == "elo"]
    assert (pd.to_datetime(model["fitted_as_of"]) <= model["date"]).all()
    summary = bt.summary()
    assert summary["n"] == table["n"].iloc[0] and set(summary["model"]) >= {"rps", "log_loss"}
    assert summary["market"]["rps"] == pytest.approx(float(table.loc[table["model"] == MARKET, "rps"].iloc[0]))
    assert {r["season"] for r in summary["by_season"]} == {"2023-24"}
    assert {(r["model"], r["competition"]) for r in summary["by_competition"]} == {
        ("elo", "bel-1"),
        ("market", "bel-1"),
    }
    diff = summary["model_minus_market"]["rps"]
    assert diff["lo"] <= diff["difference"] <= diff["hi"]


def test_the_paired_bootstrap_is_the_mean_difference_with_a_fair_interval(elo_season):
    c = elo_season.compare(MARKET, "elo", metric="log_loss", resamples=500, seed=1)
    per_match = elo_season._per_match("log_loss")
    assert c["difference"] == pytest.approx(float((per_match["elo"] - per_match[MARKET]).mean()))
    assert c == elo_season.compare(MARKET, "elo", metric="log_loss", resamples=500, seed=1)  # reproducible
    assert c["lo"] < c["difference"] < c["hi"] and c["hi"] - c["lo"] < 0.1
    with pytest.raises(DataError, match="metric"):
        elo_season.compare(MARKET, "elo", metric="accuracy")


def test_local_processes_and_a_dask_cluster_give_exactly_the_inline_run(bundled_db, elo_season):
    from distributed import LocalCluster

    spec = BacktestSpec((Candidate("elo"),), ("bel-1",), ("2022-23", "2023-24"), refit="monthly", odds=None)
    with open_store(bundled_db, read_only=True) as store:
        inline = run_backtest(store, spec, workers=1).predictions
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1", scheduler_port=0,
            dashboard_address="127.0.0.1:0",
        ) as cluster:  # fmt: skip
            on_dask = run_backtest(store, spec, scheduler=cluster.scheduler_address).predictions
    pd.testing.assert_frame_equal(inline, on_dask)
    same_season = inline[inline["season"] == "2023-24"].reset_index(drop=True)
    theirs = elo_season.predictions
    theirs = theirs[theirs["model"] == "elo"].reset_index(drop=True)
    pd.testing.assert_frame_equal(same_season[theirs.columns], theirs)


def test_matches_without_usable_prices_are_counted_not_scored(bundled_db, tmp_path):
    path = tmp_path / "store.duckdb"
    shutil.copy(bundled_db, path)
    with open_store(path) as store:
        targets = run_backtest(store, ELO_SEASON, workers=1).predictions.query("model == 'elo'")
        targets = targets.drop(columns=["model", "p_home", "p_draw", "p_away", "fitted_as_of"])
        before, _, left_out = market_forecasts(store, targets)
        first, second = targets["match_id"].iloc[:2]
        store.con.execute("UPDATE odds SET price = 1.0 WHERE match_id = ? AND timing = 'closing'", [int(first)])
        store.con.execute("DELETE FROM odds WHERE match_id = ? AND selection = 'draw'", [int(second)])
        after, prices, excluded = market_forecasts(store, targets)
    assert len(after) == len(before) - 2 and first not in set(after["match_id"])
    assert sum(excluded.values()) == sum(left_out.values()) + 2 and excluded["missing a price"] >= 1
    assert any("1.0" in reason or "<= 1" in reason for reason in excluded)
    assert set(prices.columns) == {"match_id", "bookmaker", "home", "draw", "away"}


def test_predictions_are_kept_in_the_store(bundled_db, tmp_path, elo_season):
    path = tmp_path / "store.duckdb"
    shutil.copy(bundled_db, path)
    with open_store(path) as store:
        first = save_predictions(store, elo_season)
        second = save_predictions(store, elo_season)
        kept = store.df("SELECT backtest_id, model, count(*) n FROM predictions GROUP BY ALL ORDER BY ALL")
        spec = json.loads(store.one("SELECT spec FROM backtests WHERE backtest_id = ?", [first])[0])
    assert (first, second) == (1, 2) and spec["candidates"] == ["elo"]
    assert kept["n"].sum() == 2 * len(elo_season.predictions)


def test_value_bets_are_labelled_and_add_up(elo_season):
    bets = elo_season.value_bets("elo", edge=0.05)
    assert bets["bets"] <= bets["matches"] and bets["staked"] == bets["bets"]
    assert bets["roi"] == pytest.approx(bets["profit"] / bets["staked"])
    kelly = elo_season.value_bets("elo", edge=0.05, stake="kelly")
    assert kelly["final_bankroll"] == pytest.approx(1 + kelly["profit"])


def test_cli_backtest_of_a_file_brought_by_the_user(tmp_path):
    result = runner.invoke(
        app,
        ["backtest", "--data", str(DATA / "E0-2425.csv"), "--model", "elo", "--refit", "monthly", "--workers", "1",
         "--json", "--out", str(tmp_path / "p.csv"), "--png-dir", str(tmp_path / "charts")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output[result.output.index("{") :])
    # the file's quirks: five good matches (one in 'X9', a league remontada does not know: a competition of its
    # own), a fixture, the other rows rejected at import and counted
    assert payload["n"] == 5 and payload["model"]["rps"] > 0 and payload["market"]["log_loss"] > 0
    assert payload["files"][0]["rejects"] > 0 and payload["files"][0]["matches_merged"] == 4
    assert len(pd.read_csv(tmp_path / "p.csv")) == 10  # the model's and the market's forecasts
    assert all(Path(p).read_bytes()[:4] == b"\x89PNG" for p in payload["charts"])


def test_cli_tune_picks_the_best_setting(bundled_db):
    result = runner.invoke(
        app,
        ["tune", "--model", "elo", "--param", "k=10,25", "--competition", "bel-1", "--seasons", "2023-24",
         "--workers", "1", "--db", str(bundled_db), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output[result.output.index("{") :])
    assert payload["best"] in ("elo(k=10)", "elo(k=25)") and len(payload["candidates"]) == 2
    (other,) = payload["versus_best"].values()
    assert other["difference"] >= 0


def test_synthetic_backtest_metrics_by_group():
    rows = pd.DataFrame(
        {
            "match_id": np.repeat([1, 2, 3, 4], 2), "date": pd.Timestamp("2024-01-01"), "competition_id": "x",
            "season": np.repeat(["a", "a", "b", "b"], 2), "home_id": 1, "away_id": 2,
            "home_goals": np.repeat([1, 0, 2, 1], 2), "away_goals": np.repeat([0, 0, 1, 1], 2),
            "model": ["m", MARKET] * 4, "p_home": [0.5, 0.4] * 4, "p_draw": [0.3, 0.3] * 4, "p_away": [0.2, 0.3] * 4,
            "fitted_as_of": None,
        }
    )  # fmt: skip
    bt = Backtest(BacktestSpec((Candidate("elo"),)), rows)
    by = bt.metrics(["season"])
    assert list(by["model"]) == ["m", "m", MARKET, MARKET] and list(by["n"]) == [2, 2, 2, 2]


_SLOW_BACKTEST = """
import sys, time
from pathlib import Path
import remontada.app.cli as cli
import remontada.evaluation.backtest as backtests  # the command imports walk_backtest from here when it runs

walking, go, db = (Path(a) for a in sys.argv[1:4])
real = backtests.walk_backtest

def held_walk(inputs, **kwargs):
    walking.touch()  # the store has been read: from here on the backtest must not hold it
    while not go.exists():
        time.sleep(0.05)
    return real(inputs, **kwargs)

backtests.walk_backtest = held_walk
sys.argv = ["remontada", "backtest", "--model", "elo", "--competition", "bel-1", "--seasons", "2023-24",
            "--refit", "monthly", "--odds", "none", "--workers", "1", "--save", "--db", str(db)]
cli.main()
"""


def test_forecasts_and_imports_go_on_while_a_backtest_runs(bundled_db, tmp_path):
    import subprocess
    import sys
    import time

    from remontada.data.store import Store
    from remontada.models.forecast import Forecaster

    db = tmp_path / "store.duckdb"
    shutil.copy(bundled_db, db)
    walking, go = tmp_path / "walking", tmp_path / "go"
    backtest = subprocess.Popen(
        [sys.executable, "-c", _SLOW_BACKTEST, str(walking), str(go), str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while not walking.exists():
            assert backtest.poll() is None, backtest.communicate()
            assert time.monotonic() < deadline, "the backtest never started walking"
            time.sleep(0.1)
        with Store.open(db, read_only=True, busy_timeout=2.0) as store:  # as `tie` and `match` open it
            forecast = Forecaster(store, "elo").match("Club Brugge", "Anderlecht", as_of=dt.date(2024, 3, 1))
            assert 0 < forecast.as_dict()["p_home"] < 1
        with Store.open(db, busy_timeout=2.0) as store:  # a writer (an import) gets in too
            assert store.count("matches") > 0
    finally:
        go.touch()
        out, errors = backtest.communicate(timeout=600)
    assert backtest.returncode == 0, errors
    with Store.open(db, read_only=True) as store:  # and the backtest's results were saved at the end
        assert store.one("SELECT count(*) FROM backtests") == (1,)
