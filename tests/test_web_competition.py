"""The competition page and its JSON: a whole competition's forecast, as the library makes it, checked inputs."""

import datetime as dt
import json
import re
import warnings

import pytest
from markupsafe import escape

from conftest import EVIL_NAMES
from remontada.tournaments.forecast import TournamentForecaster

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette now prefers httpx2 for its test client; httpx works
    from fastapi.testclient import TestClient

from remontada.app.web import create_app

EL = {"competition": "uefa-el", "season": "2023-24", "date": "2024-04-18"}
LEAGUE = {"competition": "eng-1", "season": "2023-24", "date": "2024-01-01"}
IF = "Liverpool beat Atalanta"
PATIENT = 600.0
"""Seconds a test request waits for a model fit (the app's own limit, 15 s, is for people; this machine is shared)."""


@pytest.fixture(scope="module")
def app(bundled_db):
    return create_app(bundled_db, wait=PATIENT)


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url="http://localhost") as client:
        yield client


def test_the_europa_league_is_the_librarys_and_its_stages_add_up(client, app):
    response = client.get("/api/competition", params=EL | {"sims": 20000, "seed": 0})
    assert response.status_code == 200, response.text
    body = response.json()
    library = TournamentForecaster(app.state.engines.store)
    expected = library.competition("uefa-el", "2023-24", as_of=dt.date(2024, 4, 18), sims=20000, seed=0)
    assert body == json.loads(json.dumps(expected.as_dict()))
    assert len(body["teams"]) == 8 and body["as_of"] == "2024-04-18" and body["sims"] == 20000
    assert abs(sum(t["p"]["semifinals"] for t in body["teams"]) - 4) < 1e-9
    assert abs(sum(t["p"]["final"] for t in body["teams"]) - 2) < 1e-9
    assert abs(sum(t["p"]["winner"] for t in body["teams"]) - 1) < 1e-9


def test_a_condition_is_forced_in_every_simulation(client):
    plain = {t["team"]: t["p"] for t in client.get("/api/competition", params=EL).json()["teams"]}
    response = client.get("/api/competition", params=EL | {"if": IF})
    assert response.status_code == 200, response.text
    body = response.json()
    forced = {t["team"]: t["p"] for t in body["teams"]}
    assert body["conditions"] == [IF]
    assert forced["Liverpool"]["semifinals"] == 1.0 and forced["Atalanta"]["semifinals"] == 0.0
    assert plain["Liverpool"]["semifinals"] < 0.5
    assert forced["AS Roma"]["semifinals"] == plain["AS Roma"]["semifinals"]  # common random numbers


def test_a_league_has_positions_points_and_zones(client):
    response = client.get("/api/competition", params=LEAGUE)
    assert response.status_code == 200, response.text
    teams = response.json()["teams"]
    assert len(teams) == 20 and all(abs(sum(t["positions"]) - 1) < 1e-9 for t in teams)
    assert abs(sum(t["zones"]["relegation"] for t in teams) - 3) < 1e-9
    assert teams[0]["expected_points"] > teams[-1]["expected_points"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (EL | {"date": "3050-01-01"}, "date: 3050-01-01 is outside the store's range"),
        (EL | {"date": "18/04/2024"}, "date:"),
        (EL | {"if": "Liverpool trounce Atalanta"}, "if: 'Liverpool trounce Atalanta': write 'A beat B'"),
        (EL | {"if": "Liverpool beat Nowhere FC"}, "if: 'Liverpool beat Nowhere FC': 'Nowhere FC' is not in this"),
        (EL | {"if": "Liverpool draw with Atalanta"}, "a knockout tie is won or lost, not drawn"),
        (EL | {"if": "x" * 121}, "if.0: String should have at most 120 characters"),
        (EL | {"if": [IF] * 5}, "if: List should have at most 4 items"),
        (EL | {"competition": "Nowhere Cup"}, "competition: unknown competition 'Nowhere Cup'"),
        (EL | {"season": "2023/24"}, "season: String should match pattern"),
        (EL | {"season": "1066-67"}, "no matches or fixtures of uefa-el in season '1066-67'"),
        (EL | {"sims": 999}, "sims: Input should be greater than or equal to 1000"),
        (EL | {"sims": 200_001}, "sims: Input should be less than or equal to 200000"),
        (EL | {"seed": -1}, "seed: Input should be greater than or equal to 0"),
        ({"season": "2023-24"}, "competition: Field required"),
    ],
)
def test_bad_input_is_a_clear_422(client, params, message):
    response = client.get("/api/competition", params=params)
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]
    page = client.get("/competition", params=params)
    assert page.status_code == 422 and "text/html" in page.headers["content-type"]
    assert str(escape(message)) in page.text


