"""Server-rendered pages about one match, one team and one briefing.

Every number comes from the same functions as the API (:mod:`remontada.app.web.api`)
or the library's briefing (:func:`remontada.app.briefing.build_briefing`); this module
arranges them for people and scales the rating chart to pixels.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from remontada.app.briefing import build_briefing
from remontada.app.web.api import (
    NAME,
    CompetitionQ,
    Leg1,
    RulesQ,
    TeamA,
    TeamB,
    match_forecast,
    team_history,
    tie_forecast,
)
from remontada.app.web.competition import shade
from remontada.app.web.deps import Day, EnginesDep, templates
from remontada.app.web.pages import live_params

__all__ = ["RANGES", "rating_chart", "router"]

router = APIRouter(include_in_schema=False)

RANGES = (2, 5, 10, 25, 0)
"""The spans of years a team page's rating chart offers (0: the whole history)."""
DEFAULT_YEARS = 10
"""The span a team page shows first: a decade reads well at any width; 130 years do not."""
CHART_POINTS = 240
"""At most this many points are drawn: a longer history is resampled to the last rating of each period."""


@router.get("/match", response_class=HTMLResponse)
async def match_page(
    request: Request,
    engines: EnginesDep,
    home: Annotated[str | None, Query(**NAME)] = None,
    away: Annotated[str | None, Query(**NAME)] = None,
    date: Day = None,
    neutral: bool = False,
    european: bool = False,
) -> HTMLResponse:
    """One match: 1X2 beside the market's chances (where the store has prices), expected goals, the score grid."""
    match = None
    if home and away:
        match = await match_forecast(engines, home, away, date=date, neutral=neutral, european=european)
    grid = None
    if match is not None:
        top = max(max(row) for row in match["grid"])  # shaded against the likeliest score: all cells are small
        grid = [[{"p": p, "cls": shade(p / top)} for p in row] for row in match["grid"]]
    context = {"match": match, "grid": grid, "asked": {"home": home or "", "away": away or "", "date": date,
               "neutral": neutral, "european": european}}  # fmt: skip
    return templates.TemplateResponse(request, "match.html", context)


@router.get("/team", response_class=HTMLResponse)
async def team_page(
    request: Request,
    engines: EnginesDep,
    name: Annotated[str, Query(**NAME)],
    date: Day = None,
    years: Annotated[int, Query(ge=0, le=200, description="Years of rating history shown (0: all).")] = DEFAULT_YEARS,
) -> HTMLResponse:
    """A team's rating history (inline SVG, over a chosen span) and latest results with W/D/L."""
    team = await team_history(engines, name, date=date, results=20)
    chart = None
    if team["history"] and team["history"]["dates"]:
        chart = rating_chart(team["history"]["dates"], team["history"]["ratings"], years=years)
    ranges = [{"years": y, "label": f"{y} years" if y else "all", "current": y == years} for y in RANGES]
    for m in team["results"]:
        m["for_team"] = _result(m, team["team"])
    context = {"team": team, "chart": chart, "ranges": ranges, "years": years}
    return templates.TemplateResponse(request, "team.html", context)


@router.get("/brief", response_class=HTMLResponse)
async def brief_page(
    request: Request,
    engines: EnginesDep,
    team_a: TeamA,
    team_b: TeamB,
    leg1: Leg1 = None,
    date: Day = None,
    rules: RulesQ = None,
    competition: CompetitionQ = None,
) -> HTMLResponse:
    """The pre-match briefing as a page, with the chance minute by minute had the score stayed 0-0."""
    leg1, rules, competition = leg1 or None, rules or None, competition or None
    key = ("brief", team_a, team_b, leg1, date, rules, competition)
    briefing = await engines.answer(
        key,
        lambda: build_briefing(
            engines.live, team_a, team_b, leg1=leg1, date=date, rules=rules, competition=competition
        ),
    )
    tie = await tie_forecast(engines, team_a, team_b, leg1=leg1, date=date, rules=rules, competition=competition)
    params = live_params(tie, team_a, team_b, leg1=leg1, rules=rules, competition=competition, neutral=False)
    query = {"team_a": team_a, "team_b": team_b, "date": tie["as_of"]} | ({"leg1": leg1} if leg1 else {})
    context = {
        "brief": briefing,
        "sections": briefing.sections(),
        "params": json.dumps(params),
        "tie_link": "/tie?" + urlencode(query),
    }
    return templates.TemplateResponse(request, "brief.html", context)


