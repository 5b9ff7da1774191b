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
