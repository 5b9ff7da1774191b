"""The pages in a real browser (Debian's chromium, driven by Playwright): the in-play panel shows the API's numbers.

Screenshots of every page go to ``test-artifacts/web/``.
"""

import json
import os
import re
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn

from conftest import EVIL_NAMES
from remontada.app.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "web"
TIE = {"team_a": "Liverpool", "team_b": "Atalanta", "date": "2024-04-18"}
SLOW = 180_000  # ms: the first forecast on a date fits the model

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (CI installs it)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(db):
    """The app under uvicorn in a background thread, on a free port of 127.0.0.1."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(db, wait=SLOW / 1000), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(bundled_db):
    with serving(bundled_db) as url:
        yield url


@pytest.fixture(scope="module")
def evil_server(evil_db):
    with serving(evil_db) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless"])
        yield browser
        browser.close()


WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective));
"""


@pytest.fixture
def page(browser):
    """A page that records Content-Security-Policy violations (events and console) and page errors."""
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    page.add_init_script(WATCH)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.problems = problems
    yield page
    assert page.problems == [], page.problems  # no CSP violation and no script error, on any page a test visited
    page.close()


def no_violations(page: Page) -> None:
    assert page.evaluate("window.__violations") == [] and page.problems == []


def api(server: str, path: str, **params: object) -> dict:
    response = httpx.get(f"{server}{path}", params=params, timeout=SLOW / 1000)
    assert response.status_code == 200, response.text
    return response.json()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def ready(page: Page, minute: int, score: str, reds: str = "0-0") -> None:
    """Wait until the panel shows the answers for this minute, score and red cards (home-away)."""
    selector = f'#live-panel[data-state="ready"][data-minute="{minute}"][data-score="{score}"][data-reds="{reds}"]'
    page.wait_for_selector(selector, timeout=SLOW)


def test_in_play_panel_follows_the_clock_and_the_score(server, page):
    page.goto(f"{server}/tie?team_a=Liverpool&team_b=Atalanta&date=2024-04-18", timeout=SLOW)
    ready(page, 0, "0-0")
    p_now = page.locator("#p-now-a")
    at_kick_off = float(p_now.get_attribute("data-value"))
    assert at_kick_off == api(server, "/api/live", **TIE)["probabilities"]["p_a"]
    assert at_kick_off == float(page.get_by_test_id("p-a").get_attribute("data-value"))  # minute 0 is the tie's
    curve_before = json.loads(page.locator("#curve").get_attribute("data-values"))
    assert curve_before == api(server, "/api/curve", **TIE)["values"]["away"]  # Liverpool are away in Bergamo

    page.locator("#minute").focus()
    for _ in range(67):
        page.keyboard.press("ArrowRight")
    assert page.locator("#minute-value").text_content() == "67"
    ready(page, 67, "0-0")
    assert "Liverpool" in page.locator("#away-plus").get_attribute("aria-label")
    page.locator("#away-plus").click()  # Atalanta 0-1 Liverpool
    ready(page, 67, "0-1")

    now = api(server, "/api/live", **TIE, minute=67, score="0-1", home_red=0, away_red=0)
    p_a = now["probabilities"]["p_a"]
    assert float(p_now.get_attribute("data-value")) == p_a
    assert p_now.text_content() == f"{p_a:.1%}"
    assert page.locator("#p-now-b").text_content() == f"{now['probabilities']['p_b']:.1%}"
    assert p_a != at_kick_off
    curve = api(server, "/api/curve", **TIE, goals="67:Liverpool")
    drawn = json.loads(page.locator("#curve").get_attribute("data-values"))
    assert drawn == curve["values"]["away"] and drawn != curve_before
    assert page.locator("#curve circle.goal").count() == 1
    shot(page, "tie-67-minutes-0-1")

    page.locator("#home-red").check()  # Atalanta down to ten
    ready(page, 67, "0-1", reds="1-0")
    red = api(server, "/api/live", **TIE, minute=67, score="0-1", home_red=1, away_red=0)
    assert float(p_now.get_attribute("data-value")) == red["probabilities"]["p_a"] > p_a


