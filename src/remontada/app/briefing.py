"""The pre-match briefing: what a journalist needs before a second leg's press conference.

"Can they turn it round?" :func:`build_briefing` gathers, for the side that trails
after the first leg (or both sides when it is level, or still to play), every
number the question leads to, each from a library call a test can repeat:

- the chance of going through, by route (:meth:`TieForecaster.tie`);
- the result needed and its chance (:meth:`TieForecast.needs`), and the likeliest
  second-leg scores that do it (the tie's second-leg grid);
- how often the deficit was overturned (:attr:`TieForecast.base_rate`) and the
  famous comebacks (:func:`remontada.knockout.precedents.precedents`);
- what an early goal, a goal conceded or a goalless first half would make of it
  (:meth:`LiveForecaster.live` at that moment);
- what attacking harder buys and costs (:class:`remontada.live.forecast.WhatIf`);
- the opponent's scorers, where the store has them (national teams only);
- where all of it came from: model, data, rules.

:meth:`Briefing.to_html` writes one self-contained printable page; the command
line prints the same sections (:meth:`Briefing.sections`) as text.
"""

from __future__ import annotations

import datetime as dt
import html
import shlex
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from remontada._version import __version__
from remontada.errors import DataError
from remontada.knockout.forecast import TieForecast
from remontada.knockout.precedents import precedents
from remontada.live.forecast import LiveForecast, LiveForecaster, WhatIf
from remontada.models import DEFAULT_TIE_MODEL

__all__ = [
    "EARLY_MINUTE",
    "PUSH",
    "Approach",
    "Briefing",
    "Comeback",
    "Scenario",
    "Scorer",
    "Section",
    "SideBrief",
    "Threat",
    "build_briefing",
]

EARLY_MINUTE = 15
"""An "early goal" is one scored in the first this many minutes (the live forecast at this minute)."""
HALF_TIME = 45
PUSH = (1.3, 1.2)
"""The what-if of attacking harder from kick-off: the side's scoring rate x1.3, its opponent's x1.2."""
SCORER_DAYS = 730
"""The opponent's scorers are counted over about two years before the forecast date."""
TOP_SCORERS = 5
FAMOUS = 8
"""Famous comebacks listed: European cups first, then the rest, each most recent first."""
BIGGER = 2
"""Comebacks from deficits up to this many goals bigger than the tie's are listed too."""
WINNING_SCORES = 5
SHOWN = 0.0005
"""Scores less likely than this (0.0% as printed) are left out of the likeliest scores."""


def _pct(p: float | None) -> str:
    """A probability as printed everywhere in the briefing: ``10.0%``."""
    return "–" if p is None else f"{p:.1%}"


@dataclass(frozen=True)
class Scenario:
    """The side's chance of going through at a moment of the match: ``score`` is the match's, home side first."""

    label: str
    minute: int
    score: tuple[int, int]
    p_through: float


@dataclass(frozen=True)
class Approach:
    """The side's chances over the whole match under one approach (``what_if`` ``None``: as expected)."""

    label: str
    what_if: WhatIf | None
    p_through: float
    goals: int
    """The goals the side needs in the match (to level the tie, else to win the match)."""
    p_scores: float
    """P(the side scores at least ``goals``)."""
    p_concedes: float


@dataclass(frozen=True)
class Scorer:
    """One of the opponent's scorers in the window (own goals left out)."""

    name: str
    goals: int
    penalties: int
    last: dt.date


@dataclass(frozen=True)
class Threat:
    """The opponent's scorers in the ``days`` before the forecast date, if the store has goal data for it."""

    team: str
    national: bool
    since: dt.date
    before: dt.date
    scorers: tuple[Scorer, ...]
    team_goals: int
    """Goals with a named scorer the team scored in the window (own goals by opponents left out)."""

    def describe(self) -> str:
        """One line for a reader."""
        if not self.national:
            return (
                f"the store has no club goalscorer data (scorers are recorded for national teams only): "
                f"no scorer threat can be given for {self.team}"
            )
        if not self.scorers:
            return f"no goals recorded for {self.team} between {self.since} and {self.before}"
        return f"{self.team} scored {self.team_goals} goals between {self.since} and {self.before}; top scorers:"


