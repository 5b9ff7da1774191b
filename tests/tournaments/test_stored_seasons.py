"""Whole competitions read from the store: group stages from their letters, past World Cups, no leakage."""

import datetime as dt

import numpy as np
import pytest

from remontada.data.bundle import open_store
from remontada.errors import DataError
from remontada.tournaments.forecast import TournamentForecaster
from remontada.tournaments.formats import load_format
from remontada.tournaments.stored import read_season

WORLD_CUP = "FIFA World Cup"


@pytest.fixture(scope="module")
def store(bundled_db):
    with open_store(bundled_db, read_only=True) as store:
        yield store


@pytest.fixture(scope="module")
def forecaster(store):
    return TournamentForecaster(store)


def test_a_past_world_cup_takes_its_groups_from_the_editions_table(store):
    season = read_season(store, WORLD_CUP, "2022", as_of=dt.date(2022, 12, 3))
    assert season.default_format().name == "world-cup-32"
    rows = season.table_rows(season.default_format())
    groups = rows[rows["group"] != ""]
    assert len(groups) == 48 and groups["home_goals"].notna().all()
    assert sorted(groups.groupby("group").size().unique()) == [6]
    # the knockout matches are those played before the morning of 3 December: none
    assert (rows["group"] == "").sum() == 0


def test_nothing_from_the_forecast_day_on_is_seen(store):
    season = read_season(store, WORLD_CUP, "2022", as_of=dt.date(2022, 11, 25))
    rows = season.table_rows(season.default_format())
    later = rows["date"] >= dt.date(2022, 11, 25)
    assert later.any() and rows.loc[later, "home_goals"].isna().all()
    assert rows.loc[~later, "home_goals"].notna().all()


def test_world_cup_2022_on_the_morning_of_the_second_quarter_final_day(forecaster):
    f = forecaster.competition(WORLD_CUP, "2022", as_of=dt.date(2022, 12, 10), sims=4_000, seed=1)
    p = f.table().set_index("team")
    # the 9 December quarter-finals are settled: Croatia beat Brazil on penalties, Argentina beat the
    # Netherlands on penalties; Morocco v Portugal and England v France are still to play
    assert p.loc["Croatia", "semifinals"] == 1 and p.loc["Argentina", "semifinals"] == 1
    assert p.loc["Brazil", "semifinals"] == 0 and p.loc["Netherlands", "semifinals"] == 0
    assert 0 < p.loc["Morocco", "semifinals"] < 1
    assert p.loc["Spain", "quarterfinals"] == 0  # out to Morocco on 6 December, on penalties
    assert np.allclose(f.p.sum(0), [16, 8, 4, 2, 1])


def test_the_day_after_the_final_everything_is_settled(forecaster):
    f = forecaster.competition(WORLD_CUP, "2022", as_of=dt.date(2022, 12, 19), sims=1_000)
    p = f.table().set_index("team")
    assert p.loc["Argentina", "winner"] == 1 and p["winner"].sum() == 1
    assert set(f.p.ravel()) <= {0.0, 1.0}


def test_a_champions_league_group_stage_from_its_stored_letters(forecaster, store):
    f = forecaster.competition("uefa-cl", "2022-23", as_of=dt.date(2022, 10, 20), sims=4_000, seed=2)
    assert f.format == "uefa-group-stage" and len(f.teams) == 32
    assert np.allclose(f.p.sum(0), [16, 8, 4, 2, 1])
    p = f.table().set_index("team")
    # four group games played: Bayern had 12 points, Viktoria Plzen none
    assert p.loc["Bayern Munich", "round_of_16"] > 0.99
    assert p.loc["Viktoria Plzen", "round_of_16"] < 0.01
    # the round-of-16 draw keeps clubs of one country apart
    country = dict(store.con.execute("SELECT name, country FROM teams").fetchall())
    for team in f.teams:
        if p.loc[team, "round_of_16"] > 0.05:
            met = f.opponents(team, "round_of_16", top=32)
            assert all(country[o] != country[team] for o, _ in met), (team, met)


def test_a_group_stage_no_format_describes_is_refused_by_name(forecaster):
    with pytest.raises(DataError, match=r"uefa-el 2022-23: no built-in format describes its group stage"):
        forecaster.competition("uefa-el", "2022-23", as_of=dt.date(2022, 9, 8), sims=100)


def test_the_default_date_is_the_day_after_the_latest_match(store):
    season = read_season(store, WORLD_CUP, "2022")
    assert season.as_of == dt.date(2022, 12, 19)


def test_a_host_plays_its_knockout_matches_at_home(forecaster):
    fmt = load_format("world-cup-32")
    ids = np.array(forecaster._team_ids(["Qatar", "Ecuador", "Senegal"]), np.int64)
    model = forecaster.forecaster.fitted(dt.date(2022, 11, 20), forecaster.forecaster.pool(*ids))
    args = (fmt, model, ids, dt.date(2022, 11, 20), False)
    rules = fmt.rounds[0].rules.name
    neutral = forecaster._advance(*args, np.zeros(0, np.int64))[rules]
    hosted = forecaster._advance(*args, np.array([0]))[rules]
    assert hosted[0, 1] > neutral[0, 1] + 0.03 and hosted[0, 2] > neutral[0, 2] + 0.03
    off = ~np.eye(3, dtype=bool)
    assert np.allclose((hosted + hosted.T)[off], 1)  # one of the two goes through
    assert hosted[1, 2] == neutral[1, 2]  # two guests: still neutral
