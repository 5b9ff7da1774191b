"""The web app: the API's numbers are the library's, bad input is a clear 4xx, never a 500."""

import datetime as dt
import json
import warnings

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from remontada.data.queries import find_team, matches
from remontada.knockout.forecast import TieForecaster
from remontada.live.forecast import LiveForecaster, parse_events
from remontada.models import BlendModel

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette now prefers httpx2 for its test client; httpx works
    from fastapi.testclient import TestClient

from remontada.app.web import create_app

DAY = dt.date(2024, 4, 18)
TIE = {"team_a": "Liverpool", "team_b": "Atalanta", "date": DAY.isoformat()}


PATIENT = 600.0
"""Seconds a test request waits for a model fit (the app's own limit, 15 s, is for people; this machine is shared)."""


@pytest.fixture(scope="module")
def app(bundled_db):
    return create_app(bundled_db, wait=PATIENT)


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url="http://localhost") as client:  # a host the app answers to (not "testserver")
        yield client


@pytest.fixture(scope="module")
def library(app):
    """Forecasters of the library's own, on the app's store, independent of the app's warm ones."""
    store = app.state.engines.store
    ties = TieForecaster(store)
    return LiveForecaster(store, ties=ties)


def same(payload):
    """A library dict as the API sends it (tuples to lists, through JSON)."""
    return json.loads(json.dumps(payload))


def test_tie_is_the_librarys(client, library):
    response = client.get("/api/tie", params=TIE)
    assert response.status_code == 200
    expected = library.ties.tie("Liverpool", "Atalanta", date=DAY).as_dict()
    assert response.json() == same(expected)
    assert response.json()["leg1"] == {"a": 0, "b": 3}
    assert 0.0 < response.json()["p_a"] < 0.5


def test_tie_with_a_given_first_leg_and_rules(client, library):
    params = TIE | {"leg1": "Liverpool 0-3 Atalanta", "rules": "uefa-away-goals"}
    response = client.get("/api/tie", params=params)
    expected = library.ties.tie(
        "Liverpool", "Atalanta", leg1="Liverpool 0-3 Atalanta", date=DAY, rules="uefa-away-goals"
    )
    assert response.json() == same(expected.as_dict())


def test_live_is_the_librarys(client, library):
    params = TIE | {"minute": "67", "score": "Atalanta 0-1 Liverpool", "away_red": 1}
    params["what_if"] = ["Liverpool:+30%,+20%"]
    response = client.get("/api/live", params=params)
    assert response.status_code == 200, response.text
    from remontada.live.forecast import WhatIf

    expected = library.live(
        "Liverpool", "Atalanta", date=DAY, minute=67, score=(0, 1), reds=(0, 1),
        what_if=(WhatIf("Liverpool", 1.3, 1.2),),
    )  # fmt: skip
    assert response.json() == same(expected.as_dict())
    assert response.json()["home"] == "Atalanta"


def test_curve_is_the_librarys(client, library):
    response = client.get("/api/curve", params=TIE | {"goals": "7:Liverpool"})
    assert response.status_code == 200
    expected = library.replay("Liverpool", "Atalanta", date=DAY, goals=parse_events("7:Liverpool"))
    assert response.json() == same(expected.as_dict())
    assert len(response.json()["values"]["away"]) == 91


def test_round_is_the_librarys(client, library):
    response = client.get(
        "/api/round", params={"competition": "uefa-el", "season": "2023-24", "round": "Quarterfinals"}
    )
    assert response.status_code == 200
    expected = [f.as_dict() for f in library.ties.round("uefa-el", "2023-24", "Quarterfinals")]
    assert response.json() == same(expected)
    assert ("Liverpool", "Atalanta") in {(t["team_a"], t["team_b"]) for t in response.json()}


