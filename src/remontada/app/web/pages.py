"""Server-rendered pages: the pickers; a tie (with its in-play panel), a round, a team, a whole competition.

Every number comes from the same functions as the API (:mod:`remontada.app.web.api`);
this module only arranges them for people (and scales charts to pixels).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from remontada.app.plain import percent, records
from remontada.app.web.api import (
    MAX_CONDITIONS,
    NAME,
    SIMS,
    CompetitionName,
    CompetitionQ,
    Conditions,
    Events,
    Leg1,
    Neutral,
    RulesQ,
    Season,
    Seed,
    Sims,
    TeamA,
    TeamB,
    WhatIfQ,
    competition_forecast,
    curve_forecast,
    live_forecast,
    round_forecasts,
    tie_forecast,
)
from remontada.app.web.competition import competition_view
from remontada.app.web.deps import Day, Engines, EnginesDep, templates
from remontada.app.web.inplay import REGULAR_TIME, InPlayState, nearest_state
from remontada.data.queries import two_legged_ties
from remontada.errors import DataError
from remontada.knockout.precedents import famous_comebacks

__all__ = ["live_params", "router"]

router = APIRouter(include_in_schema=False)
EXAMPLE = {"team_a": "Liverpool", "team_b": "Atalanta", "date": "2024-04-18"}
COMPETITION_EXAMPLE = {"competition": "uefa-el", "season": "2023-24", "date": "2024-04-18"}


templates.env.filters["pct"] = percent
StateText = Annotated[str | None, Query(max_length=12)]
"""A part of the in-play state in a page's URL: read as text, so that an impossible one is shown as the nearest."""


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, engines: EnginesDep) -> HTMLResponse:
    """Pick a round of a competition, or two teams, a first leg and a date."""
    rounds = await engines.rounds()
    tree: dict[str, dict[str, Any]] = {}
    for row in rounds.to_dict("records"):
        entry = tree.setdefault(str(row["competition_id"]), {"name": str(row["competition"]), "seasons": {}})
        entry["seasons"].setdefault(str(row["season"]), []).append(str(row["round"]))
    competitions = sorted(((k, v["name"]) for k, v in tree.items()), key=lambda c: c[1])
    picker = {k: v["seasons"] for k, v in tree.items()}
    seasons: dict[str, dict[str, Any]] = {}
    for row in (await engines.competitions()).to_dict("records"):
        entry = seasons.setdefault(str(row["competition_id"]), {"name": str(row["competition"]), "seasons": {}})
        first, last = pd.Timestamp(row["first"]), pd.Timestamp(row["last"])
        entry["seasons"][str(row["season"])] = (first + (last - first) / 2).date().isoformat()  # halfway through
    forecastable = sorted(((k, v["name"]) for k, v in seasons.items()), key=lambda c: c[1])
    front = await engines.answer(("front",), lambda: _front(engines))
    context = {
        "front": front,
        "competitions": competitions,
        "picker": json.dumps(picker),
        "example": EXAMPLE,
        "forecastable": forecastable,
        "seasons": json.dumps({k: v["seasons"] for k, v in seasons.items()}),
        "competition_example": COMPETITION_EXAMPLE,
    }
    return templates.TemplateResponse(request, "index.html", context)


