"""remontada data fetch, the library: a local server (fetch_server.py) serving each layout, and its faults."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fetch_server import DATA, league_csv_fixture, server_fixture, silent_port_fixture, sources_fixture  # noqa: F401 (fixtures)
from hypothesis import given
from hypothesis import strategies as st

from remontada.data.fetch import FileFetch, RemoteFile, cache_dir, fetch_files, followed
from remontada.data.fetch.http import USER_AGENT, Downloader
from remontada.data.fetch.sources import SOURCES
from remontada.data.store import TABLES, Store
from remontada.errors import FetchError


def fast() -> Downloader:
    """A client for the local server: short timeout, quick retries."""
    return Downloader(timeout=0.5, retries=2, backoff=0.0, delay=0.0)


def snapshot(store: Store) -> dict[str, str]:
    """Every table's rows, to show that a failed fetch changed nothing."""
    return {t: store.df(f"SELECT * FROM {t} ORDER BY ALL").to_csv() for t in TABLES}


def fetch(store: Store, url: str, *files: RemoteFile, **kw: object) -> list[FileFetch]:
    with fast() as client:
        return fetch_files(store, list(files), base_url=url, downloader=client, **kw)  # type: ignore[arg-type]


E0 = RemoteFile("football-data", "mmz4281/2425/E0.csv", None, "2024-25", "eng-1")


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "store.duckdb") as s:
        yield s


def test_fresh_fetch_imports_matches_fixtures_and_their_prices(store: Store, sources) -> None:
    [done] = fetch(store, sources.url, E0)
    assert done.status == "imported", done.error
    assert done.url == f"{sources.url}/mmz4281/2425/E0.csv"
    assert done.report is not None and done.report.matches_new == store.count("matches") > 0
    assert store.count("fixtures") == done.report.fixtures_new > 0
    assert store.count("fixture_odds") == 6 * store.count("fixtures")  # two bookmakers' 1X2 per fixture
    assert store.count("odds") == 6 * store.count("matches")
    assert (cache_dir(store) / "football-data/mmz4281/2425/E0.csv").read_bytes() == sources.files[E0.path]
    [headers] = sources.asked(E0.path)
    assert headers["user-agent"] == USER_AGENT and USER_AGENT.startswith("remontada/")
    row = store.one("SELECT source, competition_id, season, path, etag, sha256 FROM fetches")
    assert row is not None and row[:4] == ("football-data", "eng-1", "2024-25", E0.path) and row[4]


def test_a_refetch_sends_conditional_requests_and_imports_nothing(store: Store, sources) -> None:
    fetch(store, sources.url, E0)
    before = snapshot(store)
    [again] = fetch(store, sources.url, E0)
    assert again.status == "unchanged" and again.report is None
    first, second = sources.asked(E0.path)
    assert "if-none-match" not in first
    assert second["if-none-match"] == store.one("SELECT etag FROM fetches")[0]  # type: ignore[index]
    assert second["if-modified-since"]
    after = snapshot(store)
    assert {t for t in TABLES if before[t] != after[t]} == {"fetches"}  # only when it was last asked
    assert store.count("imports") == 1


def test_a_server_without_conditional_requests_sends_the_same_bytes_which_are_not_imported(store: Store, sources):
    fetch(store, sources.url, E0)
    store.con.execute("UPDATE fetches SET etag = NULL, last_modified = NULL")  # nothing to ask conditionally with
    [again] = fetch(store, sources.url, E0)
    assert again.status == "unchanged" and "if-none-match" not in sources.asked(E0.path)[1]
    assert store.count("imports") == 1


