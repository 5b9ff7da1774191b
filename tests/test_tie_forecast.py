import datetime as dt
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from remontada.app.cli import app
from remontada.data.bundle import open_store
from remontada.data.rules import TWO_LEGGED
from remontada.errors import BatchError, DataError
from remontada.knockout.forecast import TieForecaster, parse_leg1

BERGAMO = dt.date(2024, 4, 18)


@pytest.fixture(scope="module")
def ties(bundled_db):
    with open_store(bundled_db, read_only=True) as store:
        yield TieForecaster(store)


def test_liverpool_in_bergamo_from_what_the_store_knew_that_morning(ties):
    f = ties.tie("Liverpool", "Atalanta", date=BERGAMO)
    assert (f.leg1, f.leg1_date, f.leg2_date) == ((0, 3), dt.date(2024, 4, 11), BERGAMO)
    assert (f.rules.name, f.rules_from, f.competition, f.round) == (
        "uefa-2021", "competition", "UEFA Europa League", "Quarterfinals"
    )  # fmt: skip
    p = f.probabilities
    assert float(p.p_a + p.p_b) == pytest.approx(1.0)
    assert 0.02 < float(p.p_a) < 0.2  # a long shot, not a lost cause
    assert float(p.a_90 + p.a_extra_time + p.a_penalties) == pytest.approx(float(p.p_a))
    needs = f.needs()
    assert needs["side"] == "Liverpool" and (needs["to_level"], needs["to_win"]) == (3, 4)
    assert needs["p_to_win"] == pytest.approx(float(p.a_90))  # winning by 4 is the only way through in 90
    assert f.base_rate.deficit == 3 and f.base_rate.lost_at == "home" and f.base_rate.ties > 50
    assert f.actual == {"winner": "b", "decided_by": "aggregate", "leg2": {"a": 1, "b": 0}}
    cells = f.cells
    assert cells[0, 3] == 0 and cells[0, 4] == 1 and cells[1, 1] == -1
    # the score given by hand is the same tie
    by_hand = ties.tie("Liverpool", "Atalanta", leg1="Liverpool 0-3 Atalanta", date=BERGAMO)
    assert float(by_hand.probabilities.p_a) == pytest.approx(float(p.p_a))


def test_before_the_first_leg_both_legs_are_forecast(ties):
    f = ties.tie("Liverpool", "Atalanta", date=dt.date(2024, 4, 10))
    assert f.leg1 is None and f.leg1_rates is not None and f.cells is None and f.base_rate is None
    assert f.rules.name == "uefa-2021" and f.leg1_date == dt.date(2024, 4, 11)
    assert float(f.probabilities.p_a) > 0.5  # Liverpool were favourites before the 0-3


def test_away_goals_era_tie_uses_its_rules(ties):
    f = ties.tie("Barcelona", "Liverpool", date=dt.date(2019, 5, 7))
    assert f.rules.name == "uefa-away-goals" and f.leg1 == (3, 0)
    assert float(f.probabilities.p_b) < 0.15
    assert f.actual["winner"] == "b"


def test_rules_given_assumed_or_refused(ties):
    custom = ties.tie("Liverpool", "Atalanta", date=BERGAMO, rules="uefa-2021,away_goals=yes")
    assert custom.rules.away_goals and custom.rules_from == "given"
    assumed = ties.tie("Arsenal", "Chelsea", leg1="1-0", date=dt.date(2020, 1, 1))
    assert assumed.rules is TWO_LEGGED and assumed.rules_from == "assumed" and assumed.competition is None
    named = ties.tie("Arsenal", "Chelsea", leg1="1-0", date=dt.date(2020, 1, 1), competition="League Cup")
    assert named.rules_from == "competition" and named.competition == "League Cup"
    with pytest.raises(DataError, match="known rules: .*uefa-2021"):
        ties.tie("Liverpool", "Atalanta", date=BERGAMO, rules="golden-goal")
    with pytest.raises(DataError, match="is a league, with no knockout ties: .*uefa-2021"):
        ties.tie("Arsenal", "Chelsea", date=dt.date(2020, 1, 1), competition="eng-1")
    with pytest.raises(DataError, match="unknown competition"):
        ties.tie("Arsenal", "Chelsea", date=dt.date(2020, 1, 1), competition="Super League")


def test_a_single_match_final_at_a_neutral_ground(ties):
    f = ties.tie("Liverpool", "Tottenham", date=dt.date(2019, 6, 1), rules="single-match", neutral=True)
    p = f.probabilities
    assert f.rules.legs == 1 and f.cells is None and f.needs() is None
    assert float(p.p_a + p.p_b) == pytest.approx(1.0) and float(p.p_extra_time) > 0.1