@router.get("/tie", response_class=HTMLResponse)
async def tie_page(
    request: Request,
    engines: EnginesDep,
    team_a: TeamA,
    team_b: TeamB,
    leg1: Leg1 = None,
    date: Day = None,
    rules: RulesQ = None,
    competition: CompetitionQ = None,
    neutral: Neutral = False,
    minute: StateText = None,
    score: StateText = None,
    home_red: StateText = None,
    away_red: StateText = None,
    goals: Events = None,
    reds: Events = None,
    what_if: WhatIfQ = None,
) -> HTMLResponse:
    """A tie: chances by route, the second-leg grid, precedents and the in-play panel.

    The in-play panel starts from the state in the URL (``minute``, ``goals`` or
    ``score``, ``reds`` or ``home_red``/``away_red``, ``what_if``), brought to the
    nearest state a match can be in (:func:`remontada.app.web.inplay.nearest_state`).
    """
    leg1, rules, competition = leg1 or None, rules or None, competition or None  # empty form fields
    tie = await tie_forecast(
        engines, team_a, team_b, leg1=leg1, date=date, rules=rules, competition=competition, neutral=neutral
    )
    params = live_params(tie, team_a, team_b, leg1=leg1, rules=rules, competition=competition, neutral=neutral)
    kick_off = await live_forecast(
        engines, params["team_a"], params["team_b"], date=dt.date.fromisoformat(params["date"]),
        leg1=params.get("leg1"), rules=params.get("rules"), competition=params.get("competition"), neutral=neutral,
    )  # fmt: skip
    state = nearest_state(
        (kick_off["home"], kick_off["away"]), minute=minute, goals=goals, score=score, reds=reds,
        home_red=home_red, away_red=away_red, what_if=what_if,
    )  # fmt: skip
    await _playable(engines, state, params, neutral)
    grid = None
    if "second_leg" in tie:
        size = 1 + max(c["a"] for c in tie["second_leg"])
        grid = [[None] * size for _ in range(size)]
        for cell in tie["second_leg"]:
            grid[cell["b"]][cell["a"]] = cell
    comebacks: list[dict[str, Any]] = []
    base = tie["base_rate"]
    if base is not None:
        comebacks = await engines.answer(
            ("comebacks", base["deficit"], tie["as_of"]),
            lambda: _comebacks(engines, base["deficit"], dt.date.fromisoformat(tie["as_of"])),
        )
    return templates.TemplateResponse(
        request,
        "tie.html",
        {
            "tie": tie,
            "grid": grid,
            "comebacks": comebacks,
            "kick_off": kick_off,
            "params": json.dumps(params),
            "state": json.dumps(state.as_dict()),
            "state_notes": state.notes,
        },
    )


@router.get("/round", response_class=HTMLResponse)
async def round_page(
    request: Request,
    engines: EnginesDep,
    competition: Annotated[str, Query(**NAME)],
    season: Annotated[str, Query(**NAME)],
    round: Annotated[str, Query(**NAME)],
) -> HTMLResponse:
    """Every tie of a round with its chances, each as of its second leg."""
    ties = await round_forecasts(engines, competition, season, round)
    return templates.TemplateResponse(
        request, "round.html", {"ties": ties, "competition": competition, "season": season, "round": round}
    )


@router.get("/competition", response_class=HTMLResponse)
async def competition_page(
    request: Request,
    engines: EnginesDep,
    competition: CompetitionName,
    season: Season,
    date: Day = None,
    sims: Sims = SIMS,
    seed: Seed = 0,
    conditions: Conditions = None,
) -> HTMLResponse:
    """A whole competition: each team's chance of each stage, the rounds' likeliest opponents, a league's table."""
    wanted = [c.strip() for c in conditions or () if c.strip()]  # the form's empty "add a condition" field
    key, forecast = await competition_forecast(
        engines, competition, season, date=date, sims=sims, seed=seed, conditions=wanted
    )
    query: dict[str, Any] = {"competition": competition, "season": season}
    query |= {"date": date.isoformat()} if date else {}
    query |= {"sims": sims} if sims != SIMS else {}
    query |= {"seed": seed} if seed else {}
    query |= {"if": wanted} if wanted else {}
    names = await engines.competitions()
    name = str(next(iter(names.loc[names["competition_id"] == key[1], "competition"]), key[1]))
    page_key = ("competition-page", *key, json.dumps(query))
    view = await engines.answer(page_key, lambda: competition_view(forecast, query, name))
    context = {"view": view, "competition": competition, "season": season, "sims": sims, "seed": seed,
               "wanted": wanted, "more": len(wanted) < MAX_CONDITIONS, "default_sims": SIMS}  # fmt: skip
    return templates.TemplateResponse(request, "competition.html", context)


LATEST_ROUNDS = 6
"""Rounds the index lists as the store's latest."""
LATEST_COMPETITIONS = 8
"""Competition seasons the index lists as the store's latest."""
COMING = 12
"""Fixtures the index lists as coming up."""