def test_team_is_the_librarys(client, library, app):
    response = client.get("/api/team", params={"name": "Liverpool", "date": DAY.isoformat(), "results": 5})
    assert response.status_code == 200
    body = response.json()
    store = app.state.engines.store
    model = library.ties.forecaster.fitted(DAY, "club")
    assert isinstance(model, BlendModel)  # the default tie model: its Elo half keeps the history
    history = model.elo.ratings_history([find_team(store, "Liverpool")])
    assert body["history"]["ratings"] == [float(r) for r in history["rating"]]
    assert body["rating_model"] == "elo"  # the blend's rating is its Elo half's, and says so
    assert body["history"]["dates"][-1] == history["date"].iloc[-1].date().isoformat()
    recent = matches(store, team="Liverpool", before=DAY).tail(5)
    assert [r["away"] for r in body["results"]] == list(recent["away"])[::-1]
    assert body["results"][0]["date"] < DAY.isoformat()


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/api/tie", {"team_a": "Nowhere FC", "team_b": "Atalanta"}, "unknown team 'Nowhere FC'"),
        ("/api/tie", TIE | {"leg1": "three-nil"}, "is not a score"),
        ("/api/tie", TIE | {"leg1": "Atalanta 3-0 Liverpool"}, "has Atalanta at home"),
        ("/api/tie", TIE | {"rules": "calcio"}, "calcio"),
        ("/api/tie", TIE | {"date": "18/04/2024"}, "date:"),
        ("/api/tie", {"team_b": "Atalanta"}, "team_a: Field required"),
        ("/api/live", TIE | {"minute": "130"}, "outside 0..120"),
        ("/api/live", TIE | {"minute": "60+2"}, "stoppage time follows 45, 90, 105 or 120"),
        ("/api/live", TIE | {"score": "-1-0"}, "is not a score"),
        ("/api/live", TIE | {"score": "Liverpool 1-0 Atalanta"}, "write the home side first"),
        ("/api/live", TIE | {"home_red": 5}, "5 red cards is impossible"),
        ("/api/live", TIE | {"home_red": -1}, "home_red:"),
        ("/api/live", TIE | {"what_if": "Barcelona:+30%"}, "not in this match"),
        ("/api/curve", TIE | {"goals": "7Liverpool"}, "write it as MINUTE:TEAM"),
        ("/api/round", {"competition": "uefa-el", "season": "1066-67", "round": "Final"}, "no two-legged ties"),
        ("/api/team", {"name": "Nowhere FC"}, "unknown team"),
    ],
)
def test_bad_input_is_a_clear_422(client, path, params, message):
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]


def test_oversized_requests_are_refused_clearly(client):
    response = client.get("/api/tie", params={"team_a": "x" * 2500, "team_b": "Atalanta"})
    assert response.status_code == 413
    assert "more than the 2000 allowed" in response.json()["detail"]
    goals = ",".join(f"{m}:Liverpool" for m in range(1, 32))
    response = client.get("/api/curve", params=TIE | {"goals": goals})
    assert response.status_code == 422
    assert "31 events, more than the 30" in response.json()["detail"]
    response = client.get("/tie", params={"team_a": "x" * 2500, "team_b": "Atalanta"})
    assert response.status_code == 413 and "text/html" in response.headers["content-type"]


def test_pages_show_the_apis_numbers(client):
    index = client.get("/")
    assert index.status_code == 200
    assert 'id="round-form"' in index.text and 'id="tie-form"' in index.text and "uefa-el" in index.text
    tie = client.get("/tie", params=TIE)
    assert tie.status_code == 200
    p_a = client.get("/api/tie", params=TIE).json()["p_a"]
    cell = tie.text.split(f'data-testid="p-a" data-value="{p_a}">')[1].split("</td>")[0]
    assert f'<span class="pbar-text">{p_a:.1%}</span>' in cell and f'width="{100 * p_a:.2f}"' in cell  # number, bar
    assert 'id="live-panel"' in tie.text and 'id="minute"' in tie.text and 'data-testid="cell-0-3"' in tie.text
    assert "1 of 86 sides" in tie.text
    round_ = client.get("/round", params={"competition": "uefa-el", "season": "2023-24", "round": "Quarterfinals"})
    assert round_.status_code == 200 and round_.text.count('data-testid="round-tie"') == 4
    team = client.get("/team", params={"name": "Liverpool", "date": DAY.isoformat()})
    assert team.status_code == 200 and "<polyline" in team.text
    bad = client.get("/tie", params={"team_a": "Nowhere FC", "team_b": "Atalanta"})
    assert bad.status_code == 422 and "unknown team" in bad.text and "text/html" in bad.headers["content-type"]


