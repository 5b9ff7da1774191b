"""The web app left running in public: names are text, never markup; headers; allowed hosts; bounded dates;
no request holds up others; several workers; random requests never a 500 or a traceback (issue 12)."""

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from conftest import EVIL_NAMES
from remontada.app.web.app import SECURITY_HEADERS
from remontada.app.web.deps import DATE_HORIZON, RETRY_AFTER
from remontada.memo import Memo

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

from remontada.app.web import create_app

WEB = Path(__file__).resolve().parents[1] / "src" / "remontada" / "app" / "web"
EVIL, SCRIPT = EVIL_NAMES
EVIL_TIE = {"team_a": EVIL, "team_b": SCRIPT, "date": "2023-10-01"}
FIRST, LAST = dt.date(2023, 8, 12), dt.date(2023, 9, 16)  # the evil store's first and last matches
PATIENT = 600.0
"""Seconds a test request waits for a model fit (the app's own limit is for people; this machine is shared)."""


@pytest.fixture(scope="module")
def evil_app(evil_db):
    return create_app(evil_db, allowed_hosts=["forecast.example"], wait=PATIENT)


@pytest.fixture(scope="module")
def client(evil_app):
    with TestClient(evil_app, base_url="http://localhost") as client:
        yield client


# --- names are text, never markup ------------------------------------------------------------------


def test_the_evil_store_holds_the_names_as_written(evil_app):
    stored = {r[0] for r in evil_app.state.engines.store.con.execute("SELECT name FROM teams").fetchall()}
    assert set(EVIL_NAMES) <= stored


@pytest.mark.parametrize(
    "path, params",
    [
        ("/tie", EVIL_TIE),
        ("/tie", EVIL_TIE | {"leg1": "1-0"}),
        ("/team", {"name": EVIL}),
        ("/team", {"name": SCRIPT}),
        ("/tie", {"team_a": "<b>Nowhere</b>", "team_b": SCRIPT}),  # an error page quoting what was asked
    ],
)
def test_pages_show_names_escaped(client, path, params):
    page = client.get(path, params=params)
    assert page.status_code in (200, 422), page.text
    assert "<img" not in page.text and "<b>Nowhere" not in page.text
    assert "window.__xss=2</script>" not in page.text
    assert "<script>" not in page.text  # no inline script at all: only <script src=...>
    for name in EVIL_NAMES:
        if page.status_code == 200 and name in (params.get("name"), params.get("team_a")):
            assert escape(name) in page.text


def test_no_markup_is_built_from_data_anywhere_in_the_web_app():
    """The audit, kept: no innerHTML and the like in the scripts, no |safe or Markup in templates or code."""
    sinks = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function")
    for script in (WEB / "static").glob("*.js"):
        assert not sinks.search(script.read_text()), script
    for template in (WEB / "templates").glob("*.html"):
        text = template.read_text()
        assert "|safe" not in text.replace(" ", "") and "autoescape false" not in text, template
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"{template}: an inline script (the CSP forbids it)"
        assert not re.search(r"\sstyle=|\son[a-z]+=", text), f"{template}: an inline style or handler"
    for module in WEB.glob("*.py"):
        assert not re.search(r"\bMarkup\(|markupsafe", module.read_text()), module


# --- headers and allowed hosts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/api/tie?team_a=Plain+Rovers&team_b=Other+United", "/static/tie.js", "/nowhere", "/docs"]
)
def test_every_reply_carries_the_security_headers(client, path):
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, (path, name)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_oversized_and_wrong_host_replies_carry_the_headers_too(client):
    assert client.get("/api/tie", params={"team_a": "x" * 2500}).headers["X-Frame-Options"] == "DENY"
    assert client.get("/", headers={"Host": "evil.example"}).headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.1:8000", "[::1]:8000", "forecast.example"])