@pytest.mark.parametrize(
    ("leg1", "date", "message"),
    [
        ("three-nil", BERGAMO, "not a score"),
        ("Barcelona 0-3 Atalanta", BERGAMO, "'Barcelona' is not in this tie"),
        ("Atalanta 3-0 Liverpool", BERGAMO, "swap the teams"),
        ("Liverpool 0-3 Atalanta", dt.date(2024, 4, 10), "before the first leg"),
    ],
)
def test_bad_first_legs_are_named(ties, leg1, date, message):
    with pytest.raises(DataError, match=message):
        ties.tie("Liverpool", "Atalanta", leg1=leg1, date=date)


def test_parse_leg1():
    assert parse_leg1("Liverpool 0-3 Atalanta") == ("Liverpool", 0, 3, "Atalanta")
    assert parse_leg1(" 2 : 1 ") == (None, 2, 1, None)
    assert parse_leg1("Paris Saint-Germain 4–0 Barcelona") == ("Paris Saint-Germain", 4, 0, "Barcelona")
    with pytest.raises(DataError):
        parse_leg1("Liverpool 0-3")


def test_a_round_is_every_tie_as_of_its_second_leg(ties):
    forecasts = ties.round("Europa League", "2023-24", "Quarterfinals")
    assert len(forecasts) == 4
    assert all(f.as_of == f.leg2_date and f.leg1 is not None and f.actual for f in forecasts)
    assert any(f.team_a == "Liverpool" for f in forecasts)
    with pytest.raises(DataError, match="no two-legged ties"):
        ties.round("Europa League", "2023-24", "Semi-finals of nothing")


def test_batch_keeps_columns_and_reports_every_bad_row(ties):
    rows = pd.DataFrame(
        {
            "date": ["2024-04-18", "2019-05-07", "2024-04-10", "not a date", "2024-04-18", "2024-04-18"],
            "team_a": ["Liverpool", "Barcelona", "Liverpool", "Liverpool", "Nowhere Rovers", "Liverpool"],
            "team_b": ["Atalanta", "Liverpool", "Atalanta", "Atalanta", "Atalanta", "Atalanta"],
            "leg1_a": ["0", "3", "", "0", "0", "x"],
            "leg1_b": ["3", "0", "", "3", "3", "1"],
            "note": list("abcdef"),
        }
    )
    with pytest.raises(BatchError) as caught:
        ties.batch(rows)
    assert [row for row, _ in caught.value.problems] == [5, 6, 7]
    out = ties.batch(rows, keep_going=True)
    assert list(out.columns[:6]) == list(rows.columns)
    assert out.loc[0, "p_a"] == pytest.approx(float(ties.tie("Liverpool", "Atalanta", date=BERGAMO).probabilities.p_a))
    assert out.loc[1, "rules_used"] == "uefa-away-goals"
    assert out.loc[2, "p_a"] > 0.5  # before the tie
    assert (out["p_a"] + out["p_b"]).dropna().round(9).eq(1).all()
    assert out["error"].ne("").tolist() == [False, False, False, True, True, True]


def test_tie_command(bundled_db, tmp_path):
    runner = CliRunner()
    card = runner.invoke(app, ["tie", "Liverpool", "Atalanta", "--date", "2024-04-18", "--db", str(bundled_db)])
    assert card.exit_code == 0, card.output
    for text in ("Liverpool v Atalanta", "need to win the second leg by 3", "precedents:", "extra time"):
        assert text in card.output
    as_json = json.loads(
        runner.invoke(
            app, ["tie", "Liverpool", "Atalanta", "--date", "2024-04-18", "--db", str(bundled_db), "--json"]
        ).output
    )
    assert as_json["rules"] == "uefa-2021" and len(as_json["second_leg"]) == 36
    round_ = runner.invoke(
        app,
        ["tie", "--competition", "uefa-el", "--season", "2023-24", "--round", "Quarterfinals", "--db", str(bundled_db)],
    )
    assert round_.exit_code == 0 and "Atalanta" in round_.output
    batch = tmp_path / "ties.csv"
    batch.write_text("date,team_a,team_b,leg1_a,leg1_b\n2024-04-18,Liverpool,Atalanta,0,3\n")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["tie", "--batch", str(batch), "--out", str(out), "--db", str(bundled_db)])
    assert result.exit_code == 0, result.output
    assert list(pd.read_csv(out).columns) == [
        "date", "team_a", "team_b", "leg1_a", "leg1_b", "p_a", "p_b", "p_extra_time", "p_penalties", "rules_used"
    ]  # fmt: skip


def test_a_first_leg_other_than_the_stored_one_is_a_what_if_without_the_stored_facts(ties):
    f = ties.tie("Liverpool", "Atalanta", leg1="Liverpool 1-1 Atalanta", date=BERGAMO)
    assert f.leg1 == (1, 1) and f.leg1_date is None and f.actual is None
    assert f.competition == "UEFA Europa League"  # the competition still comes from the stored tie
