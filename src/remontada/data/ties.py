"""Knockout ties from their legs: the order of the legs, and who went through by the rules of the day.

An import pairs the legs of each tie (and any replays) that a file marks; the tie's
winner is then settled from the legs' scores by the rules of its competition on the
date of its last match (:func:`remontada.data.rules.rules_for`), so that stored ties
say who went through even where the source does not. A source that names the winner
is believed only where the scores cannot settle it (a coin toss, an awarded tie).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd

from remontada.data.rules import LegScore, decide, rules_for

__all__ = ["leg_order", "leg_score", "note_to_decided", "settle", "source_winner"]


def leg_order(leg: object) -> float:
    """Where a leg comes in its tie: 1 and 2 for the legs, 11, 12, ... for replays, 0 when unknown."""
    if leg is None or (isinstance(leg, float) and pd.isna(leg)) or leg is pd.NA:
        return 0.0
    text = str(leg)
    if text in {"1", "2"}:
        return float(text)
    if text.startswith("replay"):
        return 10.0 + float(text[6:] or 1)
    return 0.0


def note_to_decided(note: object) -> str:
    """How a tie the scores cannot settle was decided, from the source's note (away goals, a coin toss)."""
    text = str(note or "").lower()
    if "away" in text:
        return "away_goals"
    if "coin" in text:
        return "coin_toss"
    return "source"


def source_winner(group: list[dict[Hashable, Any]], by_name: dict[tuple[str, str], int]) -> int | None:
    """The team id of the tie winner the source names, if it names one we know."""
    names = [r["tie_winner"] for r in group if not pd.isna(r["tie_winner"])]
    return by_name.get((group[0]["team_kind"], names[-1])) if names else None


def settle(group: list[dict[Hashable, Any]], team_a: int) -> tuple[int | None, str, str, int | None, int | None]:
    """Winner id, how it was decided, the rules applied, and the aggregate of a tie's legs."""
    replays = [r for r in group if str(r["leg"]).startswith("replay")]
    main = [r for r in group if not str(r["leg"]).startswith("replay")] or replays
    played = replays[-1:] or main
    day = pd.Timestamp(played[-1]["date"]).date()
    rules = rules_for(str(group[0]["competition_id"]), day, legs=len(played))
    outcome = decide([leg_score(r, team_a) for r in played], rules)
    agg = decide([leg_score(r, team_a) for r in main], rules)
    winner = None
    if outcome.winner is not None:
        home, away = int(played[0]["home_id"]), int(played[0]["away_id"])
        a_side, b_side = (home, away) if home == team_a else (away, home)
        winner = a_side if outcome.winner == "a" else b_side
    decided_by = "replay" if replays and winner is not None else outcome.decided_by
    return winner, decided_by, rules.name, agg.agg_a, agg.agg_b


def leg_score(row: Mapping[Hashable, Any], team_a: int) -> LegScore:
    """One stored leg as the rules read it, from side A's point of view."""

    def val(name: str) -> int | None:
        v = row[name]
        return None if pd.isna(v) else int(v)

    hg, ag = val("home_goals"), val("away_goals")
    he, ae = val("et_home_goals"), val("et_away_goals")
    hp, ap = val("pen_home"), val("pen_away")
    assert hg is not None and ag is not None
    neutral = bool(row["neutral"])
    if int(row["home_id"]) == team_a:
        return LegScore(hg, ag, True, neutral, he, ae, hp, ap)
    return LegScore(ag, hg, False, neutral, ae, he, ap, hp)
