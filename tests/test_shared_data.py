"""The whole shared data set imports, and what issue #2 promised of it holds.

Builds a store from ../shared/data (about a minute) and checks it against the facts
and against the bundle the package ships, so a stale bundle fails CI.
"""

import json

import pytest

from remontada.data import queries
from remontada.data.bundle import MANIFEST, bundle_dir
from remontada.data.datasets import import_shared
from remontada.data.store import TABLES, Store

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def full_store(shared_data, tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("full") / "full.duckdb")
    reports = import_shared(store, shared_data)
    yield store, reports
    store.close()


def test_every_file_imports(full_store):
    store, reports = full_store
    assert all(r.status == "imported" for r in reports)
    assert len(reports) == store.count("imports") > 200


def test_liverpool_atalanta_2024(full_store):
    store, _ = full_store
    tie = queries.ties(store, team="Liverpool (ENG)", competition="uefa-el", season="2023-24", round="Quarterfinals")
    assert tie[["legs_played", "agg_a", "agg_b", "winner"]].values.tolist() == [
        ["Liverpool 0-3 Atalanta | Atalanta 0-1 Liverpool", 1, 3, "Atalanta"]
    ]


def test_barcelona_liverpool_2019(full_store):
    store, _ = full_store
    tie = queries.ties(store, team="Barcelona (ESP)", competition="uefa-cl", season="2018-19", round="Semifinals")
    assert tie[["legs_played", "agg_a", "agg_b", "winner"]].values.tolist() == [
        ["Barcelona 3-0 Liverpool | Liverpool 4-0 Barcelona", 3, 4, "Liverpool"]
    ]


def test_champions_league_2011_to_2016_from_two_sources_is_one_set(full_store):
    store, _ = full_store
    per_season = store.df(
        """
        SELECT m.season, count(*) AS n FROM matches m
        WHERE m.competition_id = 'uefa-cl' AND m.season BETWEEN '2011-12' AND '2015-16'
          AND (SELECT count(DISTINCT split_part(s.source_file, '/', 1)) FROM match_sources s
               WHERE s.match_id = m.match_id) = 2
        GROUP BY 1 ORDER BY 1
        """
    )
    assert per_season["n"].tolist() == [125] * 5  # every openfootball match found its champs.csv twin


def test_no_team_is_stored_twice(full_store):
    store, _ = full_store
    assert queries.duplicate_teams(store).empty


def test_rejects_are_the_known_bad_rows(full_store):
    store, _ = full_store
    by_file = queries.rejects(store).groupby("source_file").size().to_dict()
    assert by_file == {
        "engsoccerdata/champs.csv": 2,  # walkovers
        "engsoccerdata/facup.csv": 341,  # byes, walkovers, void and disqualified matches
        "engsoccerdata/greece.csv": 1,  # no score
        "engsoccerdata/spain.csv": 1,  # awarded
        "engsoccerdata/teamnames.csv": 1,  # alias missing
        "football-data/premier-league/season-0001.csv": 4,  # more shots on target than shots: four sides
        "football-data/premier-league/season-2122.csv": 1,  # and one more
        "international/goalscorers.csv": 254,  # goals without a minute
        "international/shootouts.csv": 1,  # its match is not in results.csv
        "openfootball/2020-21/el.txt": 1,  # awarded
        "openfootball/2021-22/conf.txt": 1,  # awarded
        "openfootball/2021-22/el.txt": 2,  # cancelled
    }


def test_shipped_bundle_is_this_build(full_store):
    store, _ = full_store
    manifest = json.loads((bundle_dir() / MANIFEST).read_text())
    assert manifest["rows"] == {t: store.count(t) for t in TABLES}
