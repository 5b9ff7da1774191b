"""A tie's pre-match briefing: the facts gathered, and their views (JSON, sections, text, HTML)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from remontada.app.briefing.facts import Comeback, Section, SideBrief
from remontada.app.briefing.page import as_html, as_text
from remontada.app.briefing.sections import briefing_sections
from remontada.app.plain import percent
from remontada.knockout.forecast import TieForecast
from remontada.live.forecast import LiveForecast

__all__ = ["Briefing"]


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
                f"{percent(s.p_through)} chance of going through"
            )
        chances = ", ".join(f"{s.team} {percent(s.p_through)}" for s in self.sides)
        if t.rules.legs == 1:
            return f"One match settles it: chance of going through {chances}"
        state = "level after the first leg" if self.second_leg else "still to play"
        return f"The tie is {state}: chance of going through {chances}"

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
        return briefing_sections(self)

    def to_text(self) -> str:
        """The briefing as plain text (the same sections and numbers as the HTML)."""
        return as_text(self)

    def to_html(self) -> str:
        """One self-contained printable HTML page: inline CSS (with a print stylesheet), no external assets."""
        return as_html(self)