def test_other_pages_render(server, page):
    page.goto(server + "/", timeout=SLOW)
    assert page.locator("#round").input_value() == "Quarterfinals"
    shot(page, "index")
    page.locator("#round-submit").click()
    page.wait_for_selector('[data-testid="round-tie"]', timeout=SLOW)
    assert page.locator('[data-testid="round-tie"]').count() == 4
    shot(page, "round")
    page.goto(f"{server}/team?name=Liverpool&date=2024-04-18", timeout=SLOW)
    assert page.locator("#rating-chart polyline").count() == 1
    shot(page, "team")
    page.goto(server + "/", timeout=SLOW)
    page.locator("#team-a").fill("Liverpool")
    page.locator("#team-b").fill("Atalanta")
    page.locator("#date").fill("2024-04-18")
    page.locator("#tie-submit").click()  # the first leg left empty: the store's
    page.wait_for_selector('#live-panel[data-state="ready"]', timeout=SLOW)
    assert "leg1" not in page.url and page.get_by_test_id("p-a").text_content() == "12.3%"
    page.goto(f"{server}/tie?team_a=Nowhere+FC&team_b=Atalanta", timeout=SLOW)
    assert "unknown team" in page.get_by_test_id("error-message").text_content()
    shot(page, "error")


def test_pages_work_under_the_content_security_policy(server, page):
    """Every page, its scripts and its styles, with the CSP on: nothing refused, nothing broken."""
    for path in ("/", "/docs", "/round?competition=uefa-el&season=2023-24&round=Quarterfinals",
                 "/team?name=Liverpool&date=2024-04-18"):  # fmt: skip
        response = page.goto(server + path, timeout=SLOW)
        assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
        no_violations(page)
    page.goto(f"{server}/tie?team_a=Liverpool&team_b=Atalanta&date=2024-04-18", timeout=SLOW)
    ready(page, 0, "0-0")
    page.locator("#home-plus").click()
    ready(page, 0, "1-0")
    assert page.locator("#curve circle.goal").count() == 1
    no_violations(page)


def test_the_competition_page_follows_its_form(server, page):
    """The Europa League 2023-24 on 18 April: the stage table; then "if Liverpool beat Atalanta" from the form."""
    query = {"competition": "uefa-el", "season": "2023-24", "date": "2024-04-18"}
    page.goto(f"{server}/competition?" + urlencode(query), timeout=SLOW)
    table = page.locator("#stages")
    assert table.is_visible() and page.get_by_test_id("stage-row").count() == 8
    semis = page.locator("#stages thead th").all_text_contents().index("Semifinals")

    def liverpool() -> float:
        row = page.get_by_test_id("stage-row").filter(has_text="Liverpool")
        return float(row.locator("td").nth(semis - 1).get_attribute("data-value"))

    before = liverpool()
    assert (
        before
        == next(t for t in api(server, "/api/competition", **query)["teams"] if t["team"] == "Liverpool")["p"][
            "semifinals"
        ]
    )
    assert 0 < before < 0.5
    shot(page, "competition")
    page.locator("#condition").fill("Liverpool beat Atalanta")
    page.locator("#competition-submit").click()
    page.wait_for_selector('[data-testid="condition"]', timeout=SLOW)
    assert "if=Liverpool+beat+Atalanta" in page.url and "date=2024-04-18" in page.url  # the state is the URL
    assert liverpool() == 1.0 and page.get_by_test_id("condition").text_content().strip().startswith("Liverpool beat")
    assert page.locator("#stages").is_visible()
    shot(page, "competition-if")
    no_violations(page)
    page.goto(f"{server}/competition?competition=eng-1&season=2023-24&date=2024-01-01", timeout=SLOW)
    assert page.locator("#positions").is_visible() and page.get_by_test_id("position-row").count() == 20
    shot(page, "competition-league")
    page.goto(server + "/", timeout=SLOW)
    page.locator("#competition-pick").select_option("eng-1")
    assert page.locator("#competition-season").input_value() == "2023-24"
    assert page.locator("#competition-date").input_value() == "2023-12-30"  # halfway through the season
    page.locator("#competition-submit").click()
    page.wait_for_selector("#positions", timeout=SLOW)
    assert "competition=eng-1" in page.url and "date=2023-12-30" in page.url
    no_violations(page)


