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

from remontada.app.plain import percent
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
    live_forecast,
    round_forecasts,
    team_history,
    tie_forecast,
)
from remontada.app.web.competition import competition_view
from remontada.app.web.deps import Day, Engines, EnginesDep, templates
from remontada.app.web.inplay import InPlayState, nearest_state
from remontada.errors import DataError
from remontada.knockout.precedents import famous_comebacks

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
EXAMPLE = {"team_a": "Liverpool", "team_b": "Atalanta", "date": "2024-04-18"}
COMPETITION_EXAMPLE = {"competition": "uefa-el", "season": "2023-24", "date": "2024-04-18"}


templates.env.filters["pct"] = percent
REGULAR_TIME = 90
"""The minute at which any score can stand (extra time is played only from some)."""
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
    context = {
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
    # What the in-play panel sends to /api/live and /api/curve: the page's own inputs, and the
    # rules when nothing else makes the match in play this tie's (the store's tie under way does).
    params: dict[str, str] = {"team_a": team_a, "team_b": team_b, "date": tie["as_of"]}
    params |= {k: v for k, v in (("leg1", leg1), ("rules", rules), ("competition", competition)) if v}
    if neutral:
        params["neutral"] = "true"
    stored_under_way = tie["leg1"] is not None and tie["rules_from"] == "competition" and not leg1
    if not stored_under_way and "rules" not in params:
        params["rules"] = tie["rules"]
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


@router.get("/team", response_class=HTMLResponse)
async def team_page(
    request: Request,
    engines: EnginesDep,
    name: Annotated[str, Query(**NAME)],
    date: Day = None,
) -> HTMLResponse:
    """A team's rating history (inline SVG) and latest results."""
    team = await team_history(engines, name, date=date, results=20)
    chart = None
    if team["history"] and team["history"]["dates"]:
        chart = _chart(team["history"]["dates"], team["history"]["ratings"])
    return templates.TemplateResponse(request, "team.html", {"team": team, "chart": chart})


async def _playable(engines: Engines, state: InPlayState, params: dict[str, str], neutral: bool) -> None:
    """Bring ``state`` to one the in-play model takes, noting why: some scores no clock can show in a tie.

    After 90 minutes of a tie's deciding match the score must be one that went to
    extra time (level on aggregate at 90 minutes); a state past 90 whose score is not is
    moved back to the 90th minute, where any score can stand. A state the model still
    refuses is replaced by kick-off.
    """
    for attempt in range(3):
        (home, away), reds = state.now()
        try:
            await live_forecast(
                engines, params["team_a"], params["team_b"], minute=str(state.minute), score=f"{home}-{away}",
                reds=reds, leg1=params.get("leg1"), date=dt.date.fromisoformat(params["date"]),
                rules=params.get("rules"), competition=params.get("competition"), neutral=neutral,
                what_if=state.what_if_texts(),
            )  # fmt: skip
            return
        except DataError as exc:
            if attempt == 0 and state.minute > REGULAR_TIME:
                state.notes.append(f"{exc}; the clock is moved back to {REGULAR_TIME}")
                state.minute = REGULAR_TIME
            else:
                state.notes.append(f"{exc}; shown at kick-off instead")
                state.minute, state.goals, state.reds, state.what_if = 0, [], [], {}


def _comebacks(engines: Engines, deficit: int, before: dt.date) -> list[dict[str, str]]:
    """The famous comebacks from this deficit, as the briefing and the demo list them, as text."""
    frame = famous_comebacks(engines.store, deficit=deficit, before=before)
    return [{str(k): "" if pd.isna(v) else str(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _chart(dates: list[str], values: list[float], width: int = 720, height: int = 260) -> dict[str, Any]:
    """Pixel coordinates of a rating history for an SVG polyline, with a few axis ticks."""
    days = [dt.date.fromisoformat(d).toordinal() for d in dates]
    x0, x1 = min(days), max(days) + 1
    lo, hi = min(values), max(values)
    lo, hi = (lo - 10, hi + 10) if hi - lo < 20 else (lo, hi)
    pad = 40

    def x(day: int) -> float:
        return pad + (width - 2 * pad) * (day - x0) / (x1 - x0)

    def y(value: float) -> float:
        return height - pad - (height - 2 * pad) * (value - lo) / (hi - lo)

    points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in zip(days, values, strict=True))
    first, last = dt.date.fromordinal(x0).year, dt.date.fromordinal(x1 - 1).year
    step = max(1, (last - first) // 6 or 1)
    years = [
        {"x": x(dt.date(year, 1, 1).toordinal()), "label": str(year)}
        for year in range(first + 1, last + 1, step)
        if x0 <= dt.date(year, 1, 1).toordinal() < x1
    ]
    levels = [{"y": y(v), "label": f"{v:.0f}"} for v in (lo, (lo + hi) / 2, hi)]
    return {"width": width, "height": height, "pad": pad, "points": points, "years": years, "levels": levels}
