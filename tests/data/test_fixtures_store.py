"""Fixtures (matches not yet played): read from openfootball and the fixtures CSV, stored, replaced by results."""

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
from typer.testing import CliRunner

from remontada.app.cli import app
from remontada.data.ingest import import_file
from remontada.data.io import detect
from remontada.data.io.base import MATCH_STATISTICS
from remontada.data.schedule import competition_matches
from remontada.data.store import MIGRATIONS, SCHEMA_VERSION, Store

HERE = Path(__file__).parent / "fixtures"
TXT, CSV, RESULTS = HERE / "cl-fixtures.txt", HERE / "cl-2023-24.csv", HERE / "cl-results.txt"


def fixtures_of(store):
    return store.df(
        "SELECT f.date, h.name AS home, a.name AS away, f.round, f.grp, f.leg, f.neutral FROM fixtures f "
        "JOIN teams h ON h.team_id = f.home_id JOIN teams a ON a.team_id = f.away_id ORDER BY f.date, home"
    )


def test_openfootball_lines_without_a_score_are_fixtures_with_round_group_and_leg():
    parsed = detect(TXT).parse(TXT)
    assert parsed.rejects.empty
    assert list(parsed.matches["group"]) == ["A", "B"]  # from the 'Group A | ...' lines
    f = parsed.fixtures.set_index("line")
    assert list(f.index) == [15, 16, 17, 21, 25, 27]
    assert list(f["group"].fillna("-")) == ["A", "B", "-", "C", "-", "-"]  # line 17: two groups' teams, no letter
    assert list(f["kickoff"].fillna("-")) == ["18:45", "21:00", "21:00", "-", "21:00", "21:00"]
    assert f.loc[21, "round"] == "Group C" and f.loc[25, "round"] == "Round of 16"
    assert list(f["leg"].astype("Float64").fillna(0)) == [0, 0, 0, 0, 1, 2] and f.loc[25, "knockout"]
    assert f.loc[15, "date"] == pd.Timestamp("2023-10-03") and f.loc[15, "home_country"] == "DEN"


def test_fixtures_csv_keeps_good_rows_and_rejects_bad_ones_by_line():
    importer = detect(CSV)
    assert importer.name == "fixtures"
    parsed = importer.parse(CSV)
    f = parsed.fixtures
    assert list(f["line"]) == [2, 3, 4, 5]
    assert set(f["competition"]) == {"uefa-cl"} and set(f["season"]) == {"2023-24"}  # names and 2023/24 read
    assert list(f["group"].fillna("-")) == ["B", "C", "-", "-"] and list(f["neutral"]) == [False, False, False, True]
    assert list(f["knockout"]) == [False, False, True, True]
    reasons = dict(zip(parsed.rejects["line"], parsed.rejects["reason"], strict=True))
    assert set(reasons) == {6, 7, 8, 9, 10}
    assert "date: '2024-02-30'" in reasons[6]
    assert "away: missing" in reasons[7]
    assert "season: '2023-25'" in reasons[8]
    assert "group: 'BB'" in reasons[9] and "neutral: 'maybe'" in reasons[9]
    assert "wrong number of columns" in reasons[10]


