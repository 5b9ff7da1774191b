"""The pages issue 17 asked for, through the app: a match and its market, the index's latest, a team's span, a
round's upsets, the briefing, and a tie page opened on an impossible in-play state."""

import datetime as dt
import re
import warnings

import numpy as np
import pytest

from remontada.app.web import create_app
from remontada.evaluation.margins import implied_probabilities
from remontada.models.forecast import Forecaster

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

TIE = {"team_a": "Liverpool", "team_b": "Atalanta", "date": "2024-04-18"}
MATCH = {"home": "PSV Eindhoven", "away": "Vitesse", "date": "2024-04-13"}  # played that day: 6-0, with prices


@pytest.fixture(scope="module")
def app(bundled_db):
    return create_app(bundled_db, wait=600.0)


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url="http://localhost") as client:
        yield client


def notices(html: str) -> list[str]:
    found = re.search(r'data-testid="notice">(.*?)</div>', html, re.S)
    return re.findall(r"<p>(.*?)</p>", found[1]) if found else []


def test_a_match_is_the_librarys_with_the_markets_view(client, app):
    response = client.get("/api/match", params=MATCH)
    assert response.status_code == 200, response.text
    body = response.json()
    library = Forecaster(app.state.engines.store).match("PSV Eindhoven", "Vitesse", as_of=dt.date(2024, 4, 13))
    assert body["model"] == library.model == "dixon-coles"  # the match model, as `remontada match` uses
    for key, value in library.as_dict().items():
        assert (
            body[key] == pytest.approx(value) if isinstance(value, float) else body[key] == value or key == "top_scores"
        )
    grid = np.array(body["grid"])
    assert grid.shape == (6, 6) and grid[3, 0] == pytest.approx(library.grid.probs[3, 0])
    assert body["actual"]["home_goals"] == 6 and body["actual"]["away_goals"] == 0
    market = body["market"]
    assert market is not None and market["timing"] == "closing"
    expected = implied_probabilities(np.array([market["prices"]]))[0]  # multiplicative: 1/price, normalised
    assert [market["p_home"], market["p_draw"], market["p_away"]] == pytest.approx(list(expected))
    assert sum(expected) == pytest.approx(1.0)


def test_a_match_without_prices_says_so(client):
    body = client.get("/api/match", params={"home": "Liverpool", "away": "Atalanta", "date": "2024-04-11"}).json()
    assert body["market"] is None and body["actual"] == {
        "home_goals": 0, "away_goals": 3, "competition": "UEFA Europa League", "season": "2023-24",
    }  # fmt: skip
    page = client.get("/match", params={"home": "Liverpool", "away": "Atalanta", "date": "2024-04-11"}).text
    assert "has no bookmakers" in page and 'data-testid="market-row"' not in page
    assert body["european"]  # the store's match was a European tie's leg, whatever the request said


def test_the_match_page_shows_the_model_beside_the_market(client):
    page = client.get("/match", params=MATCH)
    assert page.status_code == 200
    assert 'data-testid="model-row"' in page.text and 'data-testid="market-row"' in page.text
    assert page.text.count('class="pbar ') == 6  # a bar for each of the three results, model and market
    assert 'data-testid="score-3-0"' in page.text
    assert client.get("/match").status_code == 200  # the empty form
    bad = client.get("/api/match", params={"home": "PSV Eindhoven", "away": "PSV Eindhoven"})
    assert bad.status_code == 422 and "same team" in bad.json()["detail"]


def test_team_names_for_autocomplete(client):
    names = client.get("/api/teams", params={"q": "liverp"}).json()
    assert names[0] == "Liverpool" and len(names) <= 12 and all("liverp" in n.lower() for n in names)
    assert client.get("/api/teams", params={"q": "zzzzqqq"}).json() == []
    assert client.get("/api/teams", params={"q": "l"}).status_code == 422  # too short to narrow anything


