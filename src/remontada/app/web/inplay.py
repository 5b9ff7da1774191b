"""The in-play state a tie page's URL carries, brought to the nearest state a match can be in.

A shared link says where the in-play panel stands: ``minute=67``, the goals so far
(``goals=23:Atalanta,67:Liverpool``, or just ``score=0-1``), the red cards
(``reds=55:Atalanta``, or ``home_red=1``) and changes of approach
(``what_if=Liverpool:+30%,+20%``). A link may be mistyped or made up, so the page
never refuses one: each part that no match can have is replaced by the nearest part
one can, and the page says what was changed. A match's facts set the limits:

- the clock runs from 0 to 120 (the end of extra time; stoppage time belongs to the
  minute it extends, so ``90+3`` is the 90th minute);
- an event happens in a minute from 1 to 120 (it counts from the end of its minute);
- a goal takes a kick-off, so a score of ``n`` goals given alone needs at least ``n``
  minutes played (the clock is moved forward to ``n``);
- a side with fewer than seven players cannot go on (Law 3 of the Laws of the
  Game), so a side has at most :data:`MOST_REDS` red cards;
- a change of approach multiplies a side's rates within
  :data:`remontada.live.moments.WHAT_IF_RANGE`, and names one of the two sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from remontada.errors import DataError
from remontada.knockout.play import END_OF_EXTRA_TIME
from remontada.live.moments import parse_clock, parse_what_if

__all__ = ["MOST_GOALS", "MOST_REDS", "REGULAR_TIME", "InPlayState", "nearest_state"]

MOST_GOALS = 30
"""Goals a shared state may list (the API's limit on a timeline's events)."""
REGULAR_TIME = 90
"""The end of normal time: any score can stand then (extra time is played only from some)."""
MOST_REDS = 4
"""Red cards a side may have: a fifth leaves it with six players, and the match is abandoned (Law 3)."""
SIDES = ("home", "away")
_WHOLE = re.compile(r"^\s*-?\d+\s*$")
_SCORE = re.compile(r"^\s*(\d{1,3})\s*[-:]\s*(\d{1,3})\s*$")


@dataclass
class InPlayState:
    """Where the in-play panel stands: the clock, goal and red-card timelines, changes of approach.

    Events are ``(minute, side)`` with side ``home`` or ``away``; ``what_if`` maps a
    side to its (goals for, goals against) multipliers. ``notes`` say what the URL
    asked for that no match can have, and what is shown instead.
    """

    minute: int = 0
    goals: list[tuple[int, str]] = field(default_factory=list)
    reds: list[tuple[int, str]] = field(default_factory=list)
    what_if: dict[str, tuple[float, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def now(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The score and red cards (home, away) on the clock: an event in minute ``m`` counts from the end of it."""
        clock = max(1, self.minute)

        def count(events: list[tuple[int, str]], side: str) -> int:
            return sum(1 for m, s in events if s == side and max(1, m) <= clock)

        return (count(self.goals, "home"), count(self.goals, "away")), (
            count(self.reds, "home"),
            count(self.reds, "away"),
        )

    def timelines(self) -> tuple[str, str]:
        """The goal and red-card timelines as the API takes them: ``("23:home,67:away", "55:home")``."""
        goals = ",".join(f"{m}:{side}" for m, side in self.goals)
        return goals, ",".join(f"{m}:{side}" for m, side in self.reds)

    def back_to(self, minute: int) -> None:
        """Move the clock, and every event after ``minute``, back to ``minute``."""
        self.minute = min(self.minute, minute)
        self.goals = [(min(m, minute), side) for m, side in self.goals]
        self.reds = [(min(m, minute), side) for m, side in self.reds]

    def what_if_texts(self) -> list[str]:
        """The changes of approach as the API takes them: ``["away:+30%,+20%"]``."""
        return [f"{s}:{f - 1:+.0%},{a - 1:+.0%}" for s, (f, a) in sorted(self.what_if.items())]

    def as_dict(self) -> dict[str, Any]:
        """The state as the page's script reads it (JSON)."""
        return {
            "minute": self.minute,
            "goals": [{"minute": m, "side": s} for m, s in self.goals],
            "reds": [{"minute": m, "side": s} for m, s in self.reds],
            "what_if": {s: {"for": f, "against": a} for s, (f, a) in self.what_if.items()},
        }