def test_team_names_are_shown_as_text_and_never_run(evil_server, page):
    """Issue 12: a team named like markup ran script when the in-play curve was drawn."""
    evil, script = EVIL_NAMES
    page.goto(f"{evil_server}/tie?" + urlencode({"team_a": evil, "team_b": script, "date": "2023-10-01"}), timeout=SLOW)
    ready(page, 0, "0-0")
    assert page.locator("#tie-title").text_content() == f"{evil} v {script}"
    page.locator("#home-plus").click()  # a goal for the home side: its name goes into the curve's marker
    ready(page, 0, "1-0")
    page.locator("#away-plus").click()
    ready(page, 0, "1-1")
    titles = page.locator("#curve circle.goal title").all_text_contents()
    assert sorted(titles) == sorted([f"1' {evil}", f"1' {script}"])  # a goal at minute 0 counts from minute 1
    assert page.locator("#curve img, #curve script, body img").count() == 0
    shot(page, "tie-evil-names")
    page.goto(f"{evil_server}/team?" + urlencode({"name": evil}), timeout=SLOW)
    assert page.locator("#team-title").text_content().startswith(evil)
    assert page.evaluate("window.__xss") is None  # neither name's script ever ran
    no_violations(page)


# --- issue 17: every page on a phone, accessible, its state in its URL ---------------------------------------

PHONE = {"width": 390, "height": 844}
PAGES = {
    "index": "/",
    "tie": "/tie?team_a=Liverpool&team_b=Atalanta&date=2024-04-18&minute=67&goals=67:Liverpool",
    "match": "/match?home=PSV+Eindhoven&away=Vitesse&date=2024-04-13",
    "team": "/team?name=Liverpool&date=2024-04-18",
    "round": "/round?competition=uefa-el&season=2023-24&round=Quarterfinals",
    "competition": "/competition?competition=uefa-el&season=2023-24&date=2024-04-18",
    "league": "/competition?competition=eng-1&season=2023-24&date=2024-01-01",
    "brief": "/brief?team_a=Liverpool&team_b=Atalanta&date=2024-04-18",
    "docs": "/docs",
    "error": "/tie?team_a=Nowhere+FC&team_b=Atalanta",
}
"""Every kind of page, as a phone and an accessibility checker see it."""
DRAWN = {"tie": '#live-panel[data-state="ready"] #curve path', "brief": '#brief-curve[data-state="ready"] #curve path'}
"""The pages that draw a chart once their data comes: what to wait for."""


def axe_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page (the engine from the pinned ``axe-playwright-python``).

    The engine runs through the DevTools protocol (``page.evaluate``), not as a page script, so the page's
    Content-Security-Policy stays as it is.
    """
    import axe_playwright_python

    engine = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    page.evaluate(engine)
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations.map((v) => ("
        "{id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' '))})))"
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_fits_a_phone_and_passes_axe(server, page, name):
    page.set_viewport_size(PHONE)
    page.goto(server + PAGES[name], timeout=SLOW)
    if name in DRAWN:
        page.wait_for_selector(DRAWN[name], timeout=SLOW)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    shot(page, f"phone-{name}")
    assert axe_violations(page) == []
    narrow = page.locator("#curve").get_attribute("viewBox") if name in DRAWN else None
    page.set_viewport_size({"width": 1100, "height": 1400})
    if narrow is not None:  # the chart is drawn again for the wider box
        expect(page.locator("#curve")).not_to_have_attribute("viewBox", narrow, timeout=SLOW)
    shot(page, f"wide-{name}")
    assert axe_violations(page) == []
    no_violations(page)


def test_the_in_play_state_is_the_url_and_comes_back_with_it(server, browser, page):
    """Minute, goals, cards and approaches go into the address; opened again, the panel is where it was."""
    page.goto(server + PAGES["tie"], timeout=SLOW)
    ready(page, 67, "0-1")
    assert page.locator("#minute").input_value() == "67" and page.get_by_test_id("away-goals").text_content() == "1"
    page.locator("#home-red").check()
    ready(page, 67, "0-1", reds="1-0")
    page.locator("#away-approach").select_option("push")
    expect(page).to_have_url(re.compile(r"what_if=Liverpool%3A%2B30%25%2C%2B20%25"), timeout=SLOW)
    ready(page, 67, "0-1", reds="1-0")
    shared = page.url
    assert "minute=67" in shared and "goals=67%3ALiverpool" in shared and "reds=67%3AAtalanta" in shared
    assert page.locator("#share").get_attribute("href") == shared
    pushed = api(server, "/api/live", **TIE, minute=67, score="0-1", home_red=1, what_if="away:+30%,+20%")
    assert float(page.locator("#p-now-a").get_attribute("data-value")) == pushed["probabilities"]["p_a"]

    other = browser.new_page()  # someone the link was sent to
    other.goto(shared, timeout=SLOW)
    ready(other, 67, "0-1", reds="1-0")
    assert other.locator("#away-approach").input_value() == "push" and other.locator("#home-red").is_checked()
    assert other.locator("#p-now-a").get_attribute("data-value") == page.locator("#p-now-a").get_attribute("data-value")
    assert other.get_by_test_id("notice").count() == 0
    other.close()


def test_the_curve_fits_its_data_and_marks_the_events(server, page):
    """Liverpool's 10% chance falling towards 0 fills the chart instead of hugging the floor of a 0-100% axis."""
    page.goto(server + PAGES["tie"] + "&reds=55:Atalanta", timeout=SLOW)
    ready(page, 67, "0-1", reds="1-0")
    low, high = (float(v) for v in page.locator("#curve").get_attribute("data-range").split("-"))
    assert low == 0 and high <= 0.25
    titles = page.locator("#curve text.axis-title").all_text_contents()
    assert titles == ["minutes played", "Liverpool's chance of going through"]
    assert page.locator("#curve circle.goal title").all_text_contents() == ["67' Liverpool"]
    assert page.locator("#curve rect.red-card title").all_text_contents() == ["55' red card: Atalanta"]
    wide = page.locator("#curve").get_attribute("viewBox")
    page.set_viewport_size(PHONE)  # the chart is drawn again for the narrower box
    expect(page.locator("#curve")).not_to_have_attribute("viewBox", wide, timeout=SLOW)
    assert int(page.locator("#curve").get_attribute("viewBox").split()[2]) < 390
    assert page.locator("#curve text.axis-title").nth(1).text_content() == "chance of going through"