@dataclass(frozen=True)
class Comeback:
    """An overturned first-leg deficit (a row of :func:`remontada.knockout.precedents.precedents`)."""

    date: dt.date
    competition: str
    season: str
    round: str | None
    trailing: str
    leading: str
    leg1: str
    leg2: str
    deficit: int
    lost_at: str
    decided_by: str
    european: bool


@dataclass(frozen=True)
class SideBrief:
    """Everything about one side's chance: the side that trails, or each side of a level tie."""

    team: str
    opponent: str
    side: str
    """``home`` or ``away`` in the match about to be played."""
    p_through: float
    routes: dict[str, float]
    """P(through) by route: ``90`` (in normal time, away goals included), ``extra_time``, ``penalties`` (``replay``)."""
    needs: dict[str, Any] | None
    """:meth:`TieForecast.needs` when this side trails, else ``None``."""
    winning_scores: tuple[tuple[str, float], ...]
    """The likeliest scores of the match to be played that put the side through, home side first."""
    level_scores: tuple[tuple[str, float], ...]
    """The likeliest scores that leave the tie level (extra time, or a replay) after 90 minutes."""
    scenarios: tuple[Scenario, ...]
    approaches: tuple[Approach, ...]
    threat: Threat


@dataclass(frozen=True)
class Section:
    """A part of the briefing as a reader sees it: lines of text, then a table, then small print."""

    title: str
    lines: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Briefing:
    """A tie's pre-match briefing (see :func:`build_briefing`)."""

    tie: TieForecast
    kick_off: LiveForecast
    """The live forecast at kick-off of the match to be played (minute 0, 0-0)."""
    sides: tuple[SideBrief, ...]
    famous: tuple[Comeback, ...]
    provenance: dict[str, Any]

    @property
    def home(self) -> str:
        """The home side of the match to be played."""
        return self.kick_off.home

    @property
    def away(self) -> str:
        """The away side of the match to be played."""
        return self.kick_off.away

    @property
    def second_leg(self) -> bool:
        """Whether the match to be played is the second leg of a tie whose first leg is known."""
        return self.tie.rules.legs == 2 and self.tie.leg1 is not None

    def title(self) -> str:
        """``Atalanta v Liverpool — UEFA Europa League 2023-24 Quarterfinals, second leg``."""
        what = " ".join(x for x in (self.tie.competition, self.tie.season, self.tie.round) if x)
        if self.tie.rules.legs == 1:
            leg = "one match"
        else:
            leg = "second leg" if self.second_leg else "first leg"
        return f"{self.home} v {self.away} — " + (f"{what}, {leg}" if what else leg)

    def headline(self) -> str:
        """The one line to lead with: who trails and their chance of going through."""
        t = self.tie
        if self.second_leg and t.leg1 is not None and t.leg1[0] != t.leg1[1]:
            s = self.sides[0]
            deficit = abs(t.leg1[0] - t.leg1[1])
            return (
                f"{s.team} trail by {deficit} goal{'s' * (deficit > 1)} after the first leg: "
                f"{_pct(s.p_through)} chance of going through"
            )
        chances = ", ".join(f"{s.team} {_pct(s.p_through)}" for s in self.sides)
        if t.rules.legs == 1:
            return f"One match settles it: chance of going through {chances}"
        state = "level after the first leg" if self.second_leg else "still to play"
        return f"The tie is {state}: chance of going through {chances}"

    # --- views ------------------------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able values: every number of the briefing, the tie forecast, and provenance."""
        base = self.tie.base_rate
        return {
            "title": self.title(),
            "headline": self.headline(),
            "home": self.home,
            "away": self.away,
            "as_of": self.tie.as_of.isoformat(),
            "sides": [
                {
                    "team": s.team,
                    "opponent": s.opponent,
                    "side": s.side,
                    "p_through": s.p_through,
                    "routes": s.routes,
                    "needs": s.needs,
                    "winning_scores": [{"score": k, "p": p} for k, p in s.winning_scores],
                    "level_scores": [{"score": k, "p": p} for k, p in s.level_scores],
                    "scenarios": [
                        {
                            "label": c.label,
                            "minute": c.minute,
                            "score": {"home": c.score[0], "away": c.score[1]},
                            "p_through": c.p_through,
                        }
                        for c in s.scenarios
                    ],  # fmt: skip
                    "approaches": [
                        {
                            "label": a.label,
                            "what_if": None if a.what_if is None else a.what_if.describe(),
                            "p_through": a.p_through,
                            "goals": a.goals,
                            "p_scores": a.p_scores,
                            "p_concedes": a.p_concedes,
                        }
                        for a in s.approaches
                    ],  # fmt: skip
                    "threat": {
                        "team": s.threat.team,
                        "national": s.threat.national,
                        "since": s.threat.since.isoformat(),
                        "before": s.threat.before.isoformat(),
                        "team_goals": s.threat.team_goals,
                        "scorers": [
                            {"name": c.name, "goals": c.goals, "penalties": c.penalties, "last": c.last.isoformat()}
                            for c in s.threat.scorers
                        ],
                        "text": s.threat.describe(),
                    },
                }
                for s in self.sides
            ],
            "base_rate": None if base is None else vars(base),
            "famous": [{**vars(c), "date": c.date.isoformat()} for c in self.famous],
            "provenance": self.provenance,
            "tie": self.tie.as_dict(),
        }

    def sections(self) -> list[Section]:
        """The briefing as a reader sees it, in order; the text and the HTML both show these."""
        t = self.tie
        out: list[Section] = []
        facts: list[str] = []
        if self.second_leg and t.leg1 is not None:
            when = f" on {t.leg1_date:%d %B %Y}" if t.leg1_date else ""
            facts.append(f"First leg{when}: {t.team_a} {t.leg1[0]}-{t.leg1[1]} {t.team_b}.")
        g, rates = self.kick_off.final, self.kick_off.rates
        facts.append(
            f"Expected goals in this match: {self.home} {float(g.home_goals_mean):.2f} - "
            f"{float(g.away_goals_mean):.2f} {self.away}, playing to the tie "
            f"({rates[0]:.2f} - {rates[1]:.2f} in an ordinary match)."
        )
        if t.prior_only:
            facts.append("Caution: a side has no matches before this date; its rating is the pool average.")
        out.append(Section("The tie", tuple(facts)))
        for s in self.sides:
            out.extend(self._side_sections(s))
        out.append(self._history())
        threats = [s.threat for s in self.sides]
        for threat in threats:
            rows = tuple(
                (c.name, str(c.goals), str(c.penalties), c.last.isoformat()) for c in threat.scorers
            )  # fmt: skip
            out.append(
                Section(
                    f"The threat: {threat.team}'s scorers",
                    (threat.describe(),),
                    ("scorer", "goals", "of them penalties", "last scored") if rows else (),
                    rows,
                    (f"goals in all matches from {threat.since} to {threat.before} (the day before excluded)",)
                    if rows
                    else (),
                )
            )
        p = self.provenance
        out.append(
            Section(
                "Where the numbers come from",
                (
                    f"Model: {p['model']}, fitted on matches strictly before {p['as_of']} "
                    f"(latest match used: {p['data_to']}; the store runs to {p['store_to']}).",
                    f"Rules: {p['rules_text']} ({p['rules']}; {p['rules_source']}).",
                    f"Extra time: {p['extra_time']}.",
                    f"Shootouts: {p['shootout']}.",
                    f"Same numbers from the command line: {p['command']}",
                ),
                notes=(f"remontada {p['version']}; an exact computation, not a simulation.",),
            )
        )
        return out

    def _side_sections(self, s: SideBrief) -> list[Section]:
        out: list[Section] = []
        routes = [("in 90 minutes", s.routes["90"]), ("in extra time", s.routes["extra_time"])]
        routes.append(("on penalties", s.routes["penalties"]))
        if "replay" in s.routes:
            routes.append(("in a replay or play-off", s.routes["replay"]))
        out.append(
            Section(
                f"{s.team}: the chance of going through",
                (f"{s.team} go through with probability {_pct(s.p_through)}.",),
                ("route", "chance"),
                tuple((label, _pct(p)) for label, p in routes),
            )
        )
        lines: list[str] = []
        if s.needs is not None:
            n = s.needs
            lines.append(
                f"{s.team} need to win by {n['to_level']} to level the aggregate ({_pct(n['p_to_level'])} to win by "
                f"{n['to_level']} or more) and by {n['to_win']} to go through in 90 minutes outright "
                f"({_pct(n['p_to_win'])})."
            )
            if self.tie.rules.away_goals:
                lines.append("Away goals count: a level aggregate goes to the side with more goals away from home.")
        elif self.second_leg:
            lines.append(f"The tie is level: {s.team} go through by winning this match.")
        elif self.tie.rules.legs == 1:
            lines.append(f"One match: {s.team} go through by winning it, or if it is level, by the tie-break.")
        else:
            lines.append("No first-leg result yet: the chances cover the whole tie, both legs.")
        if s.winning_scores:
            lines.append(
                "The likeliest scores that put them through: "
                + ", ".join(f"{k} ({_pct(p)})" for k, p in s.winning_scores)
                + "."
            )
        if s.level_scores:
            after = "a replay" if not self.tie.rules.extra_time else "extra time"
            lines.append(
                f"Scores that take it to {after}: " + ", ".join(f"{k} ({_pct(p)})" for k, p in s.level_scores) + "."
            )
        out.append(Section(f"{s.team}: the result needed", tuple(lines)))
        kick_off = s.scenarios[0].p_through
        out.append(
            Section(
                f"{s.team}: what an early goal would make of it",
                (f"The chance of going through at these moments of the match (scores {self.home} first):",),
                ("if", "minute", "score", "through", "change"),
                tuple(
                    (
                        c.label,
                        str(c.minute),
                        f"{c.score[0]}-{c.score[1]}",
                        _pct(c.p_through),
                        "" if i == 0 else f"{100 * (c.p_through - kick_off):+.1f} pts",
                    )
                    for i, c in enumerate(s.scenarios)
                ),  # fmt: skip
            )
        )
        base = s.approaches[0]
        out.append(
            Section(
                f"{s.team}: what attacking harder buys and costs",
                (
                    f"Pushing from kick-off, modelled as {s.team}'s scoring rate x{PUSH[0]:.1f} and "
                    f"{s.opponent}'s x{PUSH[1]:.1f}:",
                ),
                ("approach", "goes through", f"scores {base.goals}+", "concedes"),
                tuple((a.label, _pct(a.p_through), _pct(a.p_scores), _pct(a.p_concedes)) for a in s.approaches),
            )
        )
        return out

    def _history(self) -> Section:
        t, b = self.tie, self.tie.base_rate
        lines: list[str] = []
        if b is None:
            lines.append("No first-leg deficit: no base rate applies.")
        else:
            venue = "at home" if b.lost_at == "home" else "away"
            scope = f"ties under the same rules: {b.era}" if b.era else "all eras"
            if b.rate is None:
                lines.append(f"No ties in the store lost by {b.deficit} {venue} in the first leg before {t.as_of}.")
            else:
                lines.append(
                    f"{b.overturned} of {b.ties} sides that lost the first leg by {b.deficit} {venue} went through: "
                    f"{_pct(b.rate)} (95% interval {_pct(b.lo)}-{_pct(b.hi)}; {scope}, ties settled before "
                    f"{t.as_of})."
                )
        if self.famous:
            lines.append("Famous comebacks (European cups first, most recent first):")
        rows = tuple(
            (c.season, ", ".join(x for x in (c.competition, c.round) if x), c.leg1, c.leg2,
             c.decided_by.replace("_", " "))
            for c in self.famous
        )  # fmt: skip
        columns = ("season", "competition", "first leg", "second leg", "decided by")
        return Section("How often it has been done", tuple(lines), columns if rows else (), rows)

    def to_text(self) -> str:
        """The briefing as plain text (the same sections and numbers as the HTML)."""
        parts = [self.title(), "=" * len(self.title()), self.headline()]
        for section in self.sections():
            parts += ["", section.title, "-" * len(section.title), *section.lines]
            if section.rows:
                widths = [max(len(r[i]) for r in (section.columns, *section.rows)) for i in range(len(section.columns))]
                for row in (section.columns, *section.rows):
                    parts.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
            parts += list(section.notes)
        return "\n".join(parts) + "\n"

    def to_html(self) -> str:
        """One self-contained printable HTML page: inline CSS (with a print stylesheet), no external assets."""
        e = html.escape
        cards = "".join(
            f'<div class="card"><div class="big">{e(_pct(s.p_through))}</div><div>{e(s.team)} to go through</div></div>'
            for s in self.sides
        )
        body: list[str] = []
        for section in self.sections():
            body.append(f"<section><h2>{e(section.title)}</h2>")
            body += [f"<p>{e(line)}</p>" for line in section.lines]
            if section.rows:
                head = "".join(f"<th>{e(c)}</th>" for c in section.columns)
                rows = "".join(
                    "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in section.rows
                )  # fmt: skip
                body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
            body += [f'<p class="note">{e(n)}</p>' for n in section.notes]
            body.append("</section>")
        return _PAGE.format(
            title=e(self.title()),
            headline=e(self.headline()),
            as_of=e(f"Briefing as of {self.tie.as_of:%d %B %Y} (data strictly before that day)"),
            cards=cards,
            body="\n".join(body),
        )


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: Georgia, "Times New Roman", serif; color: #111; background: #fff;
         max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }}
  h1 {{ font-size: 1.6rem; margin-bottom: 0.2rem; }}
  h2 {{ font-family: Helvetica, Arial, sans-serif; font-size: 1.05rem; border-bottom: 2px solid #111;
        padding-bottom: 0.15rem; margin-top: 1.6rem; }}
  .dateline {{ color: #555; font-size: 0.9rem; margin-top: 0; }}
  .headline {{ font-size: 1.2rem; font-weight: bold; }}
  .cards {{ display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }}
  .card {{ border: 2px solid #111; padding: 0.6rem 1rem; min-width: 12rem;
           font-family: Helvetica, Arial, sans-serif; }}
  .big {{ font-size: 2.2rem; font-weight: bold; }}
  table {{ border-collapse: collapse; width: 100%; font-family: Helvetica, Arial, sans-serif;
           font-size: 0.9rem; margin: 0.5rem 0; }}
  th, td {{ border: 1px solid #bbb; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }}
  th {{ background: #eee; }}
  .note {{ color: #555; font-size: 0.8rem; }}
  @media print {{
    @page {{ margin: 1.5cm; }}
    body {{ margin: 0; max-width: none; font-size: 10pt; }}
    h2 {{ break-after: avoid; page-break-after: avoid; }}
    section, table, .card {{ break-inside: avoid; page-break-inside: avoid; }}
    th {{ background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  }}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p class="dateline">{as_of}</p>
<p class="headline">{headline}</p>
<div class="cards">{cards}</div>
</header>
{body}
</body>
</html>
"""


# --- building ---------------------------------------------------------------------------------------


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
    """Overturned ties from this deficit or a bigger one, settled before the forecast date."""
    if tie.leg1 is None or tie.rules.legs != 2 or tie.leg1[0] == tie.leg1[1]:
        return ()
    deficit = abs(tie.leg1[0] - tie.leg1[1])
    kinds = dict(live.store.con.execute("SELECT name, kind FROM competitions").fetchall())
    found: list[Comeback] = []
    for d in range(deficit, deficit + BIGGER + 1):
        frame = precedents(live.store, deficit=d, before=tie.as_of)
        for r in frame[frame["overturned"]].to_dict("records"):
            found.append(
                Comeback(
                    pd.Timestamp(r["date"]).date(),
                    str(r["competition"]),
                    str(r["season"]),
                    None if pd.isna(r["round"]) else str(r["round"]),
                    str(r["trailing"]),
                    str(r["leading"]),
                    str(r["leg1"]),
                    str(r["leg2"]),
                    d,
                    str(r["lost_at"]),
                    str(r["decided_by"]),
                    kinds.get(str(r["competition"])) == "continental",
                )  # fmt: skip
            )
    found.sort(key=lambda c: (not c.european, -c.date.toordinal(), -c.deficit))
    return tuple(found[:FAMOUS])


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
