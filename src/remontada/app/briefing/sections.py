"""A briefing as a reader sees it: titled sections of sentences and small tables, in order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from remontada.app.briefing.facts import PUSH, Section, SideBrief
from remontada.app.plain import percent

if TYPE_CHECKING:
    from remontada.app.briefing.report import Briefing

__all__ = ["briefing_sections"]


def briefing_sections(brief: Briefing) -> list[Section]:
    """The briefing as a reader sees it, in order; the text and the HTML both show these."""
    t = brief.tie
    out: list[Section] = []
    facts: list[str] = []
    if brief.second_leg and t.leg1 is not None:
        when = f" on {t.leg1_date:%d %B %Y}" if t.leg1_date else ""
        facts.append(f"First leg{when}: {t.team_a} {t.leg1[0]}-{t.leg1[1]} {t.team_b}.")
    g, rates = brief.kick_off.final, brief.kick_off.rates
    facts.append(
        f"Expected goals in this match: {brief.home} {float(g.home_goals_mean):.2f} - "
        f"{float(g.away_goals_mean):.2f} {brief.away}, playing to the tie "
        f"({rates[0]:.2f} - {rates[1]:.2f} in an ordinary match)."
    )
    if t.prior_only:
        facts.append("Caution: a side has no matches before this date; its rating is the pool average.")
    out.append(Section("The tie", tuple(facts)))
    for s in brief.sides:
        out.extend(_side_sections(brief, s))
    out.append(_history(brief))
    threats = [s.threat for s in brief.sides if s.threat.national]  # the store has scorers for national teams only
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
    p = brief.provenance
    out.append(
        Section(
            "Where the numbers come from",
            (
                f"Model: {p['model']}, fitted on matches strictly before {p['as_of']} "
                f"(latest match used: {p['data_to']}; the store runs to {p['store_to']}).",
                f"Rules: {p['rules_text']} ({p['rules']}; {p['rules_source']}).",
                f"Extra time: {p['extra_time']}.",
                f"Shootouts: {p['shootout']}.",
                *(() if threats else ("Scorers: the store records goalscorers for national teams only.",)),
                f"Same numbers from the command line: {p['command']}",
            ),
            notes=(f"remontada {p['version']}; an exact computation, not a simulation.",),
        )
    )
    return out


def _side_sections(brief: Briefing, s: SideBrief) -> list[Section]:
    out: list[Section] = []
    routes = [("in 90 minutes", s.routes["90"]), ("in extra time", s.routes["extra_time"])]
    routes.append(("on penalties", s.routes["penalties"]))
    if "replay" in s.routes:
        routes.append(("in a replay or play-off", s.routes["replay"]))
    out.append(
        Section(
            f"{s.team}: the chance of going through",
            (f"{s.team} go through with probability {percent(s.p_through)}.",),
            ("route", "chance"),
            tuple((label, percent(p)) for label, p in routes),
        )
    )
    lines: list[str] = []
    if s.needs is not None:
        n = s.needs
        lines.append(
            f"{s.team} need to win by {n['to_level']} to level the aggregate ({percent(n['p_to_level'])} to win by "
            f"{n['to_level']} or more) and by {n['to_win']} to go through in 90 minutes outright "
            f"({percent(n['p_to_win'])})."
        )
        if brief.tie.rules.away_goals:
            lines.append("Away goals count: a level aggregate goes to the side with more goals away from home.")
    elif brief.second_leg:
        lines.append(f"The tie is level: {s.team} go through by winning this match.")
    elif brief.tie.rules.legs == 1:
        lines.append(f"One match: {s.team} go through by winning it, or if it is level, by the tie-break.")
    else:
        lines.append("No first-leg result yet: the chances cover the whole tie, both legs.")
    if s.winning_scores:
        lines.append(
            "The likeliest scores that put them through: "
            + ", ".join(f"{k} ({percent(p)})" for k, p in s.winning_scores)
            + "."
        )
    if s.level_scores:
        after = "a replay" if not brief.tie.rules.extra_time else "extra time"
        lines.append(
            f"Scores that take it to {after}: " + ", ".join(f"{k} ({percent(p)})" for k, p in s.level_scores) + "."
        )
    out.append(Section(f"{s.team}: the result needed", tuple(lines)))
    kick_off = s.scenarios[0].p_through
    out.append(
        Section(
            f"{s.team}: what an early goal would make of it",
            (f"The chance of going through at these moments of the match (scores {brief.home} first):",),
            ("if", "minute", "score", "through", "change"),
            tuple(
                (
                    c.label,
                    str(c.minute),
                    f"{c.score[0]}-{c.score[1]}",
                    percent(c.p_through),
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
            tuple((a.label, percent(a.p_through), percent(a.p_scores), percent(a.p_concedes)) for a in s.approaches),
        )
    )
    return out


def _history(brief: Briefing) -> Section:
    t, b = brief.tie, brief.tie.base_rate
    lines: list[str] = []
    if b is None:
        lines.append("No first-leg deficit: no base rate applies.")
    else:
        sentence = b.sentence(t.as_of)
        lines.append(sentence[0].upper() + sentence[1:] + ".")
    if brief.famous:
        lines.append("Famous comebacks (European cups first, most recent first):")
    rows = tuple(
        (c.season, ", ".join(x for x in (c.competition, c.round) if x), c.leg1, c.leg2,
         c.decided_by.replace("_", " "))
        for c in brief.famous
    )  # fmt: skip
    columns = ("season", "competition", "first leg", "second leg", "decided by")
    return Section("How often it has been done", tuple(lines), columns if rows else (), rows)
