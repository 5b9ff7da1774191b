"""One vocabulary for the rounds of a competition, whatever a source calls them.

Sources write ``QF``, ``Quarterfinals``, ``Finals, Quarterfinals`` or ``6``; the store
keeps one label per round (``Quarterfinals``) so that a round can be asked for by
name (``remontada tie --round Quarterfinals``) and so that the same match from two
sources lands in the same round.

Names are not always enough: a source may call a round anything (``1. Runde``,
``Play-off round (Champions Route)``), so :func:`knockout_shape` also tells a knockout
round from a table round by who played whom (:func:`is_table_round` names the rounds
that are tables whatever their shape).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["KNOCKOUT_ROUNDS", "Fixture", "canonical_round", "is_table_round", "knockout_shape"]

KNOCKOUT_ROUNDS = frozenset(
    {
        "Preliminary Round",
        "Qualifying Round 1",
        "Qualifying Round 2",
        "Qualifying Round 3",
        "Playoffs",
        "Qualifying Playoffs",
        "Knockout Playoffs",
        "Round 1",
        "Round 2",
        "Round 3",
        "Round 4",
        "Round 5",
        "Round 6",
        "Round of 32",
        "Round of 16",
        "Quarterfinals",
        "Semifinals",
        "Third Place",
        "Final",
    }
)
"""Rounds decided by knocking a side out, not by a table."""

_EXACT = {
    "qf": "Quarterfinals",
    "quarterfinal": "Quarterfinals",
    "quarterfinals": "Quarterfinals",
    "quarter-finals": "Quarterfinals",
    "quarter finals": "Quarterfinals",
    "viertelfinale": "Quarterfinals",
    "sf": "Semifinals",
    "semifinal": "Semifinals",
    "semifinals": "Semifinals",
    "semi-finals": "Semifinals",
    "semi finals": "Semifinals",
    "halbfinale": "Semifinals",
    "f": "Final",
    "final": "Final",
    "finale": "Final",
    "r16": "Round of 16",
    "round of 16": "Round of 16",
    "last 16": "Round of 16",
    "achtelfinale": "Round of 16",
    "r32": "Round of 32",
    "round of 32": "Round of 32",
    "last 32": "Round of 32",
    "sechzehntelfinale": "Round of 32",
    "playoffs": "Playoffs",
    "play-offs": "Playoffs",
    "playoff": "Playoffs",
    "play-off": "Playoffs",
    "play-off round": "Playoffs",
    "play-offs round": "Playoffs",
    "playoff round": "Playoffs",
    "q-po": "Playoffs",
    "knockout round play-offs": "Knockout Playoffs",
    "knockout playoffs": "Knockout Playoffs",
    "prelim": "Preliminary Round",
    "preliminary round": "Preliminary Round",
    "preliminary": "Preliminary Round",
    "third place": "Third Place",
    "3rd place": "Third Place",
    "match for third place": "Third Place",
    "league": "League",
    "group": "Group",
}

_ORDINALS = {"1st": 1, "first": 1, "2nd": 2, "second": 2, "3rd": 3, "third": 3, "4th": 4, "fourth": 4}
"""Ordinals in round names such as ``1st Qualifying Round`` or ``Second qualifying round``."""


def canonical_round(text: str | None, *, qualifying: bool = False) -> tuple[str | None, bool]:
    """Map a source's round name to ``(label, is_knockout)``.

    ``qualifying`` says the name comes from a file of a competition's qualifying
    rounds, where openfootball's ``Round 1`` is the first qualifying round (the label
    engsoccerdata's ``Q-1`` gets), not the first round proper, and its ``Playoffs``
    are the qualifying play-offs of August, not the knockout play-offs of February
    that the competition's own file of the same season calls ``Playoffs`` too.

    >>> canonical_round("Finals, Quarterfinals")
    ('Quarterfinals', True)
    >>> canonical_round("GroupB-inter")
    ('Group B (second stage)', False)
    >>> canonical_round("Q-2")
    ('Qualifying Round 2', True)
    >>> canonical_round("2nd Qualifying Round")
    ('Qualifying Round 2', True)
    >>> canonical_round("Round 1", qualifying=True)
    ('Qualifying Round 1', True)
    >>> canonical_round("Play-offs", qualifying=True)
    ('Qualifying Playoffs', True)
    """
    label, knockout = _canonical_round(text)
    if qualifying and label is not None and (label == "Playoffs" or re.fullmatch(r"Round \d", label)):
        return f"Qualifying {label}", True
    return label, knockout


def _canonical_round(text: str | None) -> tuple[str | None, bool]:
    """:func:`canonical_round` of a name read on its own."""
    if text is None or not text.strip():
        return None, False
    raw = text.strip()
    if "," in raw:  # openfootball's "Finals, Semifinals" / "Group, Matchday 3"
        head, tail = (p.strip() for p in raw.split(",", 1))
        if head.lower() in {"group", "gruppe", "league"}:
            return _canonical_round(head)
        raw = tail
    low = raw.lower()
    if low in _EXACT:
        label = _EXACT[low]
        return label, label in KNOCKOUT_ROUNDS
    m = re.fullmatch(r"(?:group|gruppe)\s*-?\s*([a-z])(?:-(prelim|inter))?", low)
    if m:
        label = f"Group {m.group(1).upper()}"
        stage = {"prelim": " (first stage)", "inter": " (second stage)"}.get(m.group(2) or "", "")
        return label + stage, False
    m = re.fullmatch(r"(?:q-|qualifying round\s*|qual\.?\s*(?:round\s*)?)(\d)", low)
    if m:
        return f"Qualifying Round {m.group(1)}", True
    m = re.fullmatch(rf"({'|'.join(_ORDINALS)})\s+qualifying\s+round", low)
    if m:
        return f"Qualifying Round {_ORDINALS[m.group(1)]}", True
    m = re.fullmatch(r"(?:round\s*)(\d)", low)
    if m:
        return f"Round {m.group(1)}", True
    m = re.fullmatch(r"matchday\s*(\d+)", low)
    if m:
        return "League", False
    return raw, False


def is_table_round(label: str | None) -> bool:
    """Whether a canonical label names a round played as a table (``League``, ``Group B``), whatever its shape."""
    return label is not None and (label in ("League", "Group") or label.startswith("Group "))


@dataclass(frozen=True)
class Fixture:
    """One match of a round as a source lists it; ``beyond_90`` if it went to extra time or a shootout."""

    home: str
    away: str
    beyond_90: bool = False


def knockout_shape(fixtures: Iterable[Fixture]) -> bool:
    """Whether a round's fixtures are those of a knockout round, whatever the round is called.

    Every side meets one opponent only (so each side is in exactly one pair), and each
    pair either plays home and away (A-B and B-A: two legs) or once. A round of pairs
    that all play home and away is a two-legged knockout round; where pairs play once,
    a match that went to extra time or penalties is the proof (a league matchday also
    has every side play once, but never goes beyond 90 minutes). A table round has
    sides meeting several opponents, or the same pair meeting twice at one ground.

    >>> knockout_shape([Fixture("A", "B"), Fixture("C", "D"), Fixture("B", "A"), Fixture("D", "C")])
    True
    >>> knockout_shape([Fixture("A", "B"), Fixture("C", "D")])
    False
    >>> knockout_shape([Fixture("A", "B"), Fixture("C", "D", beyond_90=True)])
    True
    >>> knockout_shape([Fixture("A", "B"), Fixture("B", "C"), Fixture("C", "A")])
    False
    """
    pairs: dict[frozenset[str], list[Fixture]] = defaultdict(list)
    beyond_90 = False
    for fixture in fixtures:
        if fixture.home == fixture.away:
            return False
        pairs[frozenset((fixture.home, fixture.away))].append(fixture)
        beyond_90 = beyond_90 or fixture.beyond_90
    sides = [side for pair in pairs for side in pair]
    if not pairs or len(sides) != len(set(sides)):
        return False
    two_legged = [p for p in pairs.values() if len(p) == 2 and p[0].home == p[1].away]
    if any(len(p) > 2 for p in pairs.values()) or sum(len(p) == 2 for p in pairs.values()) != len(two_legged):
        return False
    return len(two_legged) == len(pairs) or beyond_90