def nearest_state(
    names: tuple[str, str],
    *,
    minute: str | None = None,
    goals: str | None = None,
    score: str | None = None,
    reds: str | None = None,
    home_red: str | None = None,
    away_red: str | None = None,
    what_if: list[str] | None = None,
) -> InPlayState:
    """The state a URL asks for, each impossible part replaced by the nearest possible one (and noted).

    ``names`` are the match's home and away sides as the page shows them; events and
    what-ifs may name a side so (any case) or as ``home``/``away``. A timeline
    (``goals``, ``reds``) wins over the bare count (``score``, ``home_red``/``away_red``),
    whose events are put at the clock's minute (as the panel's buttons do).
    """
    state = InPlayState()
    state.minute = _clock(minute, state.notes)
    if goals:
        state.goals = _timeline(goals, "goals", names, state.notes)
    elif score:
        state.goals = _from_score(score, state)
    if len(state.goals) > MOST_GOALS:
        state.notes.append(f"goals: {len(state.goals)} listed; the first {MOST_GOALS} are kept")
        state.goals = state.goals[:MOST_GOALS]
    if reds:
        state.reds = _timeline(reds, "reds", names, state.notes)
    else:
        at = max(1, state.minute)
        for side, text in zip(SIDES, (home_red, away_red), strict=True):
            state.reds += [(at, side)] * _count(text, f"{side}_red", state.notes)
    kept: list[tuple[int, str]] = []
    for side, name in zip(SIDES, names, strict=True):
        theirs = [r for r in state.reds if r[1] == side]
        if len(theirs) > MOST_REDS:
            state.notes.append(
                f"reds: {len(theirs)} red cards for {name}, but a side left with fewer than seven players cannot "
                f"play on; shown with {MOST_REDS}"
            )
        kept += theirs[:MOST_REDS]
    state.reds = sorted(kept)
    for text in what_if or []:
        _what_if(text, names, state)
    return state


def _clock(text: str | None, notes: list[str], what: str = "minute") -> int:
    """A minute of the match (0..120) from ``"67"`` or ``"90+3"``; out of range or unreadable: the nearest, noted."""
    if text is None or not text.strip():
        return 0
    if _WHOLE.match(text):
        value = int(text)
        nearest = min(max(value, 0), END_OF_EXTRA_TIME)
        if nearest != value:
            notes.append(f"{what}: {value} is outside the match's 0..{END_OF_EXTRA_TIME} minutes; shown at {nearest}")
        return nearest
    try:
        return parse_clock(text)[0]
    except DataError as exc:
        notes.append(f"{what}: {exc}; shown at 0")
        return 0


def _side(text: str, names: tuple[str, str]) -> str | None:
    """``home`` or ``away`` for a side named as the page names it (or as ``home``/``away``), else ``None``."""
    key = text.strip().casefold()
    if key in SIDES:
        return key
    for side, name in zip(SIDES, names, strict=True):
        if key == name.casefold():
            return side
    return None


def _timeline(text: str, what: str, names: tuple[str, str], notes: list[str]) -> list[tuple[int, str]]:
    """``"23:Atalanta,67:Liverpool"`` as ``[(23, "home"), (67, "away")]``, bad events left out (and noted)."""
    events = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        minute, _, team = part.partition(":")
        side = _side(team, names)
        if side is None:
            notes.append(f"{what}: {part!r} names neither {names[0]} nor {names[1]}; left out")
            continue
        try:
            parse_clock(minute if not _WHOLE.match(minute) else "0")
        except DataError:
            notes.append(f"{what}: {part!r} has no minute like 67 or 90+3 (write MINUTE:TEAM); left out")
            continue
        at = _clock(minute, notes, f"{what} {part!r}")
        if at < 1:
            notes.append(f"{what}: {part!r} happens before a minute is played; shown in minute 1")
            at = 1
        events.append((at, side))
    return sorted(events)


def _from_score(text: str, state: InPlayState) -> list[tuple[int, str]]:
    """A bare score's goals, at the clock's minute (in extra time, at the 90th); the clock moved forward if too early.

    A score in extra time is one the match went to extra time with, more often than
    not: putting its goals in the 90th minute keeps a level tie level, as it must be.
    """
    found = _SCORE.match(text)
    if not found:
        state.notes.append(f"score: {text!r} is not a score like 1-0; shown at 0-0")
        return []
    home, away = int(found[1]), int(found[2])
    if home + away > MOST_GOALS:
        state.notes.append(f"score: {home}-{away} has more than {MOST_GOALS} goals; shown at 0-0")
        return []
    if home + away > state.minute:
        state.notes.append(
            f"score: {home}-{away} cannot be the score after {state.minute} minutes (a goal takes a kick-off, "
            f"so at most one a minute); the clock is moved to {home + away}"
        )
        state.minute = home + away
    at = max(1, min(state.minute, REGULAR_TIME))  # in extra time: the score it was reached with, most likely
    return [(at, "home")] * home + [(at, "away")] * away


def _count(text: str | None, what: str, notes: list[str]) -> int:
    """A side's red cards from a bare count (0..:data:`MOST_REDS` is checked by the caller)."""
    if text is None or not text.strip():
        return 0
    if not _WHOLE.match(text) or int(text) < 0:
        notes.append(f"{what}: {text!r} is not a number of red cards; shown with none")
        return 0
    return int(text)


def _what_if(text: str, names: tuple[str, str], state: InPlayState) -> None:
    """One change of approach into ``state.what_if`` (the last for a side wins), or a note why not."""
    try:
        change = parse_what_if(text)
    except DataError as exc:
        state.notes.append(f"{exc}; left out")
        return
    side = _side(change.team, names)
    if side is None:
        state.notes.append(f"what-if {text!r} names neither {names[0]} nor {names[1]}; left out")
        return
    state.what_if[side] = (change.goals_for, change.goals_against)
