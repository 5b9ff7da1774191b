"""Gathering a briefing: every number from a library call that a test can repeat."""

from __future__ import annotations

import datetime as dt
import shlex
from typing import Any

import numpy as np
import pandas as pd

from remontada._version import __version__
from remontada.app.briefing.facts import (
    EARLY_MINUTE,
    HALF_TIME,
    PUSH,
    SCORER_DAYS,
    SHOWN,
    TOP_SCORERS,
    WINNING_SCORES,
    Approach,
    Comeback,
    Scenario,
    Scorer,
    SideBrief,
    Threat,
)
from remontada.app.briefing.report import Briefing
from remontada.errors import DataError
from remontada.knockout.forecast import TieForecast
from remontada.knockout.precedents import famous_comebacks
from remontada.live.forecast import LiveForecast, LiveForecaster, WhatIf
from remontada.models import DEFAULT_TIE_MODEL

__all__ = ["build_briefing"]


def build_briefing(
    live: LiveForecaster,
    team_a: str,
    team_b: str,
    *,
    leg1: str | tuple[int, int] | None = None,
    date: dt.date | None = None,
    rules: str | None = None,
    competition: str | None = None,
) -> Briefing:
    """The pre-match briefing of the tie between ``team_a`` (at home in leg 1) and ``team_b``.

    The arguments are those of :meth:`LiveForecaster.live`: with a first leg (given,
    or the store's for a tie under way on ``date``) the match to be played is the
    second leg at B; otherwise the first leg (or the single match), A at home. The
    briefing covers the side that trails after the first leg, or both sides when the
    tie is level or still to start.

    Raises
    ------
    DataError
        Unknown teams, a first leg naming another team, dates before any data,
        unknown rules or competitions (the library's messages).
    """
    asked: dict[str, Any] = {"leg1": leg1, "date": date, "rules": rules, "competition": competition}
    kick_off = live.live(team_a, team_b, **asked)
    if kick_off.tie is None:  # no tie under way in the store and nothing said: the tie as the tie forecast sees it
        asked["rules"] = live.ties.tie(team_a, team_b, leg1=leg1, date=date, competition=competition).rules.name
        kick_off = live.live(team_a, team_b, **asked)
    tie = kick_off.tie
    if tie is None:  # pragma: no cover - rules make it a knockout
        raise DataError(f"{team_a} v {team_b}: not a knockout tie")
    asked["date"] = tie.as_of
    needs = tie.needs()
    trailing = [needs["side"]] if needs is not None else [tie.team_a, tie.team_b]
    sides = tuple(_side(live, kick_off, tie, team, asked, needs if needs else None) for team in trailing)
    famous = _famous(live, tie)
    return Briefing(tie, kick_off, sides, famous, _provenance(live, tie, team_a, team_b, asked, leg1))


def _side(
    live: LiveForecaster,
    kick_off: LiveForecast,
    tie: TieForecast,
    team: str,
    asked: dict[str, Any],
    needs: dict[str, Any] | None,
) -> SideBrief:
    side = kick_off.side(team)
    opponent = kick_off.away if side == "home" else kick_off.home
    is_a = team == tie.team_a
    p = tie.probabilities
    prefix = "a" if is_a else "b"
    routes = {r: float(getattr(p, f"{prefix}_{r}")) for r in ("90", "extra_time", "penalties")}
    if tie.rules.replays:
        routes["replay"] = float(getattr(p, f"{prefix}_replay"))

    def mine(us: int, them: int) -> tuple[int, int]:
        return (us, them) if side == "home" else (them, us)

    moments = [
        ("at kick-off", 0, (0, 0)),
        (f"{team} score in the first {EARLY_MINUTE} minutes", EARLY_MINUTE, mine(1, 0)),
        (f"{team} lead 1-0 at half-time", HALF_TIME, mine(1, 0)),
        ("it is still 0-0 at half-time", HALF_TIME, (0, 0)),
        (f"{team} concede first, in the first {EARLY_MINUTE} minutes", EARLY_MINUTE, mine(0, 1)),
    ]
    scenarios = []
    for label, minute, score in moments:
        now = kick_off if minute == 0 else live.live(tie.team_a, tie.team_b, minute=minute, score=score, **asked)
        scenarios.append(Scenario(label, minute, score, now.p_succeeds(side)))
    goals = kick_off.goals_to_level(side) or 1
    push = WhatIf(team, *PUSH)
    pushed = live.live(tie.team_a, tie.team_b, what_if=(push,), **asked)
    approaches = tuple(
        Approach(label, w, f.p_succeeds(side), goals, f.p_scores(side, goals), f.p_concedes(side))
        for label, w, f in ((f"{team} as expected", None, kick_off), (push.describe(), push, pushed))
    )
    winning, level = _scores(tie, is_a)
    return SideBrief(
        team, opponent, side, float(p.p_a if is_a else p.p_b), routes, needs, winning, level,
        tuple(scenarios), approaches, _threat(live, tie, opponent),
    )  # fmt: skip


