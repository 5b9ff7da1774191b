"""remontada data fetch / data update / match --upcoming from the command line, against the local server."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import pytest
from fetch_server import server_fixture, sources_fixture  # noqa: F401 (fixtures)

from remontada.app import cli
from remontada.data.competitions import season_of
from remontada.data.fetch import http
from remontada.data.store import Store


@pytest.fixture(autouse=True)
def quick_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's client, with a short timeout and no pause between retries (the local server is quick)."""
    monkeypatch.setattr(http, "Downloader", functools.partial(http.Downloader, timeout=0.5, backoff=0.0))


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """Run ``remontada ARGS`` as a user would (errors become one line); return the exit status, stdout, stderr."""
    try:
        cli.main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def flat(text: str) -> str:
    """Terminal output with its line wrapping undone."""
    return " ".join(text.split())


def test_fetch_status_upcoming_and_a_warm_update(tmp_path: Path, sources, capsys, monkeypatch) -> None:
    db = tmp_path / "s.duckdb"
    code, out, err = run(
        capsys, "data", "fetch", "football-data", "--league", "E0", "--league", "fixtures", "--season", "2024-25",
        "--base-url", sources.url + "/", "--db", db, "--empty", "--json",
    )  # fmt: skip
    assert code == 0, err
    fetched = json.loads(out)
    assert [(f["path"], f["status"]) for f in fetched["files"]] == [
        ("mmz4281/2425/E0.csv", "imported"),
        ("fixtures.csv", "imported"),
    ]
    assert fetched["requests"] == 2
    status = json.loads(run(capsys, "data", "status", "--db", db, "--json")[1])
    assert [(f["path"], f["season"]) for f in status["fetches"]] == [
        ("fixtures.csv", None),
        ("mmz4281/2425/E0.csv", "2024-25"),
    ]
    assert all(f["last_fetched"] and f["changed"] for f in status["fetches"])

    code, out, err = run(
        capsys, "match", "--upcoming", "--competition", "eng-1", "--as-of", "2024-09-28", "--days", "7", "--db", db,
        "--json",
    )  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 6 and {r["date"] for r in rows} == {"2024-09-28"}
    for r in rows:
        assert r["p_home"] + r["p_draw"] + r["p_away"] == pytest.approx(1.0)
        assert (r["odds_home"], r["odds_draw"], r["odds_away"]) == (2.05, 3.35, 3.5)  # the market average
    code, out, _ = run(capsys, "match", "--upcoming", "--competition", "eng-1", "--as-of", "2024-09-28", "--db", db)
    assert code == 0 and "6 fixtures from 2024-09-28 to 2024-10-04" in out and "3.35" in out

    monkeypatch.setenv("REMONTADA_FOOTBALL_DATA_URL", sources.url)  # this season's file comes from the mirror too
    before = len(sources.requests)
    code, out, err = run(capsys, "data", "update", "--db", db, "--json")
    assert code == 0, err
    update = json.loads(out)
    current = season_of(dt.date.today())  # 2024-25 is over; this season's file is not on the mirror
    assert [(f["path"], f["status"]) for f in update["files"]] == [
        (f"mmz4281/{current[2:4]}{current[5:]}/E0.csv", "not published"),
        ("fixtures.csv", "unchanged"),
    ]
    assert update["requests"] == len(sources.requests) - before == 2
    assert sources.requests[-1][1]["if-none-match"]  # fixtures.csv was asked for conditionally
    code, out, _ = run(capsys, "data", "update", "--db", db)
    assert code == 0 and "2 file(s), 0 changed and imported; 2 request(s) in" in out


def test_a_football_data_file_of_an_unknown_league_is_a_competition(tmp_path: Path, server, capsys) -> None:
    server.files["mmz4281/2425/SUN.csv"] = (
        b"Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\n"
        b"SUN,01/09/2024,Red Lion,Crown FC,2,1\nSUN,08/09/2024,Crown FC,Red Lion,0,0\n"
    )
    db = tmp_path / "s.duckdb"
    args = ["data", "fetch", "football-data", "--league", "SUN", "--season", "2024-25", "--base-url", server.url]
    assert run(capsys, *args, "--db", db, "--empty")[0] == 0
    assert run(capsys, *args, "--db", tmp_path / "t.duckdb", "--empty", "--competition", "Sunday League")[0] == 0
    with Store.open(db) as store:
        assert store.df("SELECT competition_id, count(*) AS n FROM matches GROUP BY ALL").values.tolist() == [
            ["SUN", 2]
        ]
        assert store.count("rejects") == 0
    with Store.open(tmp_path / "t.duckdb") as store:
        assert store.one("SELECT DISTINCT competition_id FROM matches") == ("Sunday League",)


def test_failures_are_one_plain_line_and_leave_the_store_as_it_was(tmp_path: Path, sources, capsys) -> None:
    db = tmp_path / "s.duckdb"
    code, _, err = run(capsys, "data", "fetch", "football-data", "--base-url", "ftp:/nowhere", "--db", db, "--empty")
    assert code == 1 and err.startswith("error: --base-url 'ftp:/nowhere' is not a URL") and "Traceback" not in err
    assert not db.exists()  # refused before the store was opened
    code, _, err = run(capsys, "data", "fetch", "openfootball", "--season", "2030-31", "--competition", "uefa-cl",
                       "--base-url", sources.url, "--db", db, "--empty")  # fmt: skip
    assert (
        code == 1
        and "champions-league/2030-31/cl.txt: not published yet? (the server answered 404 Not Found)" in flat(err)
    )
    sources.faults["results.csv"] = "500"
    code, _, err = run(capsys, "data", "fetch", "international", "--base-url", sources.url, "--db", db)
    assert code == 1 and "Traceback" not in err
    assert "results.csv: the server answered 500 Internal Server Error (tried 4 times)" in flat(err)
    with Store.open(db) as store:
        assert store.count("matches") == 0 and store.count("fetches") == 0  # goals and shootouts found no results
        assert store.count("goals") == 0
    code, _, err = run(capsys, "data", "fetch", "nowhere", "--db", db)
    assert (
        code == 1
        and "unknown source 'nowhere'; remontada fetches football-data, openfootball, international" in flat(err)
    )
    code, _, err = run(capsys, "data", "fetch", "football-data", "--season", "2024", "--db", db)
    assert code == 1 and "--season '2024' is not a season: give it as 2024-25" in err
