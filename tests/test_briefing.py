import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from remontada.app.briefing import EARLY_MINUTE, PUSH, Briefing, build_briefing
from remontada.app.cli import app
from remontada.data.bundle import open_store
from remontada.errors import DataError, UnknownTeamError
from remontada.knockout.forecast import TieForecaster
from remontada.live.forecast import LiveForecaster, WhatIf

BERGAMO = dt.date(2024, 4, 18)
runner = CliRunner()


@pytest.fixture(scope="module")
def live(bundled_db: Path) -> Iterator[LiveForecaster]:
    with open_store(bundled_db, read_only=True) as store:
        yield LiveForecaster(store)


@pytest.fixture(scope="module")
def bergamo(live: LiveForecaster) -> Briefing:
    return build_briefing(live, "Liverpool", "Atalanta", date=BERGAMO)


def test_the_comeback_chance_is_the_tie_forecasts(live: LiveForecaster, bergamo: Briefing) -> None:
    expected = TieForecaster(live.store).tie("Liverpool", "Atalanta", date=BERGAMO)
    assert [s.team for s in bergamo.sides] == ["Liverpool"]  # only the side that trails
    side = bergamo.sides[0]
    assert side.side == "away" and side.opponent == "Atalanta"
    assert side.p_through == pytest.approx(float(expected.probabilities.p_a), abs=1e-12)
    for route in ("90", "extra_time", "penalties"):
        assert side.routes[route] == pytest.approx(float(getattr(expected.probabilities, f"a_{route}")), abs=1e-12)
    assert sum(side.routes.values()) == pytest.approx(side.p_through)
    assert side.needs == expected.needs()
    assert side.needs is not None and (side.needs["to_level"], side.needs["to_win"]) == (3, 4)
    assert bergamo.tie.base_rate == expected.base_rate
    assert (bergamo.home, bergamo.away) == ("Atalanta", "Liverpool")
    assert "Liverpool 4-0 Barcelona" not in " ".join(s for s, _ in side.winning_scores)  # leg-2 scores, Atalanta first
    assert side.winning_scores[0][0] == "Atalanta 0-4 Liverpool"  # 0-3 only levels it: extra time
    assert side.level_scores[0][0] == "Atalanta 0-3 Liverpool"


def test_early_goals_are_the_live_forecasts_at_those_moments(live: LiveForecaster, bergamo: Briefing) -> None:
    scenarios = {(c.minute, c.score): c.p_through for c in bergamo.sides[0].scenarios}
    for minute, score in [(0, (0, 0)), (EARLY_MINUTE, (0, 1)), (45, (0, 1)), (45, (0, 0)), (EARLY_MINUTE, (1, 0))]:
        now = live.live("Liverpool", "Atalanta", date=BERGAMO, minute=minute, score=score)
        assert scenarios[(minute, score)] == pytest.approx(now.p_succeeds("away"), abs=1e-12)
    kick_off, early, _, goalless, conceded = bergamo.sides[0].scenarios
    assert early.p_through > kick_off.p_through > goalless.p_through > conceded.p_through


def test_what_if_rows_are_the_live_what_ifs(live: LiveForecaster, bergamo: Briefing) -> None:
    expected_base = live.live("Liverpool", "Atalanta", date=BERGAMO)
    push = WhatIf("Liverpool", *PUSH)
    expected_push = live.live("Liverpool", "Atalanta", date=BERGAMO, what_if=(push,))
    base, pushed = bergamo.sides[0].approaches
    assert base.what_if is None and pushed.what_if == push
    for row, f in ((base, expected_base), (pushed, expected_push)):
        assert row.goals == 3
        assert row.p_through == pytest.approx(f.p_succeeds("away"), abs=1e-12)
        assert row.p_scores == pytest.approx(f.p_scores("away", 3), abs=1e-12)
        assert row.p_concedes == pytest.approx(f.p_concedes("away"), abs=1e-12)
    assert pushed.p_scores > base.p_scores and pushed.p_concedes > base.p_concedes


def test_famous_comebacks_include_anfield_2019(bergamo: Briefing) -> None:
    famous = bergamo.famous
    assert any(c.leg2 == "Liverpool 4-0 Barcelona" and c.season == "2018-19" for c in famous)
    assert all(c.deficit >= 3 and c.date < BERGAMO for c in famous)
    european = [c for c in famous if c.european]
    assert famous[: len(european)] == tuple(european)  # European cups first, then most recent first
    assert [c.date for c in european] == sorted((c.date for c in european), reverse=True)


def test_club_tie_says_there_is_no_scorer_data(bergamo: Briefing) -> None:
    threat = bergamo.sides[0].threat
    assert threat.team == "Atalanta" and not threat.national and threat.scorers == ()
    assert "no club goalscorer data" in threat.describe()


def test_provenance_names_model_data_and_rules(bergamo: Briefing) -> None:
    p = bergamo.provenance
    assert p["model"] == bergamo.tie.model and p["as_of"] == "2024-04-18"
    assert p["data_to"] < "2024-04-18" and p["rules"] == "uefa-2021" and p["rules_from"] == "competition"
    assert p["command"] == "remontada brief Liverpool Atalanta --date 2024-04-18"