def test_an_impossible_state_opens_on_the_nearest_with_a_message_and_a_chart(server, page):
    """Minute 130 after a 0-3 first leg and 0-0: no extra time was played, so the page opens at 90 minutes."""
    page.goto(f"{server}/tie?team_a=Liverpool&team_b=Atalanta&date=2024-04-18&minute=130&score=9-0", timeout=SLOW)
    ready(page, 90, "9-0")
    notes = page.get_by_test_id("notice").locator("p").all_text_contents()
    assert notes[0] == "minute: 130 is outside the match's 0..120 minutes; shown at 120"
    assert "moved back to it" in notes[1]
    assert page.locator("#curve path.series").count() == 1 and page.locator("#live-error").is_hidden()
    assert "minute=90" in page.url
    shot(page, "tie-impossible-state")


def test_team_autocomplete_offers_names_as_text(server, evil_server, page):
    page.goto(server + "/", timeout=SLOW)
    page.locator("#team-a").press_sequentially("liverp")
    page.wait_for_selector('#team-names[data-for="liverp"] option', state="attached", timeout=SLOW)
    offered = page.locator("#team-names option").evaluate_all("(os) => os.map((o) => o.value)")
    assert offered[0] == "Liverpool" and all("liverp" in o.lower() for o in offered)
    evil, _ = EVIL_NAMES
    page.goto(evil_server + "/match", timeout=SLOW)
    page.locator("#match-home").press_sequentially("evil")
    page.wait_for_selector('#team-names[data-for="evil"] option', state="attached", timeout=SLOW)
    assert page.locator("#team-names option").evaluate_all("(os) => os.map((o) => o.value)") == [evil]
    assert page.locator("body img").count() == 0 and page.evaluate("window.__xss") is None
    no_violations(page)


def test_the_match_page_shows_the_market_beside_the_model(server, page):
    page.goto(server + PAGES["match"], timeout=SLOW)
    model = [float(v) for v in page.get_by_test_id("model-row").locator("td").evaluate_all(
        "(tds) => tds.map((td) => td.dataset.value)")]  # fmt: skip
    market = api(server, "/api/match", home="PSV Eindhoven", away="Vitesse", date="2024-04-13")
    assert model == [market["p_home"], market["p_draw"], market["p_away"]]
    assert page.get_by_test_id("market-row").is_visible() and "6-0" in page.locator("#actual").text_content()
    page.set_viewport_size(PHONE)
    page.goto(server + "/team?name=Liverpool&date=2024-04-18", timeout=SLOW)
    page.get_by_test_id("range-0").click()
    page.wait_for_url("**years=0")
    assert int(re.search(r"\((\d{4})-\d\d-\d\d to", page.locator("#range").text_content())[1]) < 1900
    assert page.get_by_test_id("wdl").first.text_content() == "L"
