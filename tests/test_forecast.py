"""Match batches over many dates: each row forecast only from matches before its date, refitted daily or weekly."""

import datetime as dt
import shutil

import pandas as pd
import pytest

from remontada.data.store import Store
from remontada.errors import DataError
from remontada.models.forecast import Forecaster

ROWS = pd.DataFrame(
    {
        "date": ["2024-04-14", "2024-04-18", "2024-04-18"],
        "home": ["Liverpool", "Atalanta", "Roma"],
        "away": ["Crystal Palace", "Liverpool", "AC Milan"],
    }
)
COLUMNS = ["p_home", "p_draw", "p_away", "xg_home", "xg_away"]


@pytest.fixture(scope="module")
def store_path(bundled_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("forecast") / "store.duckdb"
    shutil.copy(bundled_db, path)
    return path


@pytest.mark.parametrize("refit", ["daily", "weekly"])
def test_deleting_a_rows_match_and_every_later_one_leaves_its_forecast_unchanged(store_path, tmp_path, refit):
    with Store.open(store_path, read_only=True) as store:
        full = Forecaster(store, "elo").batch(ROWS, refit=refit)
    for i, day in enumerate(ROWS["date"]):
        cut = tmp_path / f"cut-{i}.duckdb"
        shutil.copy(store_path, cut)
        with Store.open(cut) as store:
            store.con.execute("DELETE FROM matches WHERE date >= ?", [dt.date.fromisoformat(day)])
            alone = Forecaster(store, "elo").batch(ROWS.iloc[[i]], refit=refit)
        assert alone[COLUMNS].iloc[0].tolist() == full[COLUMNS].iloc[i].tolist()


def test_weekly_refits_fit_as_of_the_monday_of_each_rows_week(store_path):
    with Store.open(store_path, read_only=True) as store:
        forecaster = Forecaster(store, "elo")
        weekly = forecaster.batch(ROWS, refit="weekly")
        for i, monday in enumerate([dt.date(2024, 4, 8), dt.date(2024, 4, 15), dt.date(2024, 4, 15)]):
            alone = forecaster.match(ROWS["home"][i], ROWS["away"][i], as_of=monday).as_dict()
            assert [alone[c] for c in COLUMNS] == weekly[COLUMNS].iloc[i].tolist()
        with pytest.raises(DataError, match="refit 'hourly': choose daily or weekly"):
            forecaster.batch(ROWS, refit="hourly")


EVIDENCE_ROWS = pd.DataFrame(
    {
        "date": ["2024-04-14", "2024-04-14", "2024-04-21"],
        "home": ["Liverpool", "Club Brugge", "Union Saint-Gilloise"],  # shots; prices; prices
        "away": ["Crystal Palace", "Royal Antwerp FC", "Club Brugge"],
    }
)


@pytest.mark.slow
def test_no_row_of_a_batch_uses_its_own_or_a_later_matchs_result_shots_or_prices(store_path, tmp_path):
    """Dixon-Coles on goals, shots and earlier prices: deleting a row's match, every later one and their
    prices from the store leaves the row's forecast exactly as it was."""
    settings = {"shots_weight": 0.5, "market_weight": 2.0}
    with Store.open(store_path, read_only=True) as store:
        forecaster = Forecaster(store, "dixon-coles", **settings)
        full = forecaster.batch(EVIDENCE_ROWS)
        day = dt.date(2024, 4, 14)
        assert forecaster.match("Club Brugge", "Royal Antwerp FC", as_of=day).evidence == ("goals", "prices")
        assert forecaster.match("Liverpool", "Crystal Palace", as_of=day).evidence == ("goals", "shots")
    # a batch starts each refit from the previous fit, so a fit made alone reaches the same optimum only to
    # within L-BFGS's tolerance (1e-8 here); a week less of data moves a forecast by far more (the last cut)
    cuts = [*enumerate(EVIDENCE_ROWS["date"]), (1, "2024-04-07")]
    for i, day in cuts:
        cut = tmp_path / f"cut-{i}-{day}.duckdb"
        shutil.copy(store_path, cut)
        with Store.open(cut) as store:
            later = "SELECT match_id FROM matches WHERE date >= ?"
            store.con.execute(f"DELETE FROM odds WHERE match_id IN ({later})", [dt.date.fromisoformat(day)])
            store.con.execute("DELETE FROM matches WHERE date >= ?", [dt.date.fromisoformat(day)])
            alone = Forecaster(store, "dixon-coles", **settings).batch(EVIDENCE_ROWS.iloc[[i]])
        same = alone[COLUMNS].iloc[0].to_numpy() == pytest.approx(full[COLUMNS].iloc[i].to_numpy(), abs=1e-6)
        assert same == (day == EVIDENCE_ROWS["date"][i]), (i, day)