def test_openapi_documents_every_endpoint(client):
    spec = client.get("/openapi.json").json()
    assert {
        "/api/tie",
        "/api/live",
        "/api/curve",
        "/api/round",
        "/api/team",
        "/api/competition",
        "/api/match",
        "/api/teams",
    } <= set(spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.text.count('data-testid="endpoint"') == 8
    assert "http://" not in docs.text and "https://" not in docs.text  # no outside assets: it works offline


# --- never a 500 ---------------------------------------------------------------------------------

words = st.sampled_from(["Liverpool", "Atalanta", "home", "away", "Nowhere", "", "0-1", "7:Liverpool"])
texts = st.one_of(words, st.text(max_size=12))


@given(
    minute=st.one_of(st.integers(-5, 130).map(str), texts),
    score=st.one_of(st.tuples(st.integers(-1, 12), st.integers(0, 12)).map(lambda s: f"{s[0]}-{s[1]}"), texts),
    reds=st.tuples(st.integers(0, 6), st.integers(0, 6)),
    leg1=st.one_of(st.none(), st.sampled_from(["0-3", "Liverpool 0-3 Atalanta", "1-1", "3-0"]), texts),
    goals=st.one_of(st.none(), texts, st.lists(st.tuples(st.integers(0, 125), words), max_size=4)),
)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_live_and_curve_never_fail_on_odd_input(client, minute, score, reds, leg1, goals):
    params = TIE | {"minute": minute, "score": score, "home_red": reds[0], "away_red": reds[1]}
    if leg1 is not None:
        params["leg1"] = leg1
    assert client.get("/api/live", params=params).status_code in (200, 422)
    timeline = ",".join(f"{m}:{t}" for m, t in goals) if isinstance(goals, list) else goals
    curve = {k: v for k, v in params.items() if k in ("team_a", "team_b", "date", "leg1")}
    assert client.get("/api/curve", params=curve | ({"goals": timeline} if timeline else {})).status_code in (200, 422)


def test_the_api_never_answers_500(client):
    """Cases drawn from the OpenAPI spec (valid and invalid), 50 in all: a 2xx or a 4xx, never a 5xx.

    Half keep the teams and the date real (so they reach the forecasters, with one fit), half are free.
    """
    # from the spec as served, not from the app: loading from the app would run its shutdown and close its store
    schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json())
    real = {
        "/api/tie": TIE,
        "/api/live": TIE,
        "/api/curve": TIE,
        "/api/team": {"name": "Liverpool", "date": "2024-04-18"},
        "/api/competition": {"competition": "uefa-el", "season": "2023-24", "date": "2024-04-18"},
        "/api/match": {"home": "Liverpool", "away": "Atalanta", "date": "2024-04-18"},
        "/api/teams": {"q": "liverpool"},
    }
    strategies = [schema.as_strategy(), schema.as_strategy(GenerationMode.NEGATIVE)]
    for path, query in real.items():
        strategies += [schema[path]["GET"].as_strategy(mode, query=query) for mode in GenerationMode]
    seen = []

    @given(case=st.one_of(strategies))
    @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        response = client.request(case.method, case.formatted_path, params=case.query)
        seen.append(response.status_code)
        assert response.status_code < 500, (case.path, case.query, response.text)

    check()
    assert 200 in seen


def test_serve_runs_the_app_on_localhost_by_default(bundled_db, monkeypatch):
    import uvicorn
    from fastapi import FastAPI
    from typer.testing import CliRunner

    from remontada.app.cli import app as cli

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append((app, kwargs)))
    result = CliRunner().invoke(cli, ["serve", "--db", str(bundled_db), "--port", "8123"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    ((served, options),) = calls
    assert isinstance(served, FastAPI) and options == {"host": "127.0.0.1", "port": 8123}


def test_the_team_page_lists_a_tie_coming_up(client):
    team = client.get("/api/team", params={"name": "Liverpool", "date": "2024-04-12"}).json()
    assert [(t["team_a"], t["team_b"], t["leg2_date"]) for t in team["upcoming"]] == [
        ("Liverpool", "Atalanta", "2024-04-18")
    ]
    page = client.get("/team", params={"name": "Liverpool", "date": "2024-04-12"})
    assert page.status_code == 200 and 'data-testid="upcoming"' in page.text


def test_every_route_sends_what_its_openapi_spec_says(client):
    """Schemathesis' conformance checks on every API route (valid and invalid cases, bounded): the status codes,
    content types and bodies the spec documents, errors included (``{"detail": ..., "errors": [...]}``)."""
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json())
    real = {
        "/api/tie": TIE,
        "/api/live": TIE,
        "/api/curve": TIE,
        "/api/round": {"competition": "uefa-el", "season": "2023-24", "round": "Quarterfinals"},
        "/api/team": {"name": "Liverpool", "date": "2024-04-18"},
        "/api/competition": {"competition": "uefa-el", "season": "2023-24", "date": "2024-04-18"},
        "/api/match": {"home": "Liverpool", "away": "Atalanta", "date": "2024-04-18"},
        "/api/teams": {"q": "liverpool"},
    }
    assert set(real) == {p for p in client.get("/openapi.json").json()["paths"] if p.startswith("/api")}
    statuses: dict[str, set[int]] = {path: set() for path in real}

    def conforms(path, strategy):
        @given(case=strategy)
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case):
            response = client.request(case.method, case.formatted_path, params=case.query)
            statuses[path].add(response.status_code)
            case.validate_response(response, checks=checks)

        check()

    for path, query in real.items():
        operation = schema[path]["GET"]
        modes = [operation.as_strategy(mode) for mode in GenerationMode]
        conforms(path, st.one_of(*modes, *[operation.as_strategy(mode, query=query) for mode in GenerationMode]))
        answer = client.get(path, params=query)  # the real query itself, whatever the examples drew
        statuses[path].add(answer.status_code)
        operation.validate_response(answer)
    assert all({200, 422} <= codes for codes in statuses.values()), statuses