def _front(engines: Engines) -> dict[str, Any]:
    """What the index leads with: the store's latest ties of a day, rounds and competitions, and coming fixtures."""
    ties = two_legged_ties(engines.store)
    last = pd.to_datetime(ties["leg2_date"]).max()
    day = ties[pd.to_datetime(ties["leg2_date"]) == last]
    rounds = (
        ties.groupby(["competition_id", "competition", "season", "round"], dropna=True)
        .agg(last=("leg2_date", "max"), ties=("tie_id", "size"))
        .reset_index()
        .sort_values("last", ascending=False)
        .head(LATEST_ROUNDS)
    )
    seasons = engines.store.df(
        """SELECT c.competition_id, any_value(c.name) AS competition, m.season, max(m.date) AS last
           FROM matches m JOIN competitions c USING (competition_id)
           WHERE c.kind = 'league' OR (c.kind = 'continental' AND m.knockout)
           GROUP BY c.competition_id, m.season
           QUALIFY row_number() OVER (PARTITION BY c.competition_id ORDER BY max(m.date) DESC) = 1
           ORDER BY last DESC, competition LIMIT ?""",
        [LATEST_COMPETITIONS],
    )
    coming = engines.store.df(
        """SELECT f.date, c.name AS competition, f.round, h.name AS home, a.name AS away, f.knockout
           FROM fixtures f JOIN teams h ON h.team_id = f.home_id JOIN teams a ON a.team_id = f.away_id
           JOIN competitions c USING (competition_id)
           WHERE f.date >= (SELECT max(date) FROM matches) ORDER BY f.date, f.fixture_id LIMIT ?""",
        [COMING],
    )
    return {
        "day": None if pd.isna(last) else last.date().isoformat(),
        "ties": records(day[["competition", "season", "round", "team_a", "team_b", "leg1_a", "leg1_b", "leg2_date"]]),
        "rounds": records(rounds),
        "seasons": records(seasons),
        "coming": records(coming),
        "last_match": engines.last.isoformat(),
    }


def live_params(
    tie: dict[str, Any],
    team_a: str,
    team_b: str,
    *,
    leg1: str | None,
    rules: str | None,
    competition: str | None,
    neutral: bool,
) -> dict[str, str]:
    """What a page sends to ``/api/live`` and ``/api/curve`` for the match to be played in ``tie``.

    The page's own inputs, and the tie's rules when nothing else makes the match in
    play this tie's (the store's tie under way does).
    """
    params: dict[str, str] = {"team_a": team_a, "team_b": team_b, "date": tie["as_of"]}
    params |= {k: v for k, v in (("leg1", leg1), ("rules", rules), ("competition", competition)) if v}
    if neutral:
        params["neutral"] = "true"
    stored_under_way = tie["leg1"] is not None and tie["rules_from"] == "competition" and not leg1
    if not stored_under_way and "rules" not in params:
        params["rules"] = tie["rules"]
    return params


async def _playable(engines: Engines, state: InPlayState, params: dict[str, str], neutral: bool) -> None:
    """Bring ``state`` to one the in-play model takes, noting why: some scores no clock can show in a tie.

    After 90 minutes of a tie's deciding match the score must be one that went to
    extra time (level on aggregate at 90 minutes), and no event can happen after 90 in
    a match that ended then; such a state is moved back to the 90th minute (its
    later events with it), where any score can stand. A state the model still
    refuses is replaced by kick-off.
    """
    asked: dict[str, Any] = {k: params.get(k) for k in ("leg1", "rules", "competition")}
    asked |= {"date": dt.date.fromisoformat(params["date"]), "neutral": neutral}
    for attempt in range(3):
        (home, away), reds = state.now()
        goals, sent_off = state.timelines()
        try:
            await live_forecast(
                engines, params["team_a"], params["team_b"], minute=str(state.minute), score=f"{home}-{away}",
                reds=reds, what_if=state.what_if_texts(), **asked,
            )  # fmt: skip
            await curve_forecast(engines, params["team_a"], params["team_b"], goals=goals, reds=sent_off, **asked)
            return
        except DataError as exc:
            late = state.minute > REGULAR_TIME or any(m > REGULAR_TIME for m, _ in state.goals + state.reds)
            if attempt == 0 and late:
                state.notes.append(f"{exc}; the clock and what happened after {REGULAR_TIME} are moved back to it")
                state.back_to(REGULAR_TIME)
            else:
                state.notes.append(f"{exc}; shown at kick-off instead")
                state.minute, state.goals, state.reds, state.what_if = 0, [], [], {}


def _comebacks(engines: Engines, deficit: int, before: dt.date) -> list[dict[str, str]]:
    """The famous comebacks from this deficit, as the briefing and the demo list them, as text."""
    frame = famous_comebacks(engines.store, deficit=deficit, before=before)
    return [{str(k): "" if pd.isna(v) else str(v) for k, v in row.items()} for row in frame.to_dict("records")]
