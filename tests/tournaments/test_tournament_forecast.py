"""Tournament forecasts from the store and from fixtures: the demo's numbers, conditions, and bad input."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from remontada.data.bundle import open_store
from remontada.errors import BatchError, DataError
from remontada.tournaments.forecast import TournamentForecaster, parse_condition

BERGAMO = dt.date(2024, 4, 18)


@pytest.fixture(scope="module")
def forecaster(bundled_db):
    with open_store(bundled_db, read_only=True) as store:
        yield TournamentForecaster(store)


def test_europa_league_from_the_morning_in_bergamo(forecaster):
    f = forecaster.competition("uefa-el", "2023-24", as_of=BERGAMO, sims=20_000, seed=1)
    assert f.stages == ("quarterfinals", "semifinals", "final", "winner")
    p = f.table().set_index("team")
    # every stage holds its slots: 8 quarter-finalists, 4 semi-finalists, 2 finalists, 1 winner
    assert np.allclose(f.p.sum(0), [8, 4, 2, 1])
    assert (np.diff(f.p, axis=1) <= 0).all()
    assert 0.05 < p.loc["Liverpool", "semifinals"] < 0.2  # 0-3 down at home: a long shot
    assert p.loc["Liverpool", "winner"] < p.loc["Liverpool", "semifinals"]
    # the semi-final paths are the draw's: Liverpool/Atalanta meet Benfica/Marseille
    assert {name for name, _ in f.opponents("Liverpool")} == {"SL Benfica", "Olympique Marseille"}


def test_if_liverpool_go_through_with_common_random_numbers(forecaster):
    plain = forecaster.competition("uefa-el", "2023-24", as_of=BERGAMO, sims=20_000, seed=3)
    through = forecaster.competition(
        "uefa-el", "2023-24", as_of=BERGAMO, sims=20_000, seed=3, conditions=["Liverpool beat Atalanta"]
    )
    i, j = through.index("Liverpool"), through.index("Atalanta")
    assert through.p[i, 1] == 1 and through.p[j, 1] == 0
    # the other half of the bracket saw the same random numbers: identical counts
    for team in ("AS Roma", "AC Milan", "Bayer Leverkusen", "West Ham United"):
        k = plain.index(team)
        assert plain.counts.reached[k, 1] == through.counts.reached[k, 1]
    assert through.p[i, 3] > 4 * plain.p[i, 3]


def test_same_seed_same_answer(forecaster):
    a = forecaster.competition("uefa-el", "2023-24", as_of=BERGAMO, sims=12_000, seed=7)
    b = forecaster.competition("uefa-el", "2023-24", as_of=BERGAMO, sims=12_000, seed=7)
    assert (a.counts.reached == b.counts.reached).all()


def world_cup_2022(shared_data, before: str):
    results = pd.read_csv(shared_data / "international" / "results.csv")
    editions = pd.read_csv("src/remontada/tournaments/builtin/editions.csv")
    groups = dict(editions.loc[editions["edition"] == "world-cup-2022", ["team", "group"]].to_numpy())
    games = results[(results["tournament"] == "FIFA World Cup") & results["date"].between("2022-11-20", "2022-12-02")]
    rows = pd.DataFrame({"date": games["date"], "home": games["home_team"], "away": games["away_team"],
                         "group": [groups[h] for h in games["home_team"]], "neutral": games["neutral"],
                         "home_goals": games["home_score"].astype("Int64"),
                         "away_goals": games["away_score"].astype("Int64")})  # fmt: skip
    later = rows["date"] >= before
    rows.loc[later, ["home_goals", "away_goals"]] = pd.NA
    return rows.astype(str).replace("<NA>", "")


def test_world_cup_2022_group_stage_from_fixtures(forecaster, shared_data):
    rows = world_cup_2022(shared_data, "2022-11-29")
    f = forecaster.forecast("world-cup-32", rows, sims=20_000, seed=0)
    assert f.as_of == dt.date(2022, 11, 29)
    assert np.allclose(f.p.sum(0), [16, 8, 4, 2, 1])
    p = f.table().set_index("team")
    assert p.loc["Qatar", "round_of_16"] == 0  # lost its first two and could not catch up
    assert p.loc["Brazil", "round_of_16"] == 1
    assert f.importance and all(0 <= m.swing <= 1 for m in f.importance)


def test_a_score_on_or_after_the_date_is_refused(forecaster, shared_data):
    rows = world_cup_2022(shared_data, "2022-12-31")
    with pytest.raises(BatchError, match="not before the forecast's date 2022-11-25"):
        forecaster.forecast("world-cup-32", rows, as_of=dt.date(2022, 11, 25), sims=1_000)


def test_a_team_in_two_groups_and_uneven_groups_are_named(forecaster, shared_data):
    rows = world_cup_2022(shared_data, "2022-11-29")
    moved = rows.copy()
    moved.loc[moved.index[0], "group"] = "B"
    with pytest.raises(DataError, match="is in group"):
        forecaster.forecast("world-cup-32", moved, sims=1_000)
    with pytest.raises(DataError, match="groups of 4 teams expected"):
        forecaster.forecast("world-cup-32", rows[rows["group"] != "H"], sims=1_000)


def test_an_if_naming_no_match_is_refused(forecaster, shared_data):
    rows = world_cup_2022(shared_data, "2022-11-29")
    with pytest.raises(DataError, match="no match still to play between them"):
        forecaster.forecast("world-cup-32", rows, sims=1_000, conditions=["Brazil beat Argentina"])
    with pytest.raises(DataError, match="'Atlantis' is not in this competition"):
        forecaster.forecast("world-cup-32", rows, sims=1_000, conditions=["Atlantis beat Brazil"])


def test_a_league_gets_positions_points_and_zones(forecaster):
    f = forecaster.competition("eng-1", "2023-24", as_of=dt.date(2024, 3, 1), sims=5_000, seed=0)
    assert f.league and f.stages == ("champion",)
    assert np.allclose(f.positions.sum(1), 1) and np.allclose(f.positions.sum(0), 1)
    table = f.table().set_index("team")
    assert table["champion"].sum() == pytest.approx(1)
    assert table.loc["Manchester City", "champion"] > table.loc["Burnley", "champion"]
    assert 0 < table.loc["Burnley", "relegation"] <= 1


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("Liverpool beat Atalanta", ("Liverpool", "Atalanta", 1, None)),
        ("Real Madrid draw with Bayern Munich", ("Real Madrid", "Bayern Munich", 0, None)),
        ("Wales lose to Iran", ("Wales", "Iran", -1, None)),
        ("Spain 2-1 Germany", ("Spain", "Germany", 1, (2, 1))),
    ],
)
def test_conditions_parse(text, parsed):
    c = parse_condition(text)
    assert (c.first, c.second, c.sign, c.score) == parsed


def test_a_condition_that_does_not_parse_says_how_to_write_it():
    with pytest.raises(DataError, match="write 'A beat B'"):
        parse_condition("Liverpool")


def test_settled_ties_go_to_their_winners_even_on_penalties(forecaster):
    f = forecaster.competition("uefa-el", "2023-24", as_of=dt.date(2024, 4, 19), sims=2_000, seed=0)
    semi = {team for team, p in zip(f.teams, f.p[:, 1], strict=True) if p == 1}
    # Marseille beat Benfica on penalties after 2-2: the store's tie winner, not the aggregate, decides
    assert semi == {"Bayer Leverkusen", "Atalanta", "AS Roma", "Olympique Marseille"}


def in_play(rows, home, minute, home_goals, away_goals):
    """The fixtures with ``home``'s match in play at ``minute`` and that score."""
    rows = rows.copy()
    rows["minute"] = ""
    at = rows.index[rows["home"] == home][-1]
    rows.loc[at, ["home_goals", "away_goals", "minute"]] = [str(home_goals), str(away_goals), str(minute)]
    return rows