def test_a_file_changed_upstream_adds_what_is_new_and_a_corrected_score_is_a_conflict(
    store: Store, sources, league_csv
) -> None:
    fetch(store, sources.url, E0)
    matches, odds, fixtures = store.count("matches"), store.count("odds"), store.count("fixtures")
    # a week later: one more week played, and one earlier score corrected upstream
    first = store.df(
        "SELECT h.name AS home, a.name AS away, home_goals, away_goals FROM matches m "
        "JOIN teams h ON h.team_id = m.home_id JOIN teams a ON a.team_id = m.away_id ORDER BY date, home LIMIT 1"
    ).iloc[0]
    corrected = (int(first["home_goals"]) + 1, int(first["away_goals"]))
    sources.files[E0.path] = league_csv(played_weeks=7, fix={(0, first["home"], first["away"]): corrected})
    [done] = fetch(store, sources.url, E0)
    assert done.status == "imported" and done.report is not None
    played = done.report.matches_new
    assert played > 0 and store.count("matches") == matches + played
    assert done.report.fixtures_played == played and store.count("fixtures") == fixtures - played
    assert store.count("fixture_odds") == 6 * store.count("fixtures")  # a played fixture's prices go with it
    assert store.count("odds") == odds + 6 * played  # prices of stored matches are not stored twice
    conflict = store.df("SELECT field, stored, incoming, source_file FROM conflicts")
    assert conflict.to_dict("records") == [
        {"field": "home_goals", "stored": str(first["home_goals"]), "incoming": str(corrected[0]),
         "source_file": f"{sources.url}/{E0.path}"}
    ]  # fmt: skip
    assert store.one("SELECT outcome FROM fetches")[0].startswith(f"{played} new matches")  # type: ignore[index]
    [again] = fetch(store, sources.url, E0)  # the same version again: nothing more, not even the conflict
    assert again.status == "unchanged" and store.count("conflicts") == 1


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ("500", "the server answered 500 Internal Server Error (tried 3 times)"),
        ("stall", "no answer within 0.5 s"),
        ("reset", "the download broke off"),
        ("truncate", "the download broke off"),
        ("html", "the server sent a web page (HTML), not the file asked for"),
    ],
)
def test_a_failed_download_leaves_the_store_and_the_cache_as_they_were(
    store: Store, sources, league_csv, fault: str, says: str
) -> None:
    fetch(store, sources.url, E0)
    cached = (cache_dir(store) / "football-data" / E0.path).read_bytes()
    before = snapshot(store)
    sources.files[E0.path] = league_csv(played_weeks=8)  # a new version, which never arrives whole
    sources.faults[E0.path] = fault
    [failed] = fetch(store, sources.url, E0)
    assert failed.status == "failed" and says in (failed.error or ""), failed.error
    assert snapshot(store) == before
    assert (cache_dir(store) / "football-data" / E0.path).read_bytes() == cached
    assert not list((cache_dir(store) / "football-data").rglob(".*part*"))
    retried = fault not in ("html",)
    assert len(sources.asked(E0.path)) == 1 + (3 if retried else 1)


def test_a_first_fetch_that_fails_stores_nothing(store: Store, sources) -> None:
    before = snapshot(store)
    sources.faults[E0.path] = "truncate"
    assert fetch(store, sources.url, E0)[0].status == "failed"
    assert snapshot(store) == before and store.count("fetches") == 0


def test_a_season_not_published_yet_is_said_plainly(store: Store, sources) -> None:
    before = snapshot(store)
    later = RemoteFile("football-data", "mmz4281/2526/E0.csv", None, "2025-26", "eng-1")
    [missing] = fetch(store, sources.url, later)
    assert missing.status == "not published"
    assert missing.error == f"{sources.url}/mmz4281/2526/E0.csv: not published yet? (the server answered 404 Not Found)"
    assert snapshot(store) == before and len(sources.asked(later.path)) == 1  # a 404 is not retried