def test_the_page_shows_the_apis_numbers(client):
    page = client.get("/competition", params=EL)
    assert page.status_code == 200, page.text
    body = client.get("/api/competition", params=EL).json()
    assert page.text.count('data-testid="stage-row"') == 8
    for team in body["teams"]:
        assert str(escape(team["team"])) in page.text
        p = team["p"]["semifinals"]
        assert re.search(rf'data-value="{p}" title="{p:.1%} ±[^"]*">{re.escape(f"{p:.1%}")}<', page.text)
    assert page.text.count('data-testid="round"') == 3  # quarterfinals, semifinals, final
    json_link = "/api/competition?competition=uefa-el&amp;season=2023-24&amp;date=2024-04-18"
    assert f'id="json-link" href="{json_link}"' in page.text
    assert 'id="competition-form"' in page.text and 'name="if"' in page.text
    assert "style=" not in page.text and "<script>" not in page.text


def test_a_condition_on_the_page_can_be_taken_off(client):
    page = client.get("/competition", params=EL | {"if": [IF, ""]})  # the form's empty "if" field is no condition
    assert page.status_code == 200, page.text
    assert page.text.count('data-testid="condition"') == 1
    assert f'<input type="hidden" name="if" value="{IF}">' in page.text
    assert 'href="/competition?competition=uefa-el&amp;season=2023-24&amp;date=2024-04-18"' in page.text  # "×"


def test_a_league_page_has_the_heat_map_and_the_zones(client):
    page = client.get("/competition", params=LEAGUE)
    assert page.status_code == 200, page.text
    assert page.text.count('data-testid="position-row"') == 20 and 'id="positions"' in page.text
    assert "Relegation" in page.text and "expected points" in page.text and "Manchester City" in page.text


def test_the_index_links_to_competitions(client):
    index = client.get("/")
    assert index.status_code == 200
    assert 'id="competition-form"' in index.text and 'id="example-competition"' in index.text
    assert '<option value="eng-1">Premier League</option>' in index.text
    assert '<option value="uefa-el" selected>' in index.text


def test_the_api_is_documented(client):
    spec = client.get("/openapi.json").json()
    names = {p["name"] for p in spec["paths"]["/api/competition"]["get"]["parameters"]}
    assert names == {"competition", "season", "date", "sims", "seed", "if"}


def test_names_like_markup_stay_text(evil_db):
    """Team names that are markup are shown as text: in the page of a league of them, and quoted in an error."""
    import pandas as pd

    from remontada.app.web.competition import competition_view
    from remontada.app.web.deps import templates
    from remontada.data.bundle import open_store

    evil, script = EVIL_NAMES
    with TestClient(create_app(evil_db, wait=PATIENT), base_url="http://localhost") as client:
        page = client.get("/competition", params={"competition": "eng-1", "season": "2023-24", "if": f"{evil} beat x"})
        assert page.status_code == 422 and "<img" not in page.text  # the store's 4 teams are no Premier League
    teams = [evil, script, "Plain Rovers", "Other United"]
    day = dt.date(2023, 10, 1)
    fixtures = pd.DataFrame(
        [{"date": day + dt.timedelta(days=7 * k), "home": h, "away": a, "neutral": False,
          "home_goals": None, "away_goals": None}
         for k, (h, a) in enumerate((h, a) for h in teams for a in teams if h != a)]
    )  # fmt: skip
    store = open_store(evil_db, read_only=True)
    try:
        forecast = TournamentForecaster(store).forecast("league", fixtures, as_of=day, sims=1000)
    finally:
        store.close()
    query = {"competition": "eng-1", "season": "2023-24", "if": [f"{evil} beat {script}"]}
    view = competition_view(forecast, query, name=script)
    html = templates.get_template("competition.html").render(
        view=view, competition="eng-1", season="2023-24", sims=1000, seed=0, wanted=query["if"], more=True,
        default_sims=10_000,
    )  # fmt: skip
    assert "<img" not in html and "window.__xss=2</script>" not in html and "<script>" not in html
    assert html.count(str(escape(evil))) >= 3 and str(escape(script)) in html  # table, heat map, condition