def _result(match: dict[str, Any], team: str) -> dict[str, str]:
    """The match from the team's side: ``W``/``D``/``L`` after extra time (a shootout is a draw, with its winner)."""
    home = match["home"] == team
    goals = [match["home_goals"], match["away_goals"]]
    if match.get("et_home_goals") is not None:
        goals = [match["et_home_goals"], match["et_away_goals"]]
    ours, theirs = goals if home else goals[::-1]
    letter = "W" if ours > theirs else "L" if ours < theirs else "D"
    words = {"W": "won", "D": "drew", "L": "lost"}[letter]
    if match.get("pen_home") is not None:
        pens = [match["pen_home"], match["pen_away"]]
        won = (pens[0] > pens[1]) == home
        words += f", {'won' if won else 'lost'} on penalties"
    return {"letter": letter, "words": words, "opponent": match["away"] if home else match["home"],
            "venue": "home" if home else "away"}  # fmt: skip


def rating_chart(
    dates: list[str], values: list[float], *, years: int = DEFAULT_YEARS, width: int = 720, height: int = 280
) -> dict[str, Any]:
    """Pixel coordinates of the last ``years`` of a rating history for an SVG polyline, with axis ticks and titles.

    A span longer than :data:`CHART_POINTS` matches is resampled to the last rating
    of each equal period (a rating is a level, so its last value stands for the period);
    the vertical axis fits the ratings shown, on round steps.
    """
    series = pd.Series(values, index=pd.to_datetime(dates)).sort_index()
    series = series[~series.index.duplicated(keep="last")]
    end = series.index[-1]
    if years:
        series = series[series.index > end - pd.DateOffset(years=years)]
    if len(series) > CHART_POINTS:
        period = (series.index[-1] - series.index[0]) / CHART_POINTS
        series = series.resample(period).last().dropna()
    days: list[int] = [d.date().toordinal() for d in series.index]
    ratings = [float(v) for v in series.to_numpy()]
    x0, x1 = min(days), max(days) + 1
    step = _step(float(series.max() - series.min()))
    lo = step * (float(series.min()) // step)
    hi = step * (float(series.max()) // step + 1)
    left, right, top, bottom = 76, 14, 14, 44

    def x(day: int) -> float:
        return left + (width - left - right) * (day - x0) / (x1 - x0)

    def y(value: float) -> float:
        return height - bottom - (height - top - bottom) * (value - lo) / (hi - lo)

    points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in zip(days, ratings, strict=True))
    first, last = dt.date.fromordinal(x0).year, dt.date.fromordinal(x1 - 1).year
    every = max(1, -(-(last - first) // 6))
    ticks = [
        {"x": x(dt.date(year, 1, 1).toordinal()), "label": str(year)}
        for year in range(first + 1, last + 1, every)
        if x0 <= dt.date(year, 1, 1).toordinal() < x1
    ]
    levels = [{"y": y(v), "label": f"{v:.0f}"} for v in _levels(lo, hi, step)]
    return {
        "width": width, "height": height, "left": left, "right": width - right, "top": top, "bottom": height - bottom,
        "points": points, "years": ticks, "levels": levels, "shown": len(days), "first": series.index[0].date(),
        "last": series.index[-1].date(), "middle_x": left + (width - left - right) / 2,
        "middle_y": top + (height - top - bottom) / 2, "title_x": 16,
    }  # fmt: skip


def _step(span: float) -> float:
    """A round step for about four to eight gridlines over ``span`` rating points."""
    for step in (5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0):
        if span / step <= 7:
            return step
    return 500.0


def _levels(lo: float, hi: float, step: float) -> list[float]:
    count = round((hi - lo) / step)
    return [lo + k * step for k in range(count + 1)]
