"""Team identity: names link to teams on strong evidence only, and links can be undone (issue 12)."""

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from remontada.app import cli
from remontada.app.cli import data as data_commands
from remontada.data import queries
from remontada.data.ingest import import_file
from remontada.data.links import link_teams, links, unlink
from remontada.data.store import TABLES, Store
from remontada.errors import DataError

DATA = Path(__file__).parent / "data"
runner = CliRunner()

LEAGUE = """Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR
E0,07/10/23,Burnley,Southampton,3,0,H
E0,07/10/23,Everton,Liverpool,1,1,D
E0,14/10/23,Southampton,Burnley,2,1,H
E0,14/10/23,Liverpool,Everton,2,0,H
E0,21/10/23,Burnley,Liverpool,0,2,A
E0,21/10/23,Everton,Southampton,1,0,H
E0,28/10/23,Liverpool,Burnley,1,1,D
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(store: Store) -> dict[str, pd.DataFrame]:
    """Every table's rows, sorted, for row-for-row comparison."""
    out = {}
    for table in TABLES:
        frame = store.df(f"SELECT * FROM {table}")
        out[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True) if len(frame) else frame
    return out


def assert_same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(before[table], after[table], check_dtype=False, obj=table)


@pytest.fixture
def league(tmp_path):
    store = Store.open(tmp_path / "s.duckdb")
    import_file(store, write(tmp_path / "league.csv", LEAGUE))
    yield store
    store.close()


def test_one_matching_fixture_links_nothing(league, tmp_path):
    """Issue 12: `Fake Town 3-0 Made Up City` on the day Burnley beat Southampton 3-0."""
    fake = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\nE0,07/10/23,Fake Town,Made Up City,3,0,H\n"
    report = import_file(league, write(tmp_path / "fake.csv", fake))
    assert report.teams_new == 2 and report.matches_new == 1
    assert queries.find_team(league, "Fake Town") != queries.find_team(league, "Burnley")
    unresolved = queries.unresolved(league).set_index("spelling")
    assert unresolved.loc["Fake Town", "candidates"] == "Burnley"
    assert unresolved.loc["Made Up City", "candidates"] == "Southampton"
    assert "only 1 of its 1 fixture(s) match; a link needs 3" in unresolved.loc["Fake Town", "reason"]
    assert links(league).empty


def test_every_fixture_of_a_name_with_two_links_it_with_its_evidence(league, tmp_path):
    clarets = (
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\n"
        "E0,07/10/23,Clarets,Southampton,3,0,H\nE0,21/10/23,Clarets,Liverpool,0,2,A\n"
    )
    report = import_file(league, write(tmp_path / "clarets.csv", clarets))
    assert report.teams_new == 0 and report.matches_merged == 2
    assert queries.find_team(league, "Clarets") == queries.find_team(league, "Burnley")
    made = links(league, team="Burnley")
    assert made[["origin", "spelling", "team"]].values.tolist() == [["overlap", "Clarets", "Burnley"]]
    evidence = json.loads(made["evidence"].iloc[0])
    assert [(f["date"], f["score"]) for f in evidence["fixtures"]] == [("2023-10-07", "3-0"), ("2023-10-21", "0-2")]
    assert made["source_file"].iloc[0].endswith("clarets.csv")


def test_one_of_two_fixtures_is_not_enough(league, tmp_path):
    text = (
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\n"
        "E0,07/10/23,Clarets,Southampton,3,0,H\nE0,04/11/23,Clarets,Everton,1,0,H\n"
    )
    import_file(league, write(tmp_path / "half.csv", text))
    assert queries.find_team(league, "Clarets") != queries.find_team(league, "Burnley")
    assert "only 1 of its 2" in queries.unresolved(league).set_index("spelling").loc["Clarets", "reason"]