def test_a_group_match_in_play_starts_from_its_minute_and_score(forecaster, shared_data):
    # 2 December 2022: South Korea needed to beat Portugal and won 2-1 in the 91st minute
    rows = world_cup_2022(shared_data, "2022-12-02")
    day = dt.date(2022, 12, 2)

    def korea(frame, **kw):
        f = forecaster.forecast("world-cup-32", frame, as_of=day, sims=20_000, seed=4, **kw)
        return f.table().set_index("team").loc["South Korea", "round_of_16"]

    before = korea(rows)
    level_late = korea(in_play(rows, "South Korea", 80, 1, 1))
    ahead_late = korea(in_play(rows, "South Korea", 89, 2, 1))
    won = korea(rows, conditions=["South Korea 2-1 Portugal"])
    assert level_late < before < ahead_late  # a draw is not enough with ten minutes left
    assert abs(ahead_late - won) < 0.03  # a minute from the end, about the same as the result


def test_a_match_in_play_is_checked(forecaster, shared_data):
    rows = world_cup_2022(shared_data, "2022-12-02")
    with pytest.raises(BatchError, match="a match in play needs its score so far"):
        bad = in_play(rows, "South Korea", 80, 1, 1)
        bad.loc[bad["minute"] != "", ["home_goals", "away_goals"]] = ""
        forecaster.forecast("world-cup-32", bad, as_of=dt.date(2022, 12, 2), sims=100)
    with pytest.raises(BatchError, match="minute 95 is not 1..89"):
        forecaster.forecast("world-cup-32", in_play(rows, "South Korea", 95, 1, 1), as_of=dt.date(2022, 12, 2))
    with pytest.raises(BatchError, match="is in play but dated 2022-12-02, not the forecast's date 2022-12-01"):
        forecaster.forecast("world-cup-32", in_play(rows, "South Korea", 80, 1, 1), as_of=dt.date(2022, 12, 1))


def test_a_league_match_matters_for_the_zones_too(forecaster):
    # April 2024: the title was Arsenal's, City's and Liverpool's, but Luton, Burnley and
    # Forest fought against relegation and Villa and Spurs for fourth place
    f = forecaster.competition("eng-1", "2023-24", as_of=dt.date(2024, 4, 1), sims=10_000, seed=0)
    targets = {m.stage for m in f.importance}
    assert {"relegation", "champions_league"} <= targets
    luton = next(m for m in f.importance if "Luton Town" in (m.home, m.away))
    assert luton.stage == "relegation" and luton.swing > 0.05