def test_as_dict_is_json(bergamo: Briefing) -> None:
    d = json.loads(json.dumps(bergamo.as_dict()))
    assert d["sides"][0]["p_through"] == bergamo.sides[0].p_through
    assert d["tie"]["p_a"] == pytest.approx(bergamo.sides[0].p_through)
    assert any(c["leg2"] == "Liverpool 4-0 Barcelona" for c in d["famous"])


def test_html_is_one_self_contained_page_with_the_numbers_as_printed(bergamo: Briefing) -> None:
    page = bergamo.to_html()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"https?://", page)
    assert not re.search(r"<(script|link|img|iframe)\b", page) and "@import" not in page and "url(" not in page
    assert "@media print" in page
    side = bergamo.sides[0]
    text = bergamo.to_text()
    for number in (side.p_through, side.scenarios[1].p_through, side.approaches[1].p_through):
        shown = f"{number:.1%}"
        assert shown in page and shown in text
    assert "Liverpool 4-0 Barcelona" in page and "Liverpool 4-0 Barcelona" in text
    assert "&lt;" not in bergamo.title()  # escaped only in the page


def test_cli_writes_the_html_and_prints_the_text(
    bundled_db: Path, tmp_path: Path, bergamo: Briefing, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("remontada.app.cli.serve.out", Console(width=200))  # wide enough that no table cell wraps
    out = tmp_path / "brief.html"
    args = ["brief", "Liverpool", "Atalanta", "--date", "2024-04-18", "--db", str(bundled_db), "--html", str(out)]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == bergamo.to_html()
    headline = f"{bergamo.sides[0].p_through:.1%}"
    assert headline in result.output and "Liverpool trail by 3 goals" in result.output
    assert "Liverpool 4-0 Barcelona" in result.output
    as_json = runner.invoke(app, [*args[:-2], "--json"], catch_exceptions=False)
    assert json.loads(as_json.stdout)["sides"][0]["p_through"] == pytest.approx(bergamo.sides[0].p_through)


def test_bad_input_is_a_clear_error(live: LiveForecaster, bundled_db: Path) -> None:
    with pytest.raises(UnknownTeamError, match="unknown team 'Liverpoool'"):
        build_briefing(live, "Liverpoool", "Atalanta", date=BERGAMO)
    with pytest.raises(DataError, match="'Barcelona' is not in this tie"):
        build_briefing(live, "Liverpool", "Atalanta", leg1="Liverpool 0-3 Barcelona", date=BERGAMO)
    with pytest.raises(DataError, match="unknown rules"):
        build_briefing(live, "Liverpool", "Atalanta", date=BERGAMO, rules="golden-goal")
    result = runner.invoke(app, ["brief", "Liverpoool", "Atalanta", "--db", str(bundled_db)])
    assert result.exit_code != 0 and isinstance(result.exception, UnknownTeamError)


def test_national_teams_list_the_opponents_scorers(live: LiveForecaster) -> None:
    b = build_briefing(
        live, "Scotland", "Spain", leg1="Scotland 0-2 Spain", date=dt.date(2023, 10, 12), rules="two-legged"
    )
    assert [s.team for s in b.sides] == ["Scotland"] and b.provenance["rules_from"] == "given"
    threat = b.sides[0].threat
    assert threat.team == "Spain" and threat.national
    assert threat.scorers and threat.scorers[0].name == "Álvaro Morata"
    assert all(threat.since <= c.last < dt.date(2023, 10, 12) for c in threat.scorers)
    assert [c.goals for c in threat.scorers] == sorted((c.goals for c in threat.scorers), reverse=True)
    assert threat.team_goals >= sum(c.goals for c in threat.scorers)
    page, text = b.to_html(), b.to_text()
    assert "Álvaro Morata" in page and "Álvaro Morata" in text


def test_a_level_tie_briefs_both_sides(live: LiveForecaster) -> None:
    b = build_briefing(live, "Liverpool", "Atalanta", leg1="1-1", date=BERGAMO)
    assert [s.team for s in b.sides] == ["Liverpool", "Atalanta"]
    assert sum(s.p_through for s in b.sides) == pytest.approx(1.0)
    assert b.famous == () and b.tie.base_rate is None and all(s.needs is None for s in b.sides)
    assert [s.threat.team for s in b.sides] == ["Atalanta", "Liverpool"]
    assert "level after the first leg" in b.headline()


def test_before_the_first_leg_the_store_supplies_the_competition(live: LiveForecaster) -> None:
    b = build_briefing(live, "Liverpool", "Atalanta", date=dt.date(2024, 4, 1))
    assert not b.second_leg and b.title().endswith("Quarterfinals, first leg")
    assert (b.home, b.away) == ("Liverpool", "Atalanta") and b.tie.rules.name == "uefa-2021"
    assert [s.team for s in b.sides] == ["Liverpool", "Atalanta"]
    expected = TieForecaster(live.store).tie("Liverpool", "Atalanta", date=dt.date(2024, 4, 1))
    assert b.sides[0].p_through == pytest.approx(float(expected.probabilities.p_a), abs=1e-12)
    assert "still to play" in b.headline()
