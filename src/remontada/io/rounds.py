"""One vocabulary for the rounds of a competition, whatever a source calls them.

Sources write ``QF``, ``Quarterfinals``, ``Finals, Quarterfinals`` or ``6``; the store
keeps one label per round (``Quarterfinals``) so that a round can be asked for by
name (``remontada tie --round Quarterfinals``) and so that the same match from two
sources lands in the same round.
"""

from __future__ import annotations

import re

__all__ = ["KNOCKOUT_ROUNDS", "canonical_round"]

KNOCKOUT_ROUNDS = frozenset(
    {
        "Preliminary Round",
        "Qualifying Round 1",
        "Qualifying Round 2",
        "Qualifying Round 3",
        "Playoffs",
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
    "q-po": "Playoffs",
    "knockout round play-offs": "Knockout Playoffs",
    "knockout playoffs": "Knockout Playoffs",
    "prelim": "Preliminary Round",
    "preliminary round": "Preliminary Round",
    "third place": "Third Place",
    "3rd place": "Third Place",
    "match for third place": "Third Place",
    "league": "League",
    "group": "Group",
}


def canonical_round(text: str | None) -> tuple[str | None, bool]:
    """Map a source's round name to ``(label, is_knockout)``.

    >>> canonical_round("Finals, Quarterfinals")
    ('Quarterfinals', True)
    >>> canonical_round("GroupB-inter")
    ('Group B (second stage)', False)
    >>> canonical_round("Q-2")
    ('Qualifying Round 2', True)
    """
    if text is None or not text.strip():
        return None, False
    raw = text.strip()
    if "," in raw:  # openfootball's "Finals, Semifinals" / "Group, Matchday 3"
        head, tail = (p.strip() for p in raw.split(",", 1))
        if head.lower() in {"group", "gruppe", "league"}:
            return canonical_round(head)
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
    m = re.fullmatch(r"(?:q-|qualifying round\s*|qual\s*)(\d)", low)
    if m:
        return f"Qualifying Round {m.group(1)}", True
    m = re.fullmatch(r"(?:round\s*)(\d)", low)
    if m:
        return f"Round {m.group(1)}", True
    m = re.fullmatch(r"matchday\s*(\d+)", low)
    if m:
        return "League", False
    return raw, False