def test_a_contradicting_fixture_stops_a_link(league, tmp_path):
    rows = [
        "E0,07/10/23,Clarets,Southampton,3,0,H",
        "E0,14/10/23,Southampton,Clarets,2,1,H",
        "E0,21/10/23,Clarets,Liverpool,0,2,A",
        "E0,28/10/23,Liverpool,Clarets,4,0,H",  # Burnley drew 1-1 at Liverpool that day
    ]
    text = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\n" + "\n".join(rows) + "\n"
    import_file(league, write(tmp_path / "contra.csv", text))
    assert queries.find_team(league, "Clarets") != queries.find_team(league, "Burnley")
    reason = queries.unresolved(league).set_index("spelling").loc["Clarets", "reason"]
    assert "3 fixture(s) agree but 1 contradict" in reason


def test_a_country_tag_never_links_to_another_country(tmp_path):
    store = Store.open(tmp_path / "s.duckdb")
    league = "\n".join(
        ["= UEFA Conference League 2023/24", "", "» Round 1", "  Thu Jul/13 2023"]
        + [f"    19.00  Víkingur  v  Opponent {i}   {i}-0" for i in range(1, 4)]
    )
    import_file(store, write(tmp_path / "untagged.txt", league + "\n"))
    tagged = league.replace("Víkingur ", "Víkingur (ISL) ").replace("Opponent 1 ", "Opponent 1 (LVA) ")
    tagged = tagged.replace("Opponent 2 ", "Opponent 2 (LVA) ").replace("Opponent 3 ", "Opponent 3 (LVA) ")
    import_file(store, write(tmp_path / "tagged.txt", tagged + "\n"))
    assert len(store.df("SELECT * FROM teams WHERE name = 'Víkingur'")) == 2
    reason = queries.unresolved(store).query("country == 'ISL'")["reason"].iloc[0]
    assert "tagged ISL" in reason
    store.close()


VIKINGUR_ISL = """= UEFA Conference League 2023/24

» Round 1
  Thu Jul/13 2023
    19.00  Víkingur (ISL)  v  Riga FC (LVA)   2-1
  Thu Jul/20
    19.00  Riga FC (LVA)  v  Víkingur (ISL)   1-1
"""

VIKINGUR_FRO = """= UEFA Conference League 2024/25

» Round 2
  Thu Jul/25 2024
    19.00  Víkingur  v  Riga FC   0-1
  Thu Aug/1
    19.00  Riga FC  v  Víkingur   2-0
"""


def test_namesakes_of_two_countries_stay_two_teams_and_tie_batch_finds_the_right_tie(tmp_path):
    """Víkingur Reykjavík (tagged ISL) and the Faroes' Víkingur (untagged) are two clubs."""
    db = tmp_path / "s.duckdb"
    files = [write(tmp_path / "isl.txt", VIKINGUR_ISL), write(tmp_path / "fro.txt", VIKINGUR_FRO)]
    assert runner.invoke(cli.app, ["data", "import", *map(str, files), "--db", str(db), "--empty"]).exit_code == 0
    with Store.open(db) as store:
        teams = store.df("SELECT name, country FROM teams WHERE name = 'Víkingur' ORDER BY country")
        assert teams["country"].iloc[0] == "ISL" and teams["country"].isna().tolist() == [False, True]
        unresolved = queries.unresolved(store).set_index("spelling")
        assert unresolved.loc["Víkingur", "candidates"] == "Víkingur (ISL)"
    batch = write(
        tmp_path / "ties.csv", "date,team_a,team_b,leg1_a,leg1_b\n2024-07-18,Víkingur (ISL),Riga FC (LVA),1,0\n"
    )
    result = runner.invoke(cli.app, ["tie", "--batch", str(batch), "--out", "-", "--db", str(db)])
    assert result.exit_code == 0, result.output + str(result.exception)
    assert "before the first leg" not in result.output
    assert "p_a" in result.output.splitlines()[0]


def test_rivals_are_never_linked(league):
    before = snapshot(league)
    with pytest.raises(DataError, match=r"Everton and Liverpool played each other 2 times \(first 2023-10-07\)"):
        link_teams(league, "Everton", "Liverpool")
    assert_same(before, snapshot(league))


