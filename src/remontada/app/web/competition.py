"""The competition page's view: a :class:`TournamentForecast` arranged as tables of shaded, formatted cells.

Everything here is plain values (names stay text: the template escapes them); the
shading is a class ``p0`` .. ``p10`` per cell, since the CSP allows no inline style.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from remontada.app.plain import percent
from remontada.tournaments.results import TournamentForecast

__all__ = ["OPPONENTS", "SHADES", "ROUND_TEAMS", "competition_view", "shade"]

SHADES = 10
"""Shades of a probability cell: ``p0`` (never) to ``p10`` (certain), in steps of 10 points."""
OPPONENTS = 3
"""The likeliest opponents shown for each team in each knockout round."""
ROUND_TEAMS = 16
"""The teams shown in each knockout round (the likeliest to play it)."""


def shade(p: float) -> str:
    """The CSS class of a probability's cell: ``p0`` under half a percent (unshaded), else ``p1`` .. ``p10``."""
    return "p0" if p < 0.005 else f"p{min(SHADES, max(1, round(p * SHADES)))}"


def label(stage: str) -> str:
    """``"round_of_16"`` -> ``"Round of 16"``."""
    text = stage.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _cell(p: float, se: float | None = None) -> dict[str, Any]:
    """A probability's cell: its value, its text (and a short one for the heat map), its shade, its error."""
    title = f"{percent(p)} ± {se:.1%} (Monte Carlo standard error)" if se else percent(p)
    short = f"{p * 100:.0f}" if p >= 0.005 else ("·" if p > 0 else "")
    return {"p": p, "text": percent(p), "short": short, "cls": shade(p), "title": title}


def competition_view(forecast: TournamentForecast, query: dict[str, Any], name: str = "") -> dict[str, Any]:
    """What the page shows: the stage table, the rounds' likeliest opponents, and a league's positions and zones.

    ``query`` is the page's own query (competition, season, date, sims, seed, conditions),
    from which the links are made: to the JSON, and to the page without each condition;
    ``name`` is the competition's name in the store (the heading).
    """
    table = forecast.table()
    stages = list(forecast.stages)
    rows = []
    for record in table.to_dict("records"):
        row: dict[str, Any] = {
            "team": str(record["team"]),
            "cells": [_cell(float(record[s]), float(record[f"{s}_se"])) for s in stages],
        }
        if forecast.league:
            row["points"] = f"{record['expected_points']:.1f}"
            row["zones"] = [_cell(float(record[name])) for name, _, _ in forecast.zones]
            row["positions"] = [_cell(float(record[f"position_{k + 1}"])) for k in range(forecast.positions.shape[1])]
        rows.append(row)
    order = [str(t) for t in table["team"]]
    rounds = []
    for stage in forecast.rounds:
        k = stages.index(stage)
        playing = [t for t in order if forecast.p[forecast.index(t), k] > 0][:ROUND_TEAMS]
        teams = []
        for team in playing:
            met = forecast.opponents(team, stage, top=OPPONENTS)
            teams.append(
                {
                    "team": team,
                    "reach": _cell(float(forecast.p[forecast.index(team), k])),
                    "opponents": [{"team": name, **_cell(share)} for name, share in met],
                }
            )
        rounds.append({"stage": stage, "label": label(stage), "teams": teams})
    conditions = list(query.get("if", []))
    without = [
        {"text": c, "href": "/competition?" + urlencode({**query, "if": conditions[:i] + conditions[i + 1 :]}, True)}
        for i, c in enumerate(conditions)
    ]
    return {
        "title": forecast.title,
        "name": name,
        "as_of": forecast.as_of.isoformat(),
        "sims": forecast.sims,
        "seed": forecast.seed,
        "model": forecast.model,
        "league": forecast.league,
        "stages": [{"key": s, "label": label(s)} for s in stages],
        "rows": rows,
        "rounds": rounds,
        "zones": [{"label": label(name), "first": first, "last": last} for name, first, last in forecast.zones],
        "places": list(range(1, forecast.positions.shape[1] + 1)) if forecast.league else [],
        "importance": [
            {
                "date": m.date.isoformat() if m.date else "",
                "home": m.home,
                "away": m.away,
                "stage": label(m.stage),
                "swing": percent(m.swing),
                "p_result": [float(p) for p in m.p_result],
            }
            for m in forecast.importance
        ],
        "conditions": without,
        "lots": percent(forecast.lots_share) if forecast.lots_share else "",
        "lots_stand_for": forecast.lots_stand_for,
        "warnings": list(forecast.warnings),
        "json": "/api/competition?" + urlencode(query, True),
    }
