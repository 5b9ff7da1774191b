"""Qualifying rounds, play-offs and national cups from openfootball become ties that can be forecast (issue 12).

Before the fix, ``= UEFA Conference League - Quali 2024/25`` was stored as a league of
that name, and ``tie --batch`` refused its ties: "... is a league, with no knockout ties".
"""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from remontada.app.cli import app
from remontada.data import queries
from remontada.data.ingest import import_file, import_paths
from remontada.data.store import Store

DATA = Path(__file__).parent / "data" / "openfootball"
runner = CliRunner()


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "store.duckdb") as s:
        yield s


def outcomes(store: Store, **where: str) -> dict[tuple[str, str], tuple[str | None, str, int, int, str]]:
    """Each tie by its two sides: winner, how it was decided, aggregate and rules."""
    frame = queries.ties(store, **where)
    return {
        (row.team_a, row.team_b): (row.winner, row.decided_by, int(row.agg_a), int(row.agg_b), row.rules)
        for row in frame.itertuples()
    }


def kinds(store: Store) -> dict[str, str]:
    return dict(store.con.execute("SELECT competition_id, kind FROM competitions").fetchall())


def test_conference_league_qualifying_ties_are_settled_under_the_rules_of_their_day(store):
    report = import_file(store, DATA / "confq-2024-25.txt")
    assert (report.matches_new, report.ties_new, report.rejects) == (24, 12, 2)
    assert kinds(store) == {"uefa-ecl": "continental"}
    ties = outcomes(store, competition="uefa-ecl", season="2024-25")
    assert len(ties) == 12
    assert ties[("Caernarfon Town", "Crusaders FC")] == ("Caernarfon Town", "penalties", 3, 3, "uefa-2021")
    assert ties[("FK Aktobe", "FK Sarajevo")] == ("FK Sarajevo", "penalties", 3, 3, "uefa-2021")
    assert ties[("FCB Magpies", "Derry City")] == ("FCB Magpies", "extra_time", 3, 2, "uefa-2021")
    assert ties[("NK Bravo", "Connah's Quay Nomads")] == ("NK Bravo", "extra_time", 2, 1, "uefa-2021")
    assert ties[("FK Auda", "B36 Tórshavn")] == ("FK Auda", "aggregate", 3, 0, "uefa-2021")
    assert ties[("ACF Fiorentina", "Puskás FC")] == ("ACF Fiorentina", "penalties", 4, 4, "uefa-2021")
    # the Faroese and the Icelandic Víkingur are two teams
    assert ties[("FK Liepāja", "Víkingur")][:2] == ("Víkingur", "aggregate")
    assert ties[("Víkingur Reykjavík", "Egnatia Rrogozhine")][:2] == ("Víkingur Reykjavík", "aggregate")
    rounds = queries.ties(store, competition="uefa-ecl")["round"].value_counts().to_dict()
    assert rounds == {"Qualifying Round 1": 7, "Qualifying Round 2": 2, "Qualifying Playoffs": 3}


def test_qualifying_ties_before_2021_are_settled_on_away_goals(store):
    import_file(store, DATA / "clq-2015-16.txt")
    ties = outcomes(store, competition="uefa-cl", season="2015-16")
    assert ties == {
        ("Crusaders FC", "FC Levadia Tallinn"): ("Crusaders FC", "away_goals", 1, 1, "uefa-away-goals"),
        ("APOEL Nikosia", "Vardar Skopje"): ("APOEL Nikosia", "away_goals", 1, 1, "uefa-away-goals"),
        ("FC Midtjylland", "APOEL Nikosia"): ("APOEL Nikosia", "away_goals", 2, 2, "uefa-away-goals"),
        ("Dinamo Zagreb", "Molde FK"): ("Dinamo Zagreb", "away_goals", 4, 4, "uefa-away-goals"),
        ("BATE Borisov", "Partizan Belgrade"): ("BATE Borisov", "away_goals", 2, 2, "uefa-away-goals"),  # shipped alias
        ("FC Basel", "Maccabi Tel Aviv"): ("Maccabi Tel Aviv", "away_goals", 3, 3, "uefa-away-goals"),
    }


