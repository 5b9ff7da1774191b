"""What a user says about a moment of play: minutes (``45+2``), goal and card timelines, what-ifs."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from remontada.errors import DataError
from remontada.knockout.play import END_OF_EXTRA_TIME, Moment
from remontada.models.inplay.red_cards import RedCardEffect

__all__ = [
    "WHAT_IF_RANGE",
    "WhatIf",
    "factors",
    "moment",
    "parse_clock",
    "parse_events",
    "parse_minute",
    "parse_what_if",
    "show_clock",
]

Array = NDArray[np.float64]


_MINUTE = re.compile(r"^\s*(?P<m>\d{1,3})\s*(?:\+\s*(?P<extra>\d{1,2}))?\s*'?\s*$")
_HALVES_END = (45, 90, 105, 120)
WHAT_IF_RANGE = (0.1, 10.0)
"""How far a change of approach may move a scoring rate (beyond it the chain's per-minute cap is no longer exact)."""
_WHAT_IF = re.compile(
    r"^\s*(?P<team>.+?)\s*:\s*(?P<for>[+-]?\d+(?:\.\d+)?)%\s*(?:,\s*(?P<against>[+-]?\d+(?:\.\d+)?)%)?\s*$"
)


def parse_clock(text: str) -> tuple[int, int]:
    """A match clock, ``"67"`` or ``"90+3"``, as (minute, stoppage minutes); checked."""
    found = _MINUTE.match(text)
    if not found:
        raise DataError(f"minute {text!r} is not a match minute: write 67, 45+2 or 90+3")
    minute, stoppage = int(found["m"]), int(found["extra"] or 0)
    if found["extra"] is not None and minute not in _HALVES_END:
        raise DataError(f"minute {text!r}: stoppage time follows 45, 90, 105 or 120, not {minute}")
    if minute > END_OF_EXTRA_TIME:
        raise DataError(f"minute {text!r} is outside 0..{END_OF_EXTRA_TIME} (stoppage time as 90+3)")
    return minute, stoppage


def parse_minute(text: str | int) -> int:
    """Minutes played from a match clock: ``"67"`` -> 67.

    Stoppage time belongs to the minute it extends (the in-play model's minutes 45
    and 90 hold their stoppage time), so ``"45+2"`` is 44 minutes played with the rest
    of the 45th, stoppage included, still to come; likewise ``"90+3"`` -> 89,
    ``"105+1"`` -> 104 and ``"120+2"`` -> 119.
    """
    minute, stoppage = parse_clock(str(text))
    return minute - 1 if stoppage else minute


@dataclass(frozen=True)
class WhatIf:
    """A change of approach: one side's scoring rate times ``goals_for``, its opponent's times ``goals_against``.

    "Liverpool push from the first minute: +30% for, +20% against" is
    ``WhatIf("Liverpool", 1.3, 1.2)``.
    """

    team: str
    goals_for: float = 1.0
    goals_against: float = 1.0

    def __post_init__(self) -> None:
        if self.goals_for <= 0 or self.goals_against <= 0:
            raise DataError(f"what-if for {self.team}: a side cannot score at a rate of zero or less")
        low, high = WHAT_IF_RANGE
        if not (low <= self.goals_for <= high and low <= self.goals_against <= high):
            raise DataError(
                f"what-if for {self.team}: rates times {self.goals_for:g} and {self.goals_against:g}; a change of "
                f"approach multiplies a rate by {low:g} to {high:g}"
            )

    def describe(self) -> str:
        """``"Liverpool +30% for, +20% against"``."""
        return f"{self.team} {self.goals_for - 1:+.0%} for, {self.goals_against - 1:+.0%} against"


def parse_what_if(text: str) -> WhatIf:
    """``"Liverpool:+30%,+20%"`` -> ``WhatIf("Liverpool", 1.3, 1.2)`` (the second change may be left out)."""
    found = _WHAT_IF.match(text)
    if not found:
        raise DataError(f"what-if {text!r}: write it as 'Liverpool:+30%,+20%' (goals for, goals against)")
    against = found["against"]
    return WhatIf(found["team"], 1 + float(found["for"]) / 100, 1 + float(against) / 100 if against else 1.0)


def parse_events(text: str) -> list[tuple[int, str]]:
    """``"7:Liverpool, 90+2:Atalanta"`` -> ``[(7, "Liverpool"), (90, "Atalanta")]``.

    An event in minute ``m`` (stoppage time in the minute it extends) counts from the
    end of that minute.
    """
    events = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        minute, sep, team = part.partition(":")
        if not sep or not team.strip():
            raise DataError(f"event {part!r}: write it as MINUTE:TEAM, e.g. '7:Liverpool'")
        try:
            at, _ = parse_clock(minute)
        except DataError as exc:
            raise DataError(f"event {part!r}: {exc}") from exc
        if at < 1:
            raise DataError(f"event {part!r}: minute {at} is outside 1..{END_OF_EXTRA_TIME}")
        events.append((at, team.strip()))
    return sorted(events, key=lambda e: e[0])


def factors(
    effect: RedCardEffect, reds: tuple[int, int], what_if: tuple[WhatIf, ...], home: str
) -> tuple[float, float]:
    """Multipliers on the home and away rates: red cards so far, times the what-ifs.

    ``home`` is the home side's name as the store has it (a what-if names its team so).
    """
    try:
        home_factor, away_factor = effect.factors(*reds)
    except ValueError as exc:
        raise DataError(f"reds: {exc}") from exc
    for change in what_if:
        if change.team == home:
            home_factor, away_factor = home_factor * change.goals_for, away_factor * change.goals_against
        else:
            home_factor, away_factor = home_factor * change.goals_against, away_factor * change.goals_for
    return home_factor, away_factor


def moment(minute: int, score: tuple[int, int], factors: tuple[float, float]) -> Moment:
    """The moment of play, or the library's error for an impossible one."""
    try:
        return Moment(minute, score[0], score[1], factors[0], factors[1])
    except ValueError as exc:
        raise DataError(str(exc)) from exc


def show_clock(clock: tuple[int, int]) -> str:
    """A clock as words: ``minute 45+2``."""
    return f"minute {clock[0]}" + (f"+{clock[1]}" if clock[1] else "")
