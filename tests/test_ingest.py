import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from remontada.data import queries
from remontada.data.ingest import import_file, import_paths, order_for_import
from remontada.data.store import TABLES, Store
from remontada.errors import DataError, UnknownFormatError

DATA = Path(__file__).parent / "data"


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "store.duckdb") as s:
        yield s


def counts(store):
    return {t: store.count(t) for t in TABLES}


def test_liverpool_atalanta_is_one_tie(store):
    report = import_file(store, DATA / "openfootball/el-2023-24.txt")
    assert report.status == "imported" and report.matches_new > 0
    tie = queries.ties(store, team="Liverpool", round="Quarterfinals")
    assert len(tie) == 1
    row = tie.iloc[0]
    assert (row.team_a, row.team_b, row.agg_a, row.agg_b) == ("Liverpool FC", "Atalanta", 1, 3)
    assert (row.winner, row.decided_by, row.rules) == ("Atalanta", "aggregate", "uefa-2021")
    assert row.legs_played == "Liverpool FC 0-3 Atalanta | Atalanta 0-1 Liverpool FC"


def test_shootout_tie_is_settled_on_penalties(store):
    import_file(store, DATA / "openfootball/el-2023-24.txt")
    tie = queries.ties(store, team="Olympique Marseille", round="Quarterfinals").iloc[0]
    assert (tie.winner, tie.decided_by) == ("Olympique Marseille", "penalties")
    assert store.count("shootouts") >= 1


def test_overlapping_matches_link_spellings_and_merge(store):
    first = import_file(store, DATA / "overlap/italy-2019.csv")
    before_teams = store.count("teams")
    second = import_file(store, DATA / "overlap/serie-a/season-1920.csv")
    assert second.teams_new == 0  # Verona, Spal, Lecce, Genoa, Fiorentina: all linked
    assert second.matches_new == 0 and second.matches_merged == 23
    assert store.count("teams") == before_teams
    assert store.count("matches") == first.matches_new
    origins = store.df("SELECT spelling, origin FROM team_aliases WHERE origin = 'overlap' ORDER BY spelling")
    assert {"Verona", "Spal", "Genoa", "Lecce", "Fiorentina"} <= set(origins["spelling"])
    # the second source filled the half-time scores the first lacked
    filled = store.df("SELECT count(*) AS n FROM matches WHERE ht_home_goals IS NOT NULL")["n"].iloc[0]
    assert filled == 23  # every merged match, the disputed one too
    conflict = queries.conflicts(store)
    assert conflict[["home", "away", "field", "stored", "incoming"]].values.tolist() == [
        ["Juventus", "SSC Napoli", "away_goals", "3", "2"]
    ]
    stored = queries.matches(store, team="Juventus").query("away == 'SSC Napoli'")
    assert stored["away_goals"].tolist() == [3]  # the stored value is kept


def test_reimport_is_idempotent(store, tmp_path):
    import_file(store, DATA / "overlap/italy-2019.csv")
    snapshot = counts(store)
    again = import_file(store, DATA / "overlap/italy-2019.csv")
    assert again.status.startswith("already imported")
    assert counts(store) == snapshot
    # the same matches in a file with other bytes (CRLF) merge instead of duplicating
    copy = tmp_path / "italy-crlf.csv"
    copy.write_bytes((DATA / "overlap/italy-2019.csv").read_bytes().replace(b"\n", b"\r\n"))
    report = import_file(store, copy)
    assert report.matches_new == 0 and report.conflicts == 0
    assert store.count("matches") == snapshot["matches"]


def test_bad_rows_are_kept_as_rejects_and_good_rows_imported(store):
    report = import_file(store, DATA / "engsoccerdata/broken_italy.csv")
    rejects = queries.rejects(store)
    assert report.rejects == len(rejects) > 0
    assert report.matches_new > 0
    assert rejects["line"].notna().all() and (rejects["reason"].str.len() > 0).all()
    assert rejects["source_file"].str.endswith("broken_italy.csv").all()