def test_teams_of_two_countries_are_never_linked(league):
    league.con.execute("INSERT INTO teams VALUES (99, 'Burnley Town', 'SCO', 'club')")
    league.con.execute("INSERT INTO team_aliases VALUES ('club', 'SCO', 'burnley town', 'Burnley Town', 99, 'new', 1)")
    with pytest.raises(DataError, match=r"Burnley Town \(SCO\) and Burnley \(ENG\) are of different countries"):
        link_teams(league, "Burnley Town", "Burnley")


def verona_store(tmp_path):
    db = tmp_path / "v.duckdb"
    with Store.open(db) as store:
        import_file(store, DATA / "overlap/italy-2019.csv")
        import_file(store, DATA / "link/serie-a/season-1920.csv")  # Verona: a new team
    return db


def invoke(*args, **kwargs):
    return runner.invoke(cli.app, [str(a) for a in args], **kwargs)


def test_data_link_asks_first_and_refuses_without_a_terminal(tmp_path, monkeypatch):
    db = verona_store(tmp_path)
    with Store.open(db) as store:
        before = snapshot(store)
    refused = invoke("data", "link", "Verona (ITA)", "Hellas Verona", "--db", db)
    assert refused.exit_code != 0 and "pass --yes" in str(refused.exception)
    monkeypatch.setattr(data_commands, "_interactive", lambda: True)
    declined = invoke("data", "link", "Verona (ITA)", "Hellas Verona", "--db", db, input="n\n")
    assert declined.exit_code == 1 and "Link Verona into Hellas Verona, moving its 13 matches?" in declined.output
    with Store.open(db) as store:
        assert_same(before, snapshot(store))
    accepted = invoke("data", "link", "Verona (ITA)", "Hellas Verona", "--db", db, input="y\n")
    assert accepted.exit_code == 0 and "Verona is now Hellas Verona" in accepted.output


def test_data_link_refuses_rivals_with_a_message(league, tmp_path):
    league.close()
    result = invoke("data", "link", "Everton", "Liverpool", "--yes", "--db", tmp_path / "s.duckdb")
    assert result.exit_code != 0
    assert "they are different teams" in str(result.exception)


def test_link_then_unlink_restores_the_store_row_for_row(tmp_path):
    db = verona_store(tmp_path)
    with Store.open(db) as store:
        before = snapshot(store)
    linked = json.loads(invoke("data", "link", "Verona (ITA)", "Hellas Verona", "--yes", "--json", "--db", db).output)
    assert linked["matches_merged"] == 1 and linked["conflicts"] == 1
    listed = json.loads(invoke("data", "links", "--team", "Hellas Verona", "--json", "--db", db).output)
    assert [(r["origin"], r["spelling"]) for r in listed if r["origin"] == "manual"] == [("manual", "Verona")]
    undone = invoke("data", "unlink", "Verona", "--db", db)
    assert undone.exit_code == 0 and f"link {linked['link_id']} undone" in undone.output
    with Store.open(db) as store:
        assert_same(before, snapshot(store))
        # and by id, a second time round
        again = link_teams(store, "Verona (ITA)", "Hellas Verona")
        unlink(store, str(again.link_id))
        assert_same(before, snapshot(store))


def test_unlink_refuses_when_the_rows_have_changed_since(tmp_path):
    db = verona_store(tmp_path)
    with Store.open(db) as store:
        first = link_teams(store, "Verona (ITA)", "Hellas Verona")
        store.con.execute(
            "UPDATE matches SET kickoff = '20:45' "
            "WHERE home_id = (SELECT team_id FROM teams WHERE name = 'Hellas Verona')"
        )
        changed = snapshot(store)
        with pytest.raises(DataError, match="cannot be undone: matches changed since"):
            unlink(store, str(first.link_id))
        assert_same(changed, snapshot(store))
        with pytest.raises(DataError, match="no link made by `data link` for 'Nobody'"):
            unlink(store, "Nobody")


def test_automatic_links_are_listed_with_their_origin(tmp_path):
    db = tmp_path / "s.duckdb"
    invoke("data", "import", DATA / "overlap/italy-2019.csv", DATA / "overlap/serie-a", "--db", db, "--empty")
    listed = json.loads(invoke("data", "links", "--json", "--db", db).output)
    verona = [r for r in listed if r["spelling"] == "Verona"]
    assert verona and verona[0]["origin"] == "overlap" and len(verona[0]["evidence"]["fixtures"]) >= 2
    assert invoke("data", "links", "--db", db).exit_code == 0