def test_fixture_names_resolve_as_match_names_do_and_unknown_ones_are_listed_not_guessed(tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        import_file(store, RESULTS)
        report = import_file(store, CSV)
        assert (report.fixtures_new, report.rejects) == (4, 5)
        unresolved = store.df("SELECT spelling, candidates, reason FROM unresolved").set_index("spelling")
        # an untagged 'Arsenal FC' in a competition of no one country is not assumed to be the English club
        assert unresolved.loc["Arsenal FC", "candidates"] == "Arsenal FC (ENG)"
        assert "known only from fixtures" in unresolved.loc["Borussia Dortmund", "reason"]
        # with its country given, the name is the stored team
        tagged = tmp_path / "tagged.csv"
        tagged.write_text(
            "date,home,away,competition,season,home_country,away_country\n"
            "2024-02-20,FC Porto,Arsenal FC,uefa-cl,2023-24,POR,ENG\n"
        )
        import_file(store, tagged)
        away = store.one(
            "SELECT t.name, t.country FROM fixtures f JOIN teams t ON t.team_id = f.away_id "
            "WHERE f.source_file LIKE '%tagged.csv'"
        )
        assert away == ("Arsenal FC", "ENG") and store.one("SELECT count(*) FROM teams WHERE country = 'ENG'") == (1,)


def test_a_result_replaces_its_fixture_even_a_day_later(tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        report = import_file(store, TXT)
        assert (report.matches_new, report.fixtures_new) == (2, 6)
        results = import_file(store, RESULTS)
        assert results.fixtures_played == 2
        left = fixtures_of(store)
        assert len(left) == 4 and "Racing Club de Lens" not in set(left["home"])
        assert "FC København" in set(left["home"])  # the Round of 16 legs are still to play
        assert store.count("matches") == 4


def test_a_fixture_already_played_is_not_added_and_importing_twice_adds_nothing(tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        import_file(store, RESULTS)
        assert import_file(store, TXT).fixtures_new == 4  # Lens v Arsenal and København v Bayern are played
        assert import_file(store, TXT).status.startswith("already imported")
        # the same fixtures, edited: one moved by two days, the rest as they were
        edited = tmp_path / "cl-fixtures-edited.txt"
        edited.write_text(TXT.read_text().replace("Wed Oct/4", "Fri Oct/6"))
        report = import_file(store, edited)
        assert (report.fixtures_new, report.fixtures_moved) == (0, 1)
        assert store.count("fixtures") == 4
        moved = fixtures_of(store).set_index("home").loc["Real Madrid CF"]
        assert moved["date"] == pd.Timestamp("2023-10-06") and moved["grp"] == "C"


def test_competition_matches_as_of_hides_what_was_not_yet_played(tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        import_file(store, TXT)
        import_file(store, RESULTS)
        season = competition_matches(store, "Champions League", "2023-24")
        assert list(season["played"]) == [True, True, True, False, False, True, False, False]
        assert season["date"].is_monotonic_increasing
        assert season["home_goals"].dtype == "Int64" and season.loc[2, "home_goals"] == 2  # Lens 2-1 Arsenal
        # the results name no group: a match takes the letter of the fixture it replaced
        assert list(season["group"].fillna("-")[:6]) == ["A", "B", "B", "-", "C", "A"]
        assert list(season["leg"].fillna(0)[-2:]) == [1, 2] and season["fixture_id"].notna().sum() == 4
        before = competition_matches(store, "uefa-cl", "2023-24", as_of=dt.date(2023, 10, 3))
        assert list(before["played"]) == [True, True] + [False] * 6
        assert before["home_goals"].isna().sum() == 6 and before["away_goals"].isna().sum() == 6


def test_data_status_counts_fixtures(tmp_path):
    runner = CliRunner()
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["data", "import", str(CSV), str(RESULTS), "--db", str(db), "--empty", "--json"])
    assert result.exit_code == 0, result.output
    status = json.loads(runner.invoke(app, ["data", "status", "--db", str(db), "--json"]).output)
    assert status["totals"]["fixtures"] == 4 and status["totals"]["matches"] == 2
    [row] = status["competitions"]
    assert (row["season"], row["matches"], row["fixtures"]) == ("2023-24", 2, 4)
    text = runner.invoke(app, ["data", "status", "--db", str(db)]).output
    assert "fixtures" in text


def test_a_store_of_schema_4_migrates_to_fixtures_and_group_letters(tmp_path):
    path = tmp_path / "v4.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
    for number, migration in enumerate(MIGRATIONS[:4], start=1):
        con.execute(migration)
        con.execute("INSERT INTO schema_version VALUES (?, now())", [number])
    con.execute(
        "INSERT INTO matches VALUES (1, '2011-09-14', NULL, 'uefa-cl', '2011-12', 'Group C', false, 1, 2, false, 2, 1,"
        " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, 1, 'cl.txt', 53)"
    )
    con.close()
    with Store.open(path) as store:
        assert store.version() == SCHEMA_VERSION >= 5
        assert store.one("SELECT grp FROM matches") == ("C",)
        assert store.count("fixtures") == 0 and store.columns("journal_matches")[-9:] == store.columns("matches")[-9:]
        assert store.columns("matches")[-9:-7] == ["grp", "home_shots"]  # migration 5's column, then 6's
        assert store.columns("journal_fixtures")[2:] == store.columns("fixtures")


def test_an_export_of_schema_4_loads_with_group_letters_filled(tmp_path):
    from remontada.data.bundle import export_parquet, load_parquet

    with Store.open(tmp_path / "s.duckdb") as store:
        import_file(store, TXT)
        export_parquet(store, tmp_path / "old")
    old = tmp_path / "old"
    manifest = json.loads((old / "manifest.json").read_text())
    for table in ("fixtures", "journal_fixtures"):
        del manifest["rows"][table]
        (old / f"{table}.parquet").unlink()
    con = duckdb.connect()
    later = ", ".join(["grp", *MATCH_STATISTICS])  # migrations 5 and 6 added them
    for table in ("matches", "journal_matches"):  # as schema 4 wrote them: no grp column, no statistics
        con.execute(
            f"COPY (SELECT * EXCLUDE ({later}) FROM '{old / table}.parquet') TO '{old / table}.x' (FORMAT parquet)"
        )
        shutil.move(old / f"{table}.x", old / f"{table}.parquet")
    (old / "manifest.json").write_text(json.dumps({**manifest, "schema_version": 4}))
    with Store.open(tmp_path / "copy.duckdb") as copy:
        load_parquet(copy, old)
        assert copy.count("matches") == 2 and copy.count("fixtures") == 0
        assert copy.df("SELECT grp FROM matches")["grp"].isna().all()  # 'Group' rounds name no letter