def test_the_allowed_hosts_are_answered(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "attacker.example:8000", "localhost.evil.example", "10.0.0.1"])
def test_another_host_is_refused_with_a_400(client, host):
    """DNS rebinding: a page on another name that resolves here cannot read the API."""
    response = client.get("/api/team", params={"name": "Plain Rovers"}, headers={"Host": host})
    assert response.status_code == 400 and "host" in response.text.lower()


def test_serve_allows_its_own_host_and_the_ones_named(evil_db, monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from remontada.app.cli import app as cli

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(app))
    args = ["serve", "--db", str(evil_db), "--host", "192.168.1.5", "--allowed-host", "forecasts.lan"]
    result = CliRunner().invoke(cli, [*args, "--allowed-host", "tv.lan"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (served,) = calls
    with TestClient(served, base_url="http://localhost") as client:
        for host in ("192.168.1.5:8000", "forecasts.lan", "tv.lan", "localhost"):
            assert client.get("/", headers={"Host": host}).status_code == 200, host
        assert client.get("/", headers={"Host": "elsewhere.lan"}).status_code == 400


# --- dates bounded to the store's range ---------------------------------------------------------------


def _range_message(response):
    body = response.json()["detail"]
    latest = LAST + dt.timedelta(days=DATE_HORIZON)
    assert f"from {FIRST + dt.timedelta(days=1)}" in body and f"to {latest}" in body, body
    return body


@pytest.mark.parametrize(
    "path, params",
    [
        ("/api/tie", EVIL_TIE | {"date": "3050-01-01"}),
        ("/api/tie", EVIL_TIE | {"date": "0001-01-01"}),
        ("/api/tie", EVIL_TIE | {"date": FIRST.isoformat()}),  # nothing before it to fit on
        ("/api/live", EVIL_TIE | {"date": "9999-12-31"}),
        ("/api/curve", EVIL_TIE | {"date": "2100-01-01"}),
        ("/api/team", {"name": "Plain Rovers", "date": "9999-12-31"}),  # was a 500 (an overflow)
        ("/api/team", {"name": "Plain Rovers", "date": (LAST + dt.timedelta(days=DATE_HORIZON + 1)).isoformat()}),
    ],
)
def test_a_date_outside_the_stores_range_is_a_422_naming_the_range(client, path, params):
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    assert "outside the store's range" in _range_message(response)


@pytest.mark.parametrize("path", ["/tie", "/team"])
def test_pages_bound_their_dates_too(client, path):
    params = EVIL_TIE if path == "/tie" else {"name": "Plain Rovers"}
    response = client.get(path, params=params | {"date": "9999-12-31"})
    assert response.status_code == 422 and "outside the store&#39;s range" in response.text


def test_the_horizons_last_day_is_accepted(client):
    day = LAST + dt.timedelta(days=DATE_HORIZON)
    response = client.get("/api/tie", params=EVIL_TIE | {"date": day.isoformat()})
    assert response.status_code == 200, response.text
    assert response.json()["as_of"] == day.isoformat()


def test_the_horizon_is_documented(client):
    spec = client.get("/openapi.json").json()
    (date,) = [p for p in spec["paths"]["/api/tie"]["get"]["parameters"] if p["name"] == "date"]
    assert f"at most {DATE_HORIZON} days after its last" in date["description"]


def test_the_bundled_store_refuses_3050(bundled_db):
    """The issue's own request: the year 3050 on the real data."""
    with TestClient(create_app(bundled_db, wait=PATIENT), base_url="http://localhost") as client:
        params = {"team_a": "Liverpool", "team_b": "Atalanta", "date": "3050-01-01"}
        response = client.get("/api/tie", params=params)
        assert response.status_code == 422 and "outside the store's range" in response.json()["detail"]
        assert client.get("/api/team", params={"name": "Liverpool", "date": "9999-12-31"}).status_code == 422


# --- no request holds up others -------------------------------------------------------------------------


def test_a_memo_computes_each_key_once_while_others_wait():
    memo: Memo[str, int] = Memo(8)
    calls = []
    started, release = threading.Event(), threading.Event()

    def slow():
        calls.append("slow")
        started.set()
        assert release.wait(30)
        return 1

    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(memo.get, "k", slow)
        assert started.wait(30)
        waiting = [pool.submit(memo.get, "k", slow) for _ in range(5)]
        assert memo.get("other", lambda: 2) == 2  # another key goes ahead meanwhile
        assert not first.done() and not any(w.done() for w in waiting)
        release.set()
        assert first.result() == 1 and [w.result() for w in waiting] == [1] * 5
    assert calls == ["slow"]


def test_distinct_keys_are_computed_side_by_side():
    memo: Memo[int, int] = Memo(8)
    both = threading.Barrier(2, timeout=30)  # broken (an error) if the two computations ran one after the other

    def meet(k):
        both.wait()
        return k

    with ThreadPoolExecutor(2) as pool:
        assert [f.result() for f in [pool.submit(memo.get, k, lambda k=k: meet(k)) for k in (1, 2)]] == [1, 2]


def test_a_memo_forgets_errors_and_keeps_only_its_size():
    memo: Memo[int, int] = Memo(3)

    def fail():
        raise ValueError("no")

    with pytest.raises(ValueError):
        memo.get(0, fail)
    assert memo.get(0, lambda: 7) == 7  # tried again, not the error remembered
    for k in range(1, 10):
        memo.get(k, lambda k=k: k)
    assert [k for k, _ in memo.finished()] == [7, 8, 9]
    assert memo.in_flight() == 0


@given(st.lists(st.integers(0, 20), max_size=60), st.integers(1, 8))
def test_a_memo_answers_like_the_function_and_stays_bounded(keys, size):
    memo: Memo[int, int] = Memo(size)
    for k in keys:
        assert memo.get(k, lambda k=k: k * k) == k * k
        assert len(memo.finished()) <= size


def _blocking(engines, monkeypatch):
    """Make the tie forecaster block until released; returns (started, release, calls)."""
    started, release, calls = threading.Event(), threading.Event(), []
    real = engines.ties.tie

    def tie(*args, **kwargs):
        calls.append(kwargs.get("date"))
        started.set()
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(engines.ties, "tie", tie)
    return started, release, calls


def test_a_cached_answer_does_not_wait_for_a_computation(evil_db, monkeypatch):
    app = create_app(evil_db, wait=PATIENT)
    with TestClient(app, base_url="http://localhost") as client:
        cached = {"name": "Plain Rovers"}
        assert client.get("/api/team", params=cached).status_code == 200
        started, release, _ = _blocking(app.state.engines, monkeypatch)
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(client.get, "/api/tie", params=EVIL_TIE)
            assert started.wait(30)
            answered = client.get("/api/team", params=cached)
            assert answered.status_code == 200 and not slow.done()  # answered while the other was still working
            release.set()
            assert slow.result().status_code == 200


def test_a_slow_answer_is_a_503_with_retry_after_and_then_is_ready(evil_db, monkeypatch):
    app = create_app(evil_db, wait=PATIENT)
    engines = app.state.engines
    engines.wait = 0.05
    with TestClient(app, base_url="http://localhost") as client:
        started, release, calls = _blocking(engines, monkeypatch)
        first = client.get("/api/tie", params=EVIL_TIE)
        assert first.status_code == 503, first.text
        assert first.headers["Retry-After"] == str(RETRY_AFTER)
        assert "it goes on: try again in" in first.json()["detail"]
        page = client.get("/tie", params=EVIL_TIE)
        assert page.status_code == 503 and "text/html" in page.headers["content-type"]
        release.set()
        engines.wait = 30
        assert client.get("/api/tie", params=EVIL_TIE).status_code == 200
        assert len(calls) == 1  # the work went on once; the later request got its answer


def test_too_many_answers_in_flight_is_a_503_at_once(evil_db, monkeypatch):
    from remontada.app.web import deps

    monkeypatch.setattr(deps, "IN_FLIGHT", 1)
    app = create_app(evil_db, wait=PATIENT)
    with TestClient(app, base_url="http://localhost") as client:
        started, release, _ = _blocking(app.state.engines, monkeypatch)
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(client.get, "/api/tie", params=EVIL_TIE)
            assert started.wait(30)
            busy = client.get("/api/tie", params=EVIL_TIE | {"date": "2023-11-01"})
            assert busy.status_code == 503 and busy.headers["Retry-After"] == str(RETRY_AFTER)
            assert "working out 1 other answers" in busy.json()["detail"]
            release.set()
            assert slow.result().status_code == 200


def test_the_store_is_read_from_many_threads_at_once(evil_app):
    store = evil_app.state.engines.store
    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(lambda _: store.one("SELECT count(*) FROM matches")[0], range(64)))
    assert set(counts) == {24}


def test_concurrent_forecasts_agree_with_one_at_a_time(evil_db):
    app = create_app(evil_db, wait=PATIENT)
    days = [(FIRST + dt.timedelta(days=d)).isoformat() for d in range(20, 80, 6)]
    with TestClient(app, base_url="http://localhost") as client:
        with ThreadPoolExecutor(6) as pool:
            together = list(pool.map(lambda d: client.get("/api/tie", params=EVIL_TIE | {"date": d}).json(), days))
    with TestClient(create_app(evil_db, wait=PATIENT), base_url="http://localhost") as client:
        alone = [client.get("/api/tie", params=EVIL_TIE | {"date": d}).json() for d in days]
    assert [t["p_a"] for t in together] == pytest.approx([t["p_a"] for t in alone])


# --- several worker processes -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_two_workers_answers(evil_db, tmp_path):
    port = _free_port()
    log = tmp_path / "serve.log"
    env = os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-c", "from remontada.app.cli import main; main()", "serve", "--db", str(evil_db)]
    with log.open("w") as out:
        server = subprocess.Popen([*command, "--port", str(port), "--workers", "2"], stdout=out, stderr=out, env=env)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/team", params={"name": "Plain Rovers"}, timeout=60)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert response.status_code == 200, response.text
        assert response.json()["team"] == "Plain Rovers"
        assert httpx.get(f"http://127.0.0.1:{port}/", headers={"Host": "evil.example"}).status_code == 400
        while log.read_text().count("Started server process") < 2:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


# --- random requests: never a 500, never a traceback -------------------------------------------------------

ROUTES = ["/api/tie", "/api/live", "/api/curve", "/api/round", "/api/team", "/tie", "/team", "/round", "/"]
NAMES = ["team_a", "team_b", "date", "leg1", "rules", "competition", "neutral", "minute", "score", "home_red"]
NAMES += ["away_red", "what_if", "goals", "reds", "season", "round", "name", "results"]
odd = st.one_of(
    st.text(max_size=30),
    st.integers().map(str),
    st.sampled_from(
        ["99999999999999999999", "-1", "1e308", "NaN", "\x00", "9999-12-31", "0000-00-00", "2023-10-01", "Plain Rovers",
         EVIL, "\u202e\ufeff", "𝔉𝔬𝔬", "0-0", "90+99", "7:Plain Rovers", "true", "%00", "%ZZ", "a" * 300]
    ),
)  # fmt: skip


@given(
    route=st.sampled_from(ROUTES),
    params=st.lists(st.tuples(st.sampled_from(NAMES), odd), max_size=8),
    raw=st.one_of(st.none(), st.binary(max_size=80)),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_requests_never_fail(client, route, params, raw):
    if raw is None:
        url = route + "?" + "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in params)
    else:
        url = route + "?" + quote(raw, safe="=&%+")  # arbitrary bytes as a query string, broken escapes and all
    response = client.get(url)
    assert response.status_code < 500, (url, response.text)
    assert "Traceback" not in response.text and 'File "' not in response.text, url
