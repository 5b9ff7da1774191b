"""The rest of a cup once its knockout rounds have begun: the ties under way, then the bracket as drawn.

UEFA often draws several rounds at once (the 2023-24 quarter-finals, semi-finals and
final were drawn together on 15 March 2024), so on the morning of a quarter-final second
leg the semi-final paths are already facts. ``builtin/brackets.csv`` keeps such draws:
``W:Team`` is the winner of the tie that team plays in the round under way, ``W:SF1`` the
winner of tie ``SF1``; the first named side is at home first. Rounds with no draw on file
are drawn openly in each simulation among the winners of the round before.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence

from remontada.data.rules import SINGLE_MATCH, Rules
from remontada.errors import DataError
from remontada.tournaments.formats import BUILTIN, Draw, Format, Round, Slot, Tie

__all__ = ["ROUND_STAGES", "bracket_rounds", "stage_of_round"]

ROUND_STAGES = {
    "playoffs": "knockout_playoff", "knockout round play-offs": "knockout_playoff",
    "knockout play-offs": "knockout_playoff", "round of 32": "round_of_32", "round of 16": "round_of_16",
    "quarterfinals": "quarterfinals", "quarter-finals": "quarterfinals", "semifinals": "semifinals",
    "semi-finals": "semifinals", "final": "final",
}  # fmt: skip
"""The store's round names (openfootball, engsoccerdata) and the stage each one is."""
_ORDER = ("knockout_playoff", "round_of_32", "round_of_16", "quarterfinals", "semifinals", "final")


def stage_of_round(name: str) -> str:
    """The stage a stored knockout round is (``"Quarterfinals"`` -> ``quarterfinals``)."""
    stage = ROUND_STAGES.get(name.strip().casefold())
    if stage is None:
        raise DataError(f"round {name!r} is not a knockout round remontada knows ({', '.join(ROUND_STAGES)})")
    return stage


def _drawn(competition: str, season: str) -> list[dict[str, str]]:
    with (BUILTIN / "brackets.csv").open(newline="", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["competition"] == competition and r["season"] == season]


def bracket_rounds(
    competition: str,
    season: str,
    current: str,
    pairs: Sequence[tuple[str, str]],
    rules: Rules,
    same: Callable[[str, str], bool],
) -> Format:
    """A knockout-only format from the round under way (``pairs``, entrants in order) to the final.

    ``same(a, b)`` says whether two spellings are one team (the store's identity).
    """
    stage = stage_of_round(current)
    ids = [f"T{i + 1}" for i in range(len(pairs))]
    ties = [Tie(ids[i], _place(2 * i + 1), _place(2 * i + 2)) for i in range(len(pairs))]
    rounds = [Round(stage, rules, tuple(ties))]
    facts = _drawn(competition, season)
    winners = [Slot(f"W{t}", "winner", tie=t) for t in ids]
    for later in _ORDER[_ORDER.index(stage) + 1 :]:
        later_rules = SINGLE_MATCH if later == "final" else rules
        rows = [r for r in facts if r["stage"] == later]
        if rows:
            fixed = tuple(
                Tie(r["tie"], _winner(r["home"], ids, pairs, same), _winner(r["away"], ids, pairs, same)) for r in rows
            )
            rounds.append(Round(later, later_rules, fixed))
            winners = [Slot(f"W{t.id}", "winner", tie=t.id) for t in fixed]
        else:
            number = len(rounds)
            drawn = tuple(
                Tie(f"R{number}.{i + 1}", winners[2 * i], winners[2 * i + 1]) for i in range(len(winners) // 2)
            )
            rounds.append(Round(later, later_rules, drawn, Draw(None, tuple(winners), ())))
            winners = [Slot(f"W{t.id}", "winner", tie=t.id) for t in drawn]
        if len(winners) == 1:
            break
    if len(winners) != 1:
        raise DataError(f"{competition} {season}: {len(pairs)} ties in the {current} do not lead to one final")
    source = "; ".join(dict.fromkeys(r["source"] for r in facts if r["source"] != "same draw"))
    title = f"{competition} {season} from the {current.lower()}"
    return Format(f"{competition}-{season}", title, source or "open draws", False, None, None, None, tuple(rounds))


def _place(n: int) -> Slot:
    return Slot(str(n), "position", position=n)


def _winner(text: str, ids: Sequence[str], pairs: Sequence[tuple[str, str]], same: Callable[[str, str], bool]) -> Slot:
    """``W:Team`` (the winner of that team's tie under way) or ``W:ID`` (of tie ``ID``) as a slot."""
    ref = text.removeprefix("W:")
    for tie, (a, b) in zip(ids, pairs, strict=True):
        if same(ref, a) or same(ref, b):
            return Slot(f"W{tie}", "winner", tie=tie)
    return Slot(f"W{ref}", "winner", tie=ref)