def _scores(tie: TieForecast, is_a: bool) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]:
    """The likeliest second-leg scores that put the side through, and those that leave the tie level."""
    cells = tie.cells
    if cells is None:
        return (), ()
    probs = tie.leg2_grid.probs / (1 - tie.leg2_grid.tail)
    code = 1 if is_a else -1

    def top(mask: np.ndarray[Any, np.dtype[np.bool_]]) -> tuple[tuple[str, float], ...]:
        found = [(float(probs[i, j]), int(i), int(j)) for i, j in zip(*np.nonzero(mask), strict=True)]
        found = [x for x in found if x[0] >= SHOWN]
        found.sort(key=lambda x: -x[0])
        return tuple((f"{tie.team_b} {i}-{j} {tie.team_a}", p) for p, i, j in found[:WINNING_SCORES])

    return top(cells == code), top(cells == 0)


def _threat(live: LiveForecaster, tie: TieForecast, opponent: str) -> Threat:
    """The opponent's top scorers over about two years before the forecast date (national teams only)."""
    team_id = tie.ids[0] if opponent == tie.team_a else tie.ids[1]
    store = live.store
    row = store.one("SELECT kind FROM teams WHERE team_id = ?", [team_id])
    national = row is not None and str(row[0]) == "national"
    since = tie.as_of - dt.timedelta(days=SCORER_DAYS)
    if not national:
        return Threat(opponent, False, since, tie.as_of, (), 0)
    frame = store.df(
        """
        SELECT g.scorer, count(*) AS goals, count(*) FILTER (WHERE g.penalty) AS penalties, max(m.date) AS last
        FROM goals g JOIN matches m USING (match_id)
        WHERE g.team_id = ? AND NOT g.own_goal AND g.scorer IS NOT NULL AND m.date >= ? AND m.date < ?
        GROUP BY g.scorer ORDER BY goals DESC, last DESC, g.scorer
        """,
        [team_id, since, tie.as_of],
    )
    scorers = tuple(
        Scorer(str(r["scorer"]), int(r["goals"]), int(r["penalties"]), pd.Timestamp(r["last"]).date())
        for r in frame.head(TOP_SCORERS).to_dict("records")
    )
    return Threat(opponent, True, since, tie.as_of, scorers, int(frame["goals"].sum()) if len(frame) else 0)


def _famous(live: LiveForecaster, tie: TieForecast) -> tuple[Comeback, ...]:
    """The famous comebacks from this deficit (:func:`remontada.knockout.precedents.famous_comebacks`)."""
    if tie.leg1 is None or tie.rules.legs != 2 or tie.leg1[0] == tie.leg1[1]:
        return ()
    frame = famous_comebacks(live.store, deficit=abs(tie.leg1[0] - tie.leg1[1]), before=tie.as_of)
    return tuple(
        Comeback(
            pd.Timestamp(r["date"]).date(),
            str(r["competition"]),
            str(r["season"]),
            None if pd.isna(r["round"]) else str(r["round"]),
            str(r["trailing"]),
            str(r["leading"]),
            str(r["leg1"]),
            str(r["leg2"]),
            int(r["deficit"]),
            str(r["lost_at"]),
            str(r["decided_by"]),
            bool(r["european"]),
        )  # fmt: skip
        for r in frame.to_dict("records")
    )


_RULES_SOURCE = {
    "given": "as given",
    "competition": "the competition's rules on that date",
    "assumed": "ASSUMED: nothing said which rules; pass --rules or --competition",
}


def _provenance(
    live: LiveForecaster, tie: TieForecast, team_a: str, team_b: str, asked: dict[str, Any], leg1: Any
) -> dict[str, Any]:
    data_to = live.store.one("SELECT max(date) FROM matches WHERE date < ?", [tie.as_of])
    store_to = live.store.one("SELECT max(date) FROM matches")
    command = ["remontada", "brief", _quote(team_a), _quote(team_b), "--date", tie.as_of.isoformat()]
    if tie.model != DEFAULT_TIE_MODEL:
        command += ["--model", tie.model]
    if leg1 is not None:
        shown = leg1 if isinstance(leg1, str) else f"{leg1[0]}-{leg1[1]}"
        command += ["--leg1", _quote(shown)]
    if asked.get("rules"):
        command += ["--rules", _quote(str(asked["rules"]))]
    if asked.get("competition"):
        command += ["--competition", _quote(str(asked["competition"]))]
    return {
        "model": tie.model,
        "as_of": tie.as_of.isoformat(),
        "data_to": None if data_to is None or data_to[0] is None else data_to[0].isoformat(),
        "store_to": None if store_to is None or store_to[0] is None else store_to[0].isoformat(),
        "rules": tie.rules.name,
        "rules_text": tie.rules.describe(),
        "rules_from": tie.rules_from,
        "rules_source": _RULES_SOURCE[tie.rules_from],
        "competition": tie.competition,
        "season": tie.season,
        "round": tie.round,
        "leg1_date": None if tie.leg1_date is None else tie.leg1_date.isoformat(),
        "leg2_date": None if tie.leg2_date is None else tie.leg2_date.isoformat(),
        "prior_only": tie.prior_only,
        "extra_time": tie.extra_time.describe(),
        "shootout": tie.shootout.describe(),
        "what_if": f"x{PUSH[0]} for, x{PUSH[1]} against, from kick-off",
        "version": __version__,
        "command": " ".join(command),
    }


def _quote(text: str) -> str:
    return shlex.quote(text)