# -- property: linking then unlinking two unrelated teams restores any small store --------
_match = st.tuples(st.integers(0, 6), st.integers(1, 5), st.integers(1, 5), st.integers(0, 3), st.integers(0, 3))


@settings(max_examples=20)  # each example builds a store and links three times
@given(st.lists(_match, min_size=1, max_size=25))
def test_link_then_unlink_restores_any_small_store(rows):
    store = Store.memory()
    store.con.execute("INSERT INTO competitions VALUES ('eng-1', 'Premier League', 'ENG', 'league', 1)")
    store.con.execute(
        "CREATE TEMP TABLE named AS SELECT CAST(i AS INTEGER) AS i, 'Team ' || chr(CAST(64 + i AS INTEGER)) AS name "
        "FROM range(1, 6) r(i);"
        "INSERT INTO teams SELECT i, name, 'ENG', 'club' FROM named;"
        "INSERT INTO team_aliases SELECT 'club', 'ENG', lower(name), name, i, 'new', 1 FROM named"
    )
    day0 = dt.date(2023, 8, 5)
    for match_id, (day, home, away, hg, ag) in enumerate(rows, start=1):
        if home == away:
            continue
        store.con.execute(
            "INSERT INTO matches VALUES (?, ?, NULL, 'eng-1', '2023-24', NULL, false, ?, ?, false, ?, ?, ?, NULL,"
            " NULL, NULL, NULL, NULL, NULL, NULL, false, 1, 'f.csv', ?, NULL" + ", NULL" * 8 + ")",
            [match_id, day0 + dt.timedelta(days=7 * day), home, away, hg, ag, hg, match_id],
        )
        store.con.execute("INSERT INTO match_sources VALUES (?, 1, 'f.csv', ?)", [match_id, match_id])
        if hg:
            store.con.execute(
                "INSERT INTO goals VALUES (?, ?, NULL, 10, NULL, '10', false, false, 1, ?)", [match_id, home, match_id]
            )
    met = {frozenset((h, a)) for _, h, a, _, _ in rows}
    pairs = [(d, k) for d in range(1, 6) for k in range(1, 6) if d != k and frozenset((d, k)) not in met]
    before = snapshot(store)
    for drop, keep in pairs[:3]:
        report = link_teams(store, f"Team {chr(64 + drop)}", f"Team {chr(64 + keep)}")
        unlink(store, str(report.link_id))
        assert_same(before, snapshot(store))
    store.close()


def test_an_export_of_schema_3_loads_and_starts_with_no_links(tmp_path):
    """The bundle of schema 3 (before the link journal) still loads: its tables have not changed."""
    from remontada.data.bundle import export_parquet, load_parquet
    from remontada.errors import SchemaError

    with Store.open(tmp_path / "s.duckdb") as store:
        import_file(store, DATA / "overlap/italy-2019.csv")
        export_parquet(store, tmp_path / "old")
    manifest = json.loads((tmp_path / "old/manifest.json").read_text())
    added = [t for t in manifest["rows"] if t == "links" or t.startswith("journal_")]
    for table in added:
        del manifest["rows"][table]
        (tmp_path / f"old/{table}.parquet").unlink()
    (tmp_path / "old/manifest.json").write_text(json.dumps({**manifest, "schema_version": 3}))
    with Store.open(tmp_path / "copy.duckdb") as copy:
        assert load_parquet(copy, tmp_path / "old")["matches"] == 30
        assert copy.count("matches") == 30 and copy.count("links") == 0
    # an older export whose tables differ from today's is refused, with the message it always had
    with Store.open(tmp_path / "copy2.duckdb") as other:
        other.con.execute(f"COPY (SELECT 1 AS x) TO '{tmp_path / 'old/teams.parquet'}' (FORMAT parquet)")
        with pytest.raises(SchemaError, match="export has schema version 3, this remontada writes \\d+"):
            load_parquet(other, tmp_path / "old")
