"""Knockout rules as data, chosen by competition and date.

How a level tie is settled has changed over the decades, and a historical tie must
be judged by the rules of its day:

* UEFA club competitions from 2021-22: aggregate score; if level after the second
  leg, 30 minutes of extra time, then a shootout. No away goals.
* UEFA 1965-66 to 2020-21: aggregate, then away goals after 90 minutes; if still
  level, extra time in which away goals still count (a side that scores away in extra
  time goes through on a level aggregate), then a shootout (from 1970-71; before
  that a replay or the toss of a coin).
* UEFA before 1965-66: aggregate, then a play-off match (replay).
* Other two-legged ties (e.g. League Cup semi-finals): aggregate, extra time, shootout.
* Single matches (finals at a neutral venue, most cups): extra time then a shootout.
* FA Cup style: a drawn tie is replayed at the other ground (later rounds kept
  replays until 2024-25; since 1991-92 a drawn replay goes to a shootout).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "CUP_REPLAYS",
    "RULES",
    "SINGLE_MATCH",
    "TWO_LEGGED",
    "UEFA_2021",
    "UEFA_AWAY_GOALS",
    "UEFA_REPLAYS",
    "LegScore",
    "Rules",
    "TieOutcome",
    "decide",
    "parse_rules",
    "rules_for",
]


@dataclass(frozen=True)
class Rules:
    """How a knockout tie is settled."""

    name: str
    legs: int
    away_goals: bool = False
    away_goals_in_extra_time: bool = False
    extra_time: bool = True
    penalties: bool = True
    replays: bool = False

    def __post_init__(self) -> None:
        if self.legs not in (1, 2):
            raise ValueError(f"rules {self.name!r}: a tie has 1 or 2 legs, not {self.legs}")
        if not (self.penalties or self.replays):
            raise ValueError(f"rules {self.name!r}: a level tie needs penalties or replays to be settled")
        if self.away_goals_in_extra_time and not (self.away_goals and self.extra_time):
            raise ValueError(f"rules {self.name!r}: away goals in extra time needs away goals and extra time")

    def describe(self) -> str:
        """The rules in a line, as a reader would say them."""
        if self.legs == 1:
            parts = ["one match"]
        else:
            parts = ["two legs, aggregate score"]
            if self.away_goals:
                parts.append("away goals")
        if self.extra_time:
            parts.append("extra time" + (" (away goals count)" if self.away_goals_in_extra_time else ""))
        if self.penalties:
            parts.append("penalties")
        if self.replays:
            parts.append("replay" if self.legs == 1 else "play-off")
        return ", then ".join(parts)


UEFA_2021 = Rules("uefa-2021", legs=2)
UEFA_AWAY_GOALS = Rules("uefa-away-goals", legs=2, away_goals=True, away_goals_in_extra_time=True)
UEFA_REPLAYS = Rules("uefa-replays", legs=2, extra_time=False, penalties=False, replays=True)
TWO_LEGGED = Rules("two-legged", legs=2)
SINGLE_MATCH = Rules("single-match", legs=1)
CUP_REPLAYS = Rules("cup-replays", legs=1, extra_time=False, penalties=False, replays=True)
RULES = {r.name: r for r in (UEFA_2021, UEFA_AWAY_GOALS, UEFA_REPLAYS, TWO_LEGGED, SINGLE_MATCH, CUP_REPLAYS)}

_FLAGS = ("away_goals", "away_goals_in_extra_time", "extra_time", "penalties", "replays")
_YES = {"1", "true", "yes", "y", "on"}
_NO = {"0", "false", "no", "n", "off"}


def parse_rules(text: str) -> Rules:
    """Rules by name (``uefa-2021``), or a named base with changes: ``two-legged,away_goals=yes``.

    Custom rules take their name from the text. Unknown names and flags are errors
    that list what is known.
    """
    base_name, *changes = [part.strip() for part in text.split(",")]
    if base_name not in RULES:
        raise ValueError(f"unknown rules {base_name!r}; known rules: {', '.join(sorted(RULES))}")
    if not changes:
        return RULES[base_name]
    values: dict[str, bool] = {}
    for change in changes:
        flag, _, value = change.partition("=")
        flag = flag.strip().replace("-", "_")
        if flag not in _FLAGS or value.strip().lower() not in _YES | _NO:
            raise ValueError(f"rules change {change!r} is not FLAG=yes|no with FLAG one of {', '.join(_FLAGS)}")
        values[flag] = value.strip().lower() in _YES
    base = RULES[base_name]
    return Rules(text.replace(" ", ""), legs=base.legs, **{f: values.get(f, getattr(base, f)) for f in _FLAGS})


_UEFA = frozenset({"uefa-cl", "uefa-el", "uefa-ecl"})


def rules_for(competition: str, day: dt.date, *, legs: int = 2) -> Rules:
    """The rules in force for a tie of ``legs`` legs in ``competition`` on ``day``."""
    if legs == 1:
        if competition == "eng-fa-cup" and day < dt.date(1991, 7, 1):
            return CUP_REPLAYS
        return SINGLE_MATCH
    if competition in _UEFA:
        if day >= dt.date(2021, 7, 1):
            return UEFA_2021
        if day >= dt.date(1965, 7, 1):
            return UEFA_AWAY_GOALS
        return UEFA_REPLAYS
    return TWO_LEGGED


@dataclass(frozen=True)
class LegScore:
    """One match of a tie from side A's point of view.

    ``a_at_home`` says where it was played; ``*_et`` are the scores after extra
    time (cumulative) when it was played; ``pens_*`` the shootout.
    """

    a_goals: int
    b_goals: int
    a_at_home: bool
    neutral: bool = False
    a_et: int | None = None
    b_et: int | None = None
    pens_a: int | None = None
    pens_b: int | None = None


@dataclass(frozen=True)
class TieOutcome:
    """Who went through (``"a"``, ``"b"`` or ``None`` when the legs do not say) and how."""

    winner: str | None
    decided_by: str
    agg_a: int
    agg_b: int


def decide(legs: Sequence[LegScore], rules: Rules) -> TieOutcome:
    """Settle a tie from its played legs under ``rules``.

    ``decided_by`` is one of ``single_match``, ``aggregate``, ``away_goals``,
    ``extra_time``, ``away_goals_extra_time``, ``penalties``, or ``undecided``
    (level with nothing in the data to separate the sides: a replay, a coin toss, or
    a shootout the source did not record).
    """
    if not legs:
        raise ValueError("a tie needs at least one leg")
    last = legs[-1]
    a90 = sum(leg.a_goals for leg in legs)
    b90 = sum(leg.b_goals for leg in legs)
    a_final = a90 - last.a_goals + (last.a_et if last.a_et is not None else last.a_goals)
    b_final = b90 - last.b_goals + (last.b_et if last.b_et is not None else last.b_goals)
    single = len(legs) == 1
    if a90 != b90:
        return TieOutcome("a" if a90 > b90 else "b", "single_match" if single else "aggregate", a_final, b_final)
    if rules.away_goals and not single:
        away_a = sum(leg.a_goals for leg in legs if not leg.a_at_home and not leg.neutral)
        away_b = sum(leg.b_goals for leg in legs if leg.a_at_home and not leg.neutral)
        if away_a != away_b:
            return TieOutcome("a" if away_a > away_b else "b", "away_goals", a_final, b_final)
    if last.a_et is not None and last.b_et is not None:
        if a_final != b_final:
            return TieOutcome("a" if a_final > b_final else "b", "extra_time", a_final, b_final)
        et_away_a = last.a_et - last.a_goals if not last.a_at_home and not last.neutral else 0
        et_away_b = last.b_et - last.b_goals if last.a_at_home and not last.neutral else 0
        if rules.away_goals_in_extra_time and not single and et_away_a != et_away_b:
            return TieOutcome("a" if et_away_a > et_away_b else "b", "away_goals_extra_time", a_final, b_final)
    if last.pens_a is not None and last.pens_b is not None and last.pens_a != last.pens_b:
        return TieOutcome("a" if last.pens_a > last.pens_b else "b", "penalties", a_final, b_final)
    return TieOutcome(None, "undecided", a_final, b_final)
