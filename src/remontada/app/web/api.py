"""The JSON API under ``/api``: each endpoint is one library call and its ``as_dict()``.

The functions beside the routes (:func:`tie_forecast`, :func:`competition_forecast`, ...) are
what the pages call too, so a page and the API always show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from typing import Annotated, Any, TypeVar

import pandas as pd
from fastapi import APIRouter, Query
from pydantic import StringConstraints

from remontada.app.plain import plain, records
from remontada.app.web.deps import Day, Engines, EnginesDep
from remontada.data.queries import find_competition, find_team, matches, two_legged_ties
from remontada.errors import DataError
from remontada.evaluation.backtest import market_forecasts
from remontada.live.forecast import parse_events, parse_what_if
from remontada.models.blend import BlendModel
from remontada.models.elo import EloModel
from remontada.tournaments.forecast import parse_condition
from remontada.tournaments.results import TournamentForecast

__all__ = [
    "MAX_CONDITIONS",
    "MAX_EVENTS",
    "SIMS",
    "competition_forecast",
    "curve_forecast",
    "live_forecast",
    "match_forecast",
    "round_forecasts",
    "router",
    "team_history",
    "team_names",
    "tie_forecast",
]

T = TypeVar("T")
MAX_EVENTS = 30
"""The most goal (or red-card) events one curve request may list."""

MAX_CONDITIONS = 4
"""The most ``if`` conditions one competition request may force."""
SIMS = 10_000
"""Simulations of a competition forecast unless the request says (the library's default)."""

router = APIRouter(prefix="/api", tags=["api"])

NAME = {"min_length": 1, "max_length": 100}
"""The bounds of a name in a query (a team, competition, season or round)."""
TeamA = Annotated[str, Query(description="Side A: at home in the first leg (any spelling the store knows).", **NAME)]
TeamB = Annotated[str, Query(description="Side B: at home in the second leg.", **NAME)]
Leg1 = Annotated[
    str | None,
    Query(max_length=120, description="First leg, A's goals first: 'Liverpool 0-3 Atalanta' or '0-3'."),
]
RulesQ = Annotated[str | None, Query(max_length=120, description="Rules name, e.g. uefa-2021 or single-match.")]
CompetitionQ = Annotated[str | None, Query(max_length=120, description="Competition slug or name.")]
Neutral = Annotated[bool, Query(description="A single match at a neutral ground.")]
Minute = Annotated[str, Query(max_length=8, description="Minutes played, 0..120 ('45+2' for stoppage time).")]
Score = Annotated[
    str, Query(max_length=120, description="The score now, home first: '0-1' or 'Atalanta 0-1 Liverpool'.")
]
Red = Annotated[int, Query(ge=0, le=11, description="Red cards shown to this side so far.")]
WhatIfQ = Annotated[
    list[str] | None,
    Query(max_length=4, description="Changes of approach, e.g. 'Liverpool:+30%,+20%' (goals for, against)."),
]
Events = Annotated[
    str | None, Query(max_length=1000, description="A timeline 'MINUTE:TEAM,...', e.g. '7:Liverpool,90+2:Atalanta'.")
]
CompetitionName = Annotated[
    str, Query(description="Competition slug or name, e.g. uefa-el (a cup from its knockout rounds) or eng-1.", **NAME)
]
Season = Annotated[
    str, Query(pattern=r"^\d{4}(-\d{2})?$", description="Season: 2023-24, or a year (2024) for a calendar season.")
]
Sims = Annotated[
    int, Query(ge=1_000, le=200_000, description="Simulations: more give smaller Monte Carlo errors and take longer.")
]
Seed = Annotated[int, Query(ge=0, le=2**32 - 1, description="Random seed: the same inputs and seed, the same numbers.")]
Conditions = Annotated[
    list[Annotated[str, StringConstraints(max_length=120)]] | None,
    Query(
        alias="if",
        max_length=MAX_CONDITIONS,
        description="A result forced in every simulation, e.g. 'Liverpool beat Atalanta' ('A draw with B', "
        f"'A lose to B', 'A 2-1 B'); repeat it for more, at most {MAX_CONDITIONS}.",
    ),
]


def _events(text: str | None, name: str) -> list[tuple[int, str]]:
    events = parse_events(text or "")
    if len(events) > MAX_EVENTS:
        raise DataError(f"{name}: {len(events)} events, more than the {MAX_EVENTS} one request may list")
    return events


async def tie_forecast(
    engines: Engines,
    team_a: str,
    team_b: str,
    *,
    leg1: str | None = None,
    date: dt.date | None = None,
    rules: str | None = None,
    competition: str | None = None,
    neutral: bool = False,
) -> dict[str, Any]:
    """:meth:`TieForecaster.tie` as a dict."""
    key = ("tie", team_a, team_b, leg1, date, rules, competition, neutral)
    return await engines.answer(
        key,
        lambda: engines.ties.tie(
            team_a, team_b, leg1=leg1, date=date, rules=rules, competition=competition, neutral=neutral
        ).as_dict(),
    )


async def live_forecast(
    engines: Engines,
    team_a: str,
    team_b: str,
    *,
    minute: str = "0",
    score: str = "0-0",
    reds: tuple[int, int] = (0, 0),
    leg1: str | None = None,
    date: dt.date | None = None,
    rules: str | None = None,
    competition: str | None = None,
    neutral: bool = False,
    what_if: list[str] | None = None,
) -> dict[str, Any]:
    """:meth:`LiveForecaster.live` as a dict."""
    changes = tuple(parse_what_if(w) for w in what_if or [])
    key = ("live", team_a, team_b, minute, score, reds, leg1, date, rules, competition, neutral, changes)
    return await engines.answer(
        key,
        lambda: engines.live.live(
            team_a, team_b, minute=minute, score=score, reds=reds, leg1=leg1, date=date, rules=rules,
            competition=competition, neutral=neutral, what_if=changes,
        ).as_dict(),
    )  # fmt: skip


async def curve_forecast(
    engines: Engines,
    team_a: str,
    team_b: str,
    *,
    goals: str | None = None,
    reds: str | None = None,
    leg1: str | None = None,
    date: dt.date | None = None,
    rules: str | None = None,
    competition: str | None = None,
    neutral: bool = False,
) -> dict[str, Any]:
    """:meth:`LiveForecaster.replay` as a dict."""
    scored, sent_off = _events(goals, "goals"), _events(reds, "reds")
    key = ("curve", team_a, team_b, tuple(scored), tuple(sent_off), leg1, date, rules, competition, neutral)
    return await engines.answer(
        key,
        lambda: engines.live.replay(
            team_a, team_b, goals=scored, reds=sent_off, leg1=leg1, date=date, rules=rules,
            competition=competition, neutral=neutral,
        ).as_dict(),
    )  # fmt: skip


async def round_forecasts(engines: Engines, competition: str, season: str, round: str) -> list[dict[str, Any]]:
    """:meth:`TieForecaster.round` as a list of dicts, each tie as of its second leg."""
    return await engines.answer(
        ("round", competition, season, round),
        lambda: [f.as_dict() for f in engines.ties.round(competition, season, round)],
    )


async def competition_forecast(
    engines: Engines,
    competition: str,
    season: str,
    *,
    date: dt.date | None = None,
    sims: int = SIMS,
    seed: int = 0,
    conditions: Sequence[str] = (),
) -> tuple[tuple[Any, ...], TournamentForecast]:
    """:meth:`TournamentForecaster.competition`, and the key it is remembered by (for answers made from it).

    The competition is resolved to its id first (so a slug and a name share one
    answer); blank conditions are left out and the others' wording checked at once.
    """
    comp = await engines.answer(("competition-id", competition), lambda: _competition_id(engines, competition))
    wanted = tuple(c.strip() for c in conditions if c.strip())
    for text in wanted:
        _condition(partial(parse_condition, text))
    key = ("competition", comp, season, date, sims, seed, wanted)
    forecast = await engines.answer(
        key,
        lambda: _condition(
            lambda: engines.tournaments.competition(comp, season, as_of=date, sims=sims, seed=seed, conditions=wanted)
        ),
    )
    return key, forecast


def _competition_id(engines: Engines, text: str) -> str:
    """The competition's id, or a :class:`DataError` naming the parameter."""
    try:
        return find_competition(engines.store, text)
    except DataError as exc:
        raise DataError(f"competition: {exc}") from None


def _condition(compute: Callable[[], T]) -> T:
    """``compute()``, its errors about a condition naming the query's parameter, ``if``."""
    try:
        return compute()
    except DataError as exc:
        message = str(exc)
        if message.startswith("condition "):
            raise DataError("if: " + message.removeprefix("condition ")) from None
        raise


async def team_history(
    engines: Engines, name: str, *, date: dt.date | None = None, results: int = 20
) -> dict[str, Any]:
    """A team's rating after each of its matches (Elo) and its latest results, before ``date``."""
    return await engines.answer(("team", name, date, results), lambda: _team(engines, name, date, results))


def _team(engines: Engines, name: str, date: dt.date | None, results: int) -> dict[str, Any]:
    """:func:`team_history`, worked out."""
    store = engines.store
    forecaster = engines.ties.forecaster
    team_id = find_team(store, name)
    day = date or forecaster.latest_date()
    pool = forecaster.pool(team_id)
    forecaster.check_date(day, pool)
    model = forecaster.fitted(day, pool)
    found = store.one("SELECT name, country, kind FROM teams WHERE team_id = ?", [team_id])
    assert found is not None
    elo = model.elo if isinstance(model, BlendModel) else model  # the blend's Elo half has the history
    history = elo.ratings_history([team_id]) if isinstance(elo, EloModel) else None
    rating = elo.ratings().get("rating") if isinstance(elo, EloModel) else None
    recent = matches(store, team=name, before=day).tail(results).iloc[::-1]
    ties = pd.concat([two_legged_ties(store, team_a_id=team_id), two_legged_ties(store, team_b_id=team_id)])
    columns = ["date", "competition", "season", "round", "home", "away", "home_goals", "away_goals"]
    columns += ["et_home_goals", "et_away_goals", "pen_home", "pen_away"]
    return {
        "team": str(found[0]),
        "country": plain(found[1]),
        "kind": str(found[2]),
        "as_of": day.isoformat(),
        "model": forecaster.model,
        "rating_model": None if rating is None else EloModel.name,  # the blend's rating is its Elo half's
        "rating": None if rating is None or team_id not in rating.index else float(rating[team_id]),
        "history": None
        if history is None
        else {
            "dates": [plain(d) for d in history["date"]],
            "ratings": [float(r) for r in history["rating"]],
        },
        "results": records(recent[columns]),
        "upcoming": _upcoming(ties, day),
    }


async def match_forecast(
    engines: Engines,
    home: str,
    away: str,
    *,
    date: dt.date | None = None,
    neutral: bool = False,
    european: bool = False,
) -> dict[str, Any]:
    """:meth:`Forecaster.match` as a dict, with its score grid, and the market's view where the store has prices.

    ``market`` is the bookmakers' closing 1X2 prices for the stored match between
    these sides on ``date``, with the margin taken out (multiplicative: each price's
    inverse divided by their sum, :func:`remontada.evaluation.margins.implied_probabilities`),
    or ``None`` when the store has no such match or no prices for it. ``actual`` is
    that match's result, if played.
    """
    key = ("match", home, away, date, neutral, european)
    return await engines.answer(key, lambda: _match(engines, home, away, date, neutral, european))


GRID_SHOWN = 6
"""Goals a side shown in a match's score grid (0..5; the rest is the grid's ``tail``)."""


def _match(
    engines: Engines, home: str, away: str, date: dt.date | None, neutral: bool, european: bool
) -> dict[str, Any]:
    """:func:`match_forecast`, worked out: a match the store has on that day is forecast as it was played.

    Its neutral ground and its competition's kind (a European cup's home advantage is
    larger) come from the store, whatever the request said.
    """
    forecaster = engines.matches
    home_id, away_id = forecaster.pair(home, away)
    day = date or forecaster.latest_date()
    found = engines.store.df(
        """SELECT m.match_id, m.home_goals, m.away_goals, m.neutral, c.kind, c.name AS competition, m.season
           FROM matches m JOIN competitions c USING (competition_id)
           WHERE m.home_id = ? AND m.away_id = ? AND m.date = ?""",
        [home_id, away_id, day],
    )
    if not found.empty:
        neutral, european = bool(found["neutral"].iloc[0]), found["kind"].iloc[0] == "continental"
    forecast = forecaster.match(home, away, neutral=neutral, continental=european, as_of=day)
    answer = forecast.as_dict() | {"european": european}
    probs = forecast.grid.probs[:GRID_SHOWN, :GRID_SHOWN]
    answer["grid"] = [[float(p) for p in row] for row in probs]
    answer["actual"] = None
    answer["market"] = None
    if not found.empty:
        row = found.iloc[0]
        answer["actual"] = {
            "home_goals": int(row["home_goals"]), "away_goals": int(row["away_goals"]),
            "competition": str(row["competition"]), "season": str(row["season"]),
        }  # fmt: skip
        market, used, _ = market_forecasts(engines.store, found[["match_id"]])
        if not market.empty:
            answer["market"] = {
                "p_home": float(market["p_home"].iloc[0]),
                "p_draw": float(market["p_draw"].iloc[0]),
                "p_away": float(market["p_away"].iloc[0]),
                "bookmaker": str(used["bookmaker"].iloc[0]),
                "prices": [float(used[k].iloc[0]) for k in ("home", "draw", "away")],
                "timing": "closing",
                "method": "multiplicative",
            }
    return answer


TEAMS_SHOWN = 12
"""Names a team search answers with, at most."""


async def team_names(engines: Engines, text: str) -> list[str]:
    """Up to :data:`TEAMS_SHOWN` team names containing ``text`` (any case).

    Names starting with it come first, then the teams with the most matches in the store.
    """
    key = text.strip().casefold()
    return await engines.answer(("teams", key), lambda: _team_names(engines, key))


def _team_names(engines: Engines, key: str) -> list[str]:
    rows = engines.store.df(
        """WITH played AS (
               SELECT team_id, count(*) AS n FROM (
                   SELECT home_id AS team_id FROM matches UNION ALL SELECT away_id FROM matches)
               GROUP BY team_id)
           SELECT t.name FROM teams t JOIN played USING (team_id)
           WHERE strpos(lower(t.name), ?) > 0
           ORDER BY starts_with(lower(t.name), ?) DESC, played.n DESC, t.name
           LIMIT ?""",
        [key, key, TEAMS_SHOWN],
    )
    return [str(n) for n in rows["name"]]


UPCOMING_DAYS = 90
"""How far ahead of the page's date a stored tie counts as upcoming."""


def _upcoming(ties: pd.DataFrame, day: dt.date) -> list[dict[str, Any]]:
    """The team's stored two-legged ties whose second leg is on or after ``day`` (within :data:`UPCOMING_DAYS`)."""
    leg2 = pd.to_datetime(ties["leg2_date"]).dt.date
    ahead = ties[(leg2 >= day) & (leg2 <= day + dt.timedelta(days=UPCOMING_DAYS))].sort_values("leg2_date")
    columns = ["competition", "season", "round", "team_a", "team_b", "leg1_date", "leg2_date"]
    return records(ahead[columns])


@router.get("/tie", summary="A knockout tie: who goes through, by route")
async def get_tie(
    engines: EnginesDep,
    team_a: TeamA,
    team_b: TeamB,
    leg1: Leg1 = None,
    date: Day = None,
    rules: RulesQ = None,
    competition: CompetitionQ = None,
    neutral: Neutral = False,
) -> dict[str, Any]:
    """``TieForecast.as_dict()``: P(each side goes through) in 90 minutes, extra time and penalties, and more."""
    return await tie_forecast(
        engines, team_a, team_b, leg1=leg1, date=date, rules=rules, competition=competition, neutral=neutral
    )


@router.get("/live", summary="A match or tie at one moment: minute, score, red cards")
async def get_live(
    engines: EnginesDep,
    team_a: TeamA,
    team_b: TeamB,
    date: Day = None,
    leg1: Leg1 = None,
    minute: Minute = "0",
    score: Score = "0-0",
    home_red: Red = 0,
    away_red: Red = 0,
    what_if: WhatIfQ = None,
    rules: RulesQ = None,
    competition: CompetitionQ = None,
    neutral: Neutral = False,
) -> dict[str, Any]:
    """``LiveForecast.as_dict()``: the final score to come and who goes through, from this moment."""
    return await live_forecast(
        engines, team_a, team_b, minute=minute, score=score, reds=(home_red, away_red), leg1=leg1, date=date,
        rules=rules, competition=competition, neutral=neutral, what_if=what_if,
    )  # fmt: skip


@router.get("/curve", summary="The chance minute by minute for a timeline of goals")
async def get_curve(
    engines: EnginesDep,
    team_a: TeamA,
    team_b: TeamB,
    date: Day = None,
    leg1: Leg1 = None,
    goals: Events = None,
    reds: Events = None,
    rules: RulesQ = None,
    competition: CompetitionQ = None,
    neutral: Neutral = False,
) -> dict[str, Any]:
    """``Curve.as_dict()``: ``values[side][minute]``, and ``stayed`` had the score not moved."""
    return await curve_forecast(
        engines, team_a, team_b, goals=goals, reds=reds, leg1=leg1, date=date, rules=rules,
        competition=competition, neutral=neutral,
    )  # fmt: skip


@router.get("/round", summary="Every two-legged tie of a round, each as of its second leg")
async def get_round(
    engines: EnginesDep,
    competition: Annotated[str, Query(description="Competition slug or name, e.g. uefa-el.", **NAME)],
    season: Annotated[str, Query(description="Season, e.g. 2023-24.", **NAME)],
    round: Annotated[str, Query(description="Round, e.g. Quarterfinals.", **NAME)],
) -> list[dict[str, Any]]:
    """A list of ``TieForecast.as_dict()``."""
    return await round_forecasts(engines, competition, season, round)


@router.get("/team", summary="A team's rating history and latest results")
async def get_team(
    engines: EnginesDep,
    name: Annotated[str, Query(description="Team name (any spelling the store knows).", **NAME)],
    date: Day = None,
    results: Annotated[int, Query(ge=1, le=200, description="How many latest results.")] = 20,
) -> dict[str, Any]:
    """Ratings after each match (``history.dates``, ``history.ratings``; Elo) and the latest results."""
    return await team_history(engines, name, date=date, results=results)


@router.get("/match", summary="One match: 1X2, expected goals and the score grid")
async def get_match(
    engines: EnginesDep,
    home: Annotated[str, Query(description="Home team (any spelling the store knows).", **NAME)],
    away: Annotated[str, Query(description="Away team.", **NAME)],
    date: Day = None,
    neutral: Neutral = False,
    european: Annotated[bool, Query(description="A European-cup match (home advantage is larger there).")] = False,
) -> dict[str, Any]:
    """``MatchForecast.as_dict()`` with ``grid[home_goals][away_goals]`` (0-5 each).

    ``actual`` is the stored match's result and ``market`` its de-vigged closing chances, where the store has them
    (else ``null``).
    """
    return await match_forecast(engines, home, away, date=date, neutral=neutral, european=european)


@router.get("/teams", summary="Team names containing some text (for autocomplete)")
async def get_teams(
    engines: EnginesDep,
    q: Annotated[str, Query(min_length=2, max_length=100, description="Part of a team's name (any case).")],
) -> list[str]:
    """Up to 12 names: those starting with ``q`` first, then the teams with the most matches."""
    return await team_names(engines, q)


@router.get("/competition", summary="A whole competition: each team's chance of each stage")
async def get_competition(
    engines: EnginesDep,
    competition: CompetitionName,
    season: Season,
    date: Day = None,
    sims: Sims = SIMS,
    seed: Seed = 0,
    conditions: Conditions = None,
) -> dict[str, Any]:
    """``TournamentForecast.as_dict()``: ``teams[].p[stage]`` with its Monte Carlo error ``se``, and more.

    In a league each team also has its ``positions``, ``expected_points`` and ``zones``; ``importance`` lists the
    upcoming matches that matter most.

    A cup is forecast from its knockout round under way on ``date`` (default: the day after the season's last
    match), a league from its table then, every match still to play simulated ``sims`` times.
    """
    key, forecast = await competition_forecast(
        engines, competition, season, date=date, sims=sims, seed=seed, conditions=conditions or ()
    )
    return await engines.answer(("competition-json", *key), forecast.as_dict)