def test_unknown_format_is_refused_with_the_list_of_formats(store, tmp_path):
    odd = tmp_path / "notes.txt"
    odd.write_text("Dear diary,\nLiverpool lost 0-3 at home.\n")
    with pytest.raises(UnknownFormatError) as err:
        import_file(store, odd)
    for name in ("football-data", "openfootball", "engsoccerdata", "international"):
        assert name in str(err.value)
    assert store.count("imports") == 0


def test_missing_file_is_an_error(store, tmp_path):
    with pytest.raises(DataError, match="no such file"):
        import_file(store, tmp_path / "missing.csv")


def test_internationals_goals_and_shootouts_attach_to_their_matches(store):
    reports = import_paths(store, [DATA / "international"])
    assert [Path(r.path).name for r in reports][-2:] in (
        ["goalscorers.csv", "shootouts.csv"],
        ["shootouts.csv", "goalscorers.csv"],
    )
    assert store.count("goals") > 0
    bad = store.df("SELECT count(*) AS n FROM goals g JOIN matches m USING (match_id) "
                   "WHERE g.team_id NOT IN (m.home_id, m.away_id)")["n"].iloc[0]  # fmt: skip
    assert bad == 0


def test_order_for_import_puts_references_after_results(tmp_path):
    for name in ("shootouts.csv", "results.csv", "goalscorers.csv", "former_names.csv"):
        (tmp_path / name).write_text("x\n")
    names = [p.name for p in order_for_import([tmp_path])]
    assert names[0] == "former_names.csv" and names[1] == "results.csv"


KILLED_IMPORT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from remontada.data import ingest
    from remontada.data.store import Store

    original = ingest._Ingest._finish

    def slow_finish(self):
        original(self)          # every row is written inside the open transaction...
        print("written", flush=True)
        time.sleep(60)          # ...and the process dies before the commit

    ingest._Ingest._finish = slow_finish
    store = Store.open(Path(sys.argv[1]))
    ingest.import_file(store, Path(sys.argv[2]))
    """
)


def test_killed_import_leaves_store_as_it_was(tmp_path):
    path = tmp_path / "store.duckdb"
    with Store.open(path) as store:
        import_file(store, DATA / "openfootball/el-2023-24.txt")
        before = counts(store)
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_IMPORT, str(path), str(DATA / "overlap/italy-2019.csv")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "written"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with Store.open(path) as store:
        assert counts(store) == before
        report = import_file(store, DATA / "overlap/italy-2019.csv")  # and the file imports cleanly after
        assert report.status == "imported" and report.matches_new == 30


CONCURRENT_IMPORT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from remontada.data.ingest import import_file
    from remontada.data.store import Store

    with Store.open(Path(sys.argv[1]), busy_timeout=60) as store:
        print(import_file(store, Path(sys.argv[2])).matches_new, flush=True)
    """
)


def test_concurrent_imports_wait_for_each_other(tmp_path):
    path = tmp_path / "store.duckdb"
    Store.open(path).close()
    files = [DATA / "overlap/italy-2019.csv", DATA / "openfootball/el-2023-24.txt"]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_IMPORT, str(path), str(f)], stdout=subprocess.PIPE, text=True
        )
        for f in files
    ]
    outputs = [c.communicate(timeout=120)[0] for c in children]
    assert all(c.returncode == 0 for c in children), outputs
    with Store.open(path) as store:
        assert store.count("imports") == 2
        assert store.count("matches") == sum(int(o.strip()) for o in outputs)


def test_bundle_round_trip(store, tmp_path):
    from remontada.data.bundle import export_parquet, load_parquet

    import_paths(store, [DATA / "openfootball/el-2023-24.txt", DATA / "overlap"])
    written = export_parquet(store, tmp_path / "export")
    with Store.open(tmp_path / "copy.duckdb") as copy:
        assert load_parquet(copy, tmp_path / "export") == written
        assert counts(copy) == counts(store)
        assert queries.ties(copy).equals(queries.ties(store))