def test_the_index_leads_with_the_stores_latest(client, app):
    page = client.get("/").text
    assert page.count('data-testid="recent-round"') == 6
    assert 'data-testid="tie-of-the-day"' in page and 'data-testid="latest-competition"' in page
    assert f"last match was played on {app.state.engines.last.isoformat()}" in page
    assert '<datalist id="team-names">' in page and "/static/forms.js" in page


def test_the_round_page_marks_the_upsets(client):
    page = client.get("/round", params={"competition": "uefa-el", "season": "2023-24", "round": "Quarterfinals"}).text
    rows = page.split('data-testid="round-tie"')[1:]
    upsets = [r for r in rows if 'data-testid="upset"' in r]
    assert len(upsets) == 1 and "Olympique Marseille went through" in upsets[0]  # 30% on the morning, then pens
    assert all("pbar" in r for r in rows)


def test_the_team_page_shows_a_span_and_the_results_from_the_teams_side(client):
    decade = client.get("/team", params={"name": "Liverpool", "date": "2024-04-18"}).text
    first = re.search(r"\((\d{4}-\d\d-\d\d) to 2024-04-14, (\d+) points\)", decade)
    assert first and dt.date.fromisoformat(first[1]) > dt.date(2014, 4, 1) and int(first[2]) <= 240
    everything = client.get("/team", params={"name": "Liverpool", "date": "2024-04-18", "years": 0}).text
    start = re.search(r"\((\d{4})-\d\d-\d\d to", everything)
    assert start and int(start[1]) < 1900
    letters = re.findall(r'data-testid="wdl" title="([^"]+)">([WDL])<', decade)
    assert letters[0] == ("lost", "L") and letters[1] == ("lost", "L")  # 0-1 Crystal Palace, 0-3 Atalanta
    assert ("drew", "D") in letters and ("won", "W") in letters


def test_the_briefing_page(client):
    page = client.get("/brief", params=TIE)
    assert page.status_code == 200
    assert "Liverpool trail by 3 goals" in page.text and page.text.count('data-testid="brief-section"') >= 4
    assert 'id="curve"' in page.text and "/static/curve.js" in page.text


@pytest.mark.parametrize(
    ("state", "minute", "said"),
    [
        ({"minute": "130", "score": "0-3"}, 120, ["minute: 130 is outside"]),  # 3-3 on aggregate: extra time
        ({"minute": "130"}, 90, ["minute: 130 is outside", "0-0 in extra time"]),  # 0-3 then 0-0: over at 90
        ({"minute": "3", "score": "5-0"}, 5, ["cannot be the score after 3 minutes"]),
        ({"minute": "100", "goals": "95:Liverpool"}, 90, ["in extra time"]),  # 0-0 at 90 after 0-3: no extra time
        ({"minute": "abc", "home_red": "9"}, 0, ["not a match minute", "fewer than seven players"]),
    ],
)
def test_an_impossible_in_play_state_opens_on_the_nearest_with_a_message(client, state, minute, said):
    page = client.get("/tie", params=TIE | state)
    assert page.status_code == 200
    shown = notices(page.text)
    assert len(shown) == len(said) and all(s in n for s, n in zip(said, shown, strict=True))
    assert re.search(r"data-initial=\"\{&#34;minute&#34;: (\d+)", page.text)[1] == str(minute)


def test_the_tie_form_names_a_competition_and_a_stored_final_says_what_happened(client):
    index = client.get("/").text
    assert 'id="tie-competition"' in index and '<option value="uefa-cl">' in index
    page = client.get("/tie", params={"team_a": "Liverpool", "team_b": "AC Milan", "date": "2005-05-25"}).text
    assert "What happened: Liverpool 3-3 AC Milan (a.e.t. 3-3, pens 3-2)" in page
    assert "second leg" not in page.split('id="actual"')[1].split("</p>")[0]
    european = client.get(
        "/tie", params={"team_a": "Arsenal", "team_b": "Real Madrid", "leg1": "3-0", "date": "2025-04-16",
                        "competition": "uefa-cl"},
    )  # fmt: skip
    assert european.status_code == 200 and "UEFA Champions League" in european.text