def test_a_national_cup_is_a_cup_with_single_match_ties_and_a_league_stays_a_league(store):
    reports = import_paths(store, [DATA / "cup-2023-24.txt", DATA / "league-2023-24.txt"])
    assert [r.ties_new for r in reports] == [6, 0]
    assert kinds(store) == {"DFB Pokal": "cup", "Deutsche Bundesliga": "league"}
    ties = outcomes(store, competition="DFB Pokal")
    assert ties[("SV Sandhausen", "Hannover 96")] == ("SV Sandhausen", "penalties", 3, 3, "single-match")
    assert ties[("Rot-Weiss Essen", "Hamburger SV")] == ("Hamburger SV", "extra_time", 3, 4, "single-match")
    assert ties[("1. FC Saarbrücken", "Karlsruher SC")] == ("1. FC Saarbrücken", "single_match", 2, 1, "single-match")
    assert queries.ties(store, competition="Deutsche Bundesliga").empty


def test_the_same_tie_under_another_round_name_is_not_stored_twice(store, tmp_path):
    import_file(store, DATA / "clq-2015-16.txt")
    other = tmp_path / "clq.txt"  # another source's spelling of the play-off round, the same matches
    text = (DATA / "clq-2015-16.txt").read_text(encoding="utf-8")
    other.write_text(text.replace("Play-off round (Champions Route)", "Playoffs"), encoding="utf-8")
    report = import_file(store, other)
    assert (report.matches_new, report.matches_merged, report.ties_new) == (0, 12, 0)
    assert store.count("ties") == 6


def test_qualifying_ties_in_data_ties_and_tie_batch(bundled_db, tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copy(bundled_db, db)
    imported = runner.invoke(app, ["data", "import", str(DATA / "confq-2024-25.txt"), "--db", str(db), "--json"])
    assert imported.exit_code == 0, imported.output
    listed = runner.invoke(
        app, ["data", "ties", "--competition", "uefa-ecl", "--round", "Qualifying Playoffs", "--db", str(db), "--json"]
    )
    assert listed.exit_code == 0, listed.output
    ties = {(t["team_a"], t["team_b"]): (t["winner"], t["decided_by"]) for t in json.loads(listed.output)}
    assert ties[("ACF Fiorentina", "Puskás FC")] == ("ACF Fiorentina", "penalties")
    assert len(ties) == 3
    batch = tmp_path / "ties.csv"
    # the second legs: one with its first leg left to the store, one given
    batch.write_text("date,team_a,team_b,leg1_a,leg1_b\n2024-08-29,ACF Fiorentina,Puskás FC,,\n"
                     "2024-07-17,Caernarfon Town (WAL),Crusaders FC (NIR),2,0\n", encoding="utf-8")  # fmt: skip
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["tie", "--batch", str(batch), "--out", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    answers = pd.read_csv(out)
    assert answers["rules_used"].tolist() == ["uefa-2021", "uefa-2021"]
    assert (answers["p_a"] + answers["p_b"]).round(9).eq(1).all()
    assert answers.loc[1, "p_a"] > 0.5  # 2-0 up before the second leg
    card = runner.invoke(app, ["tie", "Fiorentina", "Puskás FC", "--date", "2024-08-29", "--db", str(db), "--json"])
    assert card.exit_code == 0, card.output
    forecast = json.loads(card.output)
    assert (forecast["competition"], forecast["round"], forecast["rules"]) == (
        "UEFA Europa Conference League",
        "Qualifying Playoffs",
        "uefa-2021",
    )
    assert forecast["leg1"] == {"a": 3, "b": 3}


@pytest.mark.slow
def test_the_shared_openfootball_folder_imports_to_the_same_ties(shared_data, tmp_path):
    root = shared_data / "openfootball"
    if not root.is_dir():
        pytest.skip(f"shared data not found at {root}")
    with Store.open(tmp_path / "store.duckdb") as store:
        import_paths(store, [root])
        assert store.count("matches") == 2666 and store.count("ties") == 363
        assert kinds(store) == {"uefa-cl": "continental", "uefa-el": "continental", "uefa-ecl": "continental"}
        assert store.one("SELECT count(*) FROM ties WHERE legs = 1")[0] == 26  # 20 finals, 2020's final eight