def test_export_loads_only_into_an_empty_store(store, tmp_path):
    from remontada.data.bundle import export_parquet, load_parquet
    from remontada.errors import StoreError

    import_file(store, DATA / "overlap/italy-2019.csv")
    export_parquet(store, tmp_path / "export")
    with pytest.raises(StoreError, match="empty store"):
        load_parquet(store, tmp_path / "export")


def test_copied_shared_file_keeps_its_label(store, tmp_path):
    target = tmp_path / "champs.csv"
    shutil.copy(DATA / "engsoccerdata/champs.csv", target)
    report = import_file(store, target, source="engsoccerdata/champs.csv")
    assert report.path == "engsoccerdata/champs.csv"
    assert set(store.df("SELECT DISTINCT source_file FROM matches")["source_file"]) == {"engsoccerdata/champs.csv"}


def test_linking_a_duplicate_team_moves_and_merges_its_matches(store):
    from remontada.data.links import link_teams

    import_file(store, DATA / "overlap/italy-2019.csv")
    report = import_file(store, DATA / "link/serie-a/season-1920.csv")  # nothing overlaps: Verona is new
    unresolved = queries.unresolved(store)
    verona = unresolved[unresolved["spelling"] == "Verona"]
    assert verona["candidates"].tolist() == ["Hellas Verona"]
    teams_before, matches_before = store.count("teams"), store.count("matches")
    assert report.teams_new >= 1

    linked = link_teams(store, "Verona (ITA)", "Hellas Verona")
    assert (linked.kept, linked.merged, linked.matches_moved) == ("Hellas Verona", "Verona", 13)
    assert linked.matches_merged == 1 and linked.conflicts == 1  # 2-1 against 1-1 on 25 August 2019
    assert store.count("teams") == teams_before - 1
    assert store.count("matches") == matches_before - 1
    assert "Verona" not in set(queries.unresolved(store)["spelling"])
    hellas = queries.matches(store, team="Hellas Verona")
    assert len(hellas) == 3 + 12  # three from engsoccerdata, twelve more from the new file (one merged)
    sources = store.df(
        "SELECT count(*) AS n FROM match_sources s JOIN matches m USING (match_id) "
        "WHERE m.date = '2019-08-25' AND m.away_id = (SELECT team_id FROM teams WHERE name = 'Bologna FC')"
    )
    assert sources["n"].iloc[0] == 2  # the merged match keeps both sources
    conflict = queries.conflicts(store)
    assert conflict[["field", "stored", "incoming"]].values.tolist() == [["home_goals", "1", "2"]]
    # the spelling is remembered: a later file's "Verona" is Hellas Verona straight away
    assert queries.find_team(store, "Verona") == queries.find_team(store, "Hellas Verona")
    hellas_id = queries.find_team(store, "Hellas Verona")
    import_file(store, DATA / "overlap/serie-a/season-1920.csv")
    assert queries.find_team(store, "Verona") == hellas_id


def test_linking_refuses_a_team_with_itself(store):
    from remontada.data.links import link_teams

    import_file(store, DATA / "overlap/italy-2019.csv")
    with pytest.raises(DataError, match="already the same team"):
        link_teams(store, "Hellas Verona", "Hellas Verona")


def test_import_paths_goes_on_past_a_bad_file(store, tmp_path):
    (tmp_path / "notes.txt").write_text("nothing to see\n")
    (tmp_path / "italy-2019.csv").write_bytes((DATA / "overlap/italy-2019.csv").read_bytes())
    reports = {Path(r.path).name: r for r in import_paths(store, [tmp_path])}
    assert reports["notes.txt"].status == "failed" and "not in a format" in (reports["notes.txt"].error or "")
    assert reports["italy-2019.csv"].status == "imported" and reports["italy-2019.csv"].error is None
    assert store.count("matches") == 30


def test_an_unreadable_file_is_a_data_error(store, tmp_path, monkeypatch):
    import errno

    path = tmp_path / "italy-2019.csv"
    path.write_bytes((DATA / "overlap/italy-2019.csv").read_bytes())

    def denied(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(DataError, match="italy-2019.csv: cannot read it \\(Permission denied\\)"):
        import_file(store, path)