def test_a_half_written_cache_file_is_ignored_and_fetched_again(store: Store, sources) -> None:
    fetch(store, sources.url, E0)
    cached = cache_dir(store) / "football-data" / E0.path
    whole = cached.read_bytes()
    cached.write_bytes(whole[: len(whole) // 3])  # as a fetch killed while writing in place would leave it
    (cached.parent / f".{cached.name}.part-99999").write_bytes(whole[:10])  # and a killed download's leftover
    [again] = fetch(store, sources.url, E0)
    assert "if-none-match" not in sources.asked(E0.path)[1]  # the copy is not trusted: the whole file is asked for
    assert again.status == "unchanged" and cached.read_bytes() == whole and store.count("imports") == 1


def test_offline_imports_the_cached_copies(tmp_path: Path, sources) -> None:
    with Store.open(tmp_path / "a.duckdb") as store:
        fetch(store, sources.url, E0)
        matches = store.count("matches")
    with Store.open(tmp_path / "a.duckdb") as store:
        store.con.execute("DELETE FROM matches; DELETE FROM imports; DELETE FROM fixtures; DELETE FROM fixture_odds")
        [done] = fetch(store, sources.url, E0, offline=True)
        assert done.status == "offline" and store.count("matches") == matches
    assert len(sources.asked(E0.path)) == 1  # offline asks no server
    with Store.open(tmp_path / "b.duckdb") as other:
        [missing] = fetch(other, sources.url, E0, offline=True)
        assert missing.status == "failed" and "not in the cache" in (missing.error or "")


def test_every_source_in_its_own_layout(store: Store, sources) -> None:
    files = [
        *SOURCES["football-data"].files(leagues=["E0", "ARG", "fixtures"], seasons=["2024-25"]),
        *SOURCES["openfootball"].files(competition="Champions League", seasons=["2019-20", "2023-24"]),
        *SOURCES["international"].files(),
    ]
    done = fetch(store, sources.url, *files)
    assert [(f.path, f.status) for f in done] == [
        ("mmz4281/2425/E0.csv", "imported"),
        ("new/ARG.csv", "imported"),
        ("fixtures.csv", "imported"),
        ("champions-league/2019-20/cl.txt", "imported"),
        ("champions-league/2023-24/cl.txt", "imported"),
        ("results.csv", "imported"),
        ("goalscorers.csv", "imported"),
        ("shootouts.csv", "imported"),
    ], [f.error for f in done]
    sql = "SELECT competition_id, list(DISTINCT season ORDER BY season) FROM matches GROUP BY ALL"
    seasons = {c: s for c, s in store.con.execute(sql).fetchall() if c in ("arg-1", "uefa-cl", "eng-1")}
    assert seasons == {"arg-1": ["2012-13", "2024"], "uefa-cl": ["2019-20", "2023-24"], "eng-1": ["2024-25"]}
    assert store.count("goals") > 0 and store.count("shootouts") > 0
    arg = store.df("SELECT reason FROM rejects WHERE source_file LIKE '%ARG.csv'")["reason"].tolist()
    assert arg == ["FTR 'A' does not match the score 2-2", "Season: '2024/2026' is not 2023/2024 or 2024"]
    assert store.one("SELECT count(*) FROM fixtures WHERE competition_id = 'arg-1'") == (1,)
    assert done[2].report is not None and done[2].report.fixtures_moved == 0  # fixtures.csv lists the same fixtures
    assert store.one("SELECT count(*) FROM fixtures WHERE competition_id = 'eng-1'") == (24,)


def test_update_follows_unfinished_seasons_and_current_ones(store: Store, sources) -> None:
    fetch(store, sources.url, E0, RemoteFile("football-data", "fixtures.csv"))
    paths = {(f.source, f.path) for f in followed(store, dt.date(2025, 8, 1))}
    assert paths == {
        ("football-data", "fixtures.csv"),
        ("football-data", "mmz4281/2425/E0.csv"),  # fetched, and 2024-25 is not over until 31 August
        ("football-data", "mmz4281/2526/E0.csv"),  # eng-1 is in the store: its current season is followed
    }
    later = [(f.source, f.path) for f in followed(store, dt.date(2025, 12, 1))]
    assert ("football-data", "mmz4281/2425/E0.csv") not in later  # 2024-25 is over
    assert ("football-data", "mmz4281/2526/E0.csv") in later and ("football-data", "fixtures.csv") in later


def test_a_bad_base_url_and_a_server_that_never_answers(store: Store, silent_port: int) -> None:
    with pytest.raises(FetchError, match="--base-url 'www.example.org' is not a URL"):
        fetch(store, "www.example.org", E0)
    before = snapshot(store)
    [silent] = fetch(store, f"http://127.0.0.1:{silent_port}", E0)
    assert silent.status == "failed" and "no answer within 0.5 s" in (silent.error or "")
    assert snapshot(store) == before


def test_a_host_that_cannot_be_reached_is_tried_once_per_fetch(store: Store) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on: connections are refused at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    e1 = RemoteFile("football-data", "mmz4281/2425/E1.csv", None, "2024-25", "eng-2")
    with fast() as client:
        first, second = fetch_files(store, [E0, e1], base_url=f"http://127.0.0.1:{port}", downloader=client)
        assert client.requests == 3  # the first file's attempts only
    assert first.status == second.status == "failed"
    assert "cannot connect" in (first.error or "")
    assert "not tried, 127.0.0.1 could not be reached a moment ago" in (second.error or "")


def test_offline_update_follows_only_what_is_in_the_cache(store: Store, sources) -> None:
    fetch(store, sources.url, E0)
    today = dt.date(2025, 3, 1)
    assert [f.path for f in followed(store, today, fetched_only=True)] == [E0.path]
    assert {f.path for f in followed(store, today)} == {E0.path, "fixtures.csv"}  # 2024-25 is this season


def test_a_national_league_of_openfootball_is_its_competition_whatever_its_heading(store: Store, server) -> None:
    server.files["deutschland/2023-24/1-bundesliga.txt"] = (DATA / "openfootball" / "league-2023-24.txt").read_bytes()
    [file] = SOURCES["openfootball"].files(leagues=["ger-1"], seasons=["2023/24"])
    assert (file.path, file.competition, file.season) == ("deutschland/2023-24/1-bundesliga.txt", "ger-1", "2023-24")
    [done] = fetch(store, server.url, file)
    assert done.status == "imported" and done.report is not None and done.report.matches_new > 0
    assert store.one("SELECT list(DISTINCT competition_id) FROM matches") == (["ger-1"],)  # not 'Deutsche Bundesliga'


def test_the_real_sites_are_the_defaults_and_a_mirror_keeps_their_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    fd, of, intl = SOURCES["football-data"], SOURCES["openfootball"], SOURCES["international"]
    monkeypatch.delenv(fd.env, raising=False)
    monkeypatch.delenv(of.env, raising=False)
    assert fd.url(fd.base(), "mmz4281/2425/E0.csv") == "https://www.football-data.co.uk/mmz4281/2425/E0.csv"
    assert (
        of.url(of.base(), "champions-league/2024-25/cl.txt")
        == "https://raw.githubusercontent.com/openfootball/champions-league/master/2024-25/cl.txt"
    )
    assert intl.url(intl.base(), "results.csv").endswith("/martj42/international_results/master/results.csv")
    monkeypatch.setenv(of.env, "http://mirror.example/of/")
    assert (
        of.url(of.base(), "champions-league/2024-25/cl.txt")
        == "http://mirror.example/of/champions-league/2024-25/cl.txt"
    )
    monkeypatch.setenv(fd.env, "mirror.example")
    with pytest.raises(FetchError, match="REMONTADA_FOOTBALL_DATA_URL 'mirror.example' is not a URL"):
        fd.base()


@given(st.integers(1950, 2090))
def test_a_season_is_read_in_every_spelling_and_named_as_football_data_names_its_folder(start: int) -> None:
    label = f"{start}-{(start + 1) % 100:02d}"
    spellings = [label, label.replace("-", "/")] + (
        [f"{start % 100:02d}{(start + 1) % 100:02d}"] if start >= 1969 and start < 2069 else []
    )
    for spelling in spellings:
        [file] = SOURCES["football-data"].files(leagues=["E0"], seasons=[spelling])
        assert file.season == label and file.path == f"mmz4281/{label[2:4]}{label[5:]}/E0.csv"
