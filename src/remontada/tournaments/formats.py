"""Competition formats as data: TOML files read into checked, frozen objects.

A format says how a competition's teams are grouped, how a table is ranked, who goes
through and how the knockout bracket is filled (the keys are documented in
``docs/tournament-formats.md``). The built-in ones live in ``builtin/`` beside this
module; a user may pass a path to their own. A file that does not validate raises a
:class:`FormatError` naming the file and the key, before anything is simulated.
"""

from __future__ import annotations

import csv
import itertools
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from remontada.data.rules import Rules, parse_rules
from remontada.errors import DataError

__all__ = [
    "BUILTIN",
    "OVERALL",
    "HEAD_TO_HEAD",
    "Band",
    "Criteria",
    "Draw",
    "Format",
    "FormatError",
    "Groups",
    "League",
    "Round",
    "Slot",
    "Thirds",
    "Tie",
    "builtin_formats",
    "load_format",
]

BUILTIN = Path(__file__).with_name("builtin")

OVERALL = (
    "goal_difference", "goals", "wins", "away_goals", "away_wins",
    "opponents_points", "opponents_goal_difference", "opponents_goals",
)  # fmt: skip
"""Criteria taken over all of a team's matches in the table."""
HEAD_TO_HEAD = ("h2h_points", "h2h_goal_difference", "h2h_goals", "h2h_away_goals")
"""Criteria taken over the matches among the teams still level."""
REAPPLY = "reapply"
STAGES = (
    "top_8", "knockout_playoff", "round_of_32", "round_of_16", "quarterfinals", "semifinals", "final", "winner",
)  # fmt: skip
"""The knockout stages of DESIGN.md, in order; a format has only its own."""


class FormatError(DataError):
    """A format file that does not validate: the message names the file and the key."""


@dataclass(frozen=True)
class Criteria:
    """How teams level on points are separated, in order.

    Each entry is one overall criterion, or a list of head-to-head criteria taken
    together on the matches among the level teams; ``reapply[i]`` says a smaller set
    still level after entry ``i`` goes through it again on its own matches. ``lots``
    is what a drawing of lots stands for (criteria the data cannot decide).
    """

    entries: tuple[tuple[str, ...], ...]
    reapply: tuple[bool, ...]
    lots: str

    @property
    def uses_head_to_head(self) -> bool:
        """Whether any entry compares the level teams' matches among themselves."""
        return any(e[0] in HEAD_TO_HEAD for e in self.entries)


@dataclass(frozen=True)
class Band:
    """A named run of table positions, 1-based and inclusive (``top_8`` = 1..8)."""

    name: str
    first: int
    last: int


@dataclass(frozen=True)
class Groups:
    """A group stage: round robins of ``size`` teams played in parallel."""

    names: tuple[str, ...]
    size: int
    meetings: int
    points: tuple[int, int, int]
    criteria: Criteria


@dataclass(frozen=True)
class Thirds:
    """The best third-placed teams across the groups, and which slot each one fills.

    ``table`` maps the qualified groups (letters in order, ``"ABCD"``) to the group
    whose third fills each ``3[...]`` slot, keyed by the team that slot meets (``"1B"``).
    """

    count: int
    criteria: Criteria
    table: Mapping[str, Mapping[str, str]]
    table_file: str


@dataclass(frozen=True)
class League:
    """One table: a domestic round robin, or a league phase on given fixtures (``meetings`` 0)."""

    size: int
    meetings: int
    points: tuple[int, int, int]
    criteria: Criteria
    stages: tuple[Band, ...]
    zones: tuple[Band, ...]


@dataclass(frozen=True)
class Slot:
    """Who fills one side of a knockout tie (see the module's slot grammar)."""

    text: str
    kind: str  # "group" (1A), "third" (3[ADEF]), "position" (9), "drawn" (7/8), "winner" (W37), "loser" (L37)
    position: int = 0
    group: str = ""
    choices: tuple[str, ...] = ()
    tie: str = ""
    positions: tuple[int, ...] = ()


@dataclass(frozen=True)
class Tie:
    """A knockout tie: ``home`` at home first (in two legs, ``away`` hosts the second leg)."""

    id: str
    home: Slot
    away: Slot


@dataclass(frozen=True)
class Draw:
    """A round drawn afresh in each simulation.

    With ``pots`` (two of equal size) each team of the first meets one of the second,
    uniformly among the pairings that respect ``avoid`` (``group``, ``association``);
    with ``open`` the slots are paired at random.
    """

    pots: tuple[tuple[Slot, ...], tuple[Slot, ...]] | None
    open: tuple[Slot, ...] | None
    avoid: tuple[str, ...]

    @property
    def slots(self) -> tuple[Slot, ...]:
        """Every slot the draw takes from, first pot first."""
        return self.pots[0] + self.pots[1] if self.pots else self.open or ()


@dataclass(frozen=True)
class Round:
    """A knockout round: the stage its teams have reached, its rules, and its ties or draw."""

    stage: str
    rules: Rules
    ties: tuple[Tie, ...]
    draw: Draw | None = None

    @property
    def size(self) -> int:
        """How many ties the round has."""
        return len(self.ties)


@dataclass(frozen=True)
class Format:
    """A whole competition's format (see ``docs/tournament-formats.md``)."""

    name: str
    title: str
    source: str
    neutral: bool
    groups: Groups | None
    thirds: Thirds | None
    league: League | None
    rounds: tuple[Round, ...]
    path: str = field(default="", compare=False)

    @property
    def stages(self) -> tuple[str, ...]:
        """The stages a team can reach, in order: the league's bands, each round's, then ``winner``."""
        out: list[str] = []
        if self.league is not None:
            out += [band.name for band in self.league.stages]
        out += [r.stage for r in self.rounds]
        if self.rounds:
            out.append("winner")
        return tuple(dict.fromkeys(out))

    @property
    def teams(self) -> int | None:
        """How many teams the format takes (None: a knockout only, sized by its first round)."""
        if self.groups is not None:
            return len(self.groups.names) * self.groups.size
        if self.league is not None:
            return self.league.size
        return 2 * self.rounds[0].size if self.rounds else None


# -- loading --------------------------------------------------------------------------


def builtin_formats() -> dict[str, Format]:
    """Every built-in format, by name."""
    return {path.stem: load_format(path.stem) for path in sorted(BUILTIN.glob("*.toml"))}


@cache
def _load_builtin(name: str) -> Format:
    return _read(BUILTIN / f"{name}.toml")


def load_format(name_or_path: str | Path) -> Format:
    """A built-in format by name (``euro-24``), or a format file by path."""
    text = str(name_or_path)
    if (BUILTIN / f"{text}.toml").is_file() and "/" not in text:
        return _load_builtin(text)
    path = Path(text)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise FormatError(f"format file {text!r} does not exist")
        return _read(path)
    known = ", ".join(sorted(p.stem for p in BUILTIN.glob("*.toml")))
    raise FormatError(f"unknown format {text!r}; known formats: {known} (or give a .toml file)")


def _read(path: Path) -> Format:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"{path}: cannot be read ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(f"{path}: not valid TOML ({exc})") from exc
    return _Reader(path).format(data)


_GROUP_SLOT = re.compile(r"([1-9][0-9]?)([A-Z])")
_THIRD_SLOT = re.compile(r"3\[([A-Z]+)\]")
_POSITION_SLOT = re.compile(r"([1-9][0-9]*)")
_DRAWN_SLOT = re.compile(r"([1-9][0-9]*(?:/[1-9][0-9]*)+)")
_TIE_SLOT = re.compile(r"([WL])([A-Za-z0-9_]+)")
_TIE = re.compile(r"\s*([A-Za-z0-9_]+)\s*:\s*(\S+)\s+v\s+(\S+)\s*")


class _Reader:
    """Reads one format file, naming the key of anything that is wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> FormatError:
        return FormatError(f"{self.path.name}: {key}: {message}")

    def get(
        self, table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str, default: Any = ...
    ) -> Any:
        if key not in table:
            if default is ...:
                raise self.fail(f"{where}{key}", "is missing")
            return default
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(f"{where}{key}", f"should be {names}, not {value!r}")
        return value

    def format(self, data: Mapping[str, Any]) -> Format:
        known = {"name", "title", "source", "neutral", "groups", "thirds", "league", "rounds"}
        for key in data:
            if key not in known:
                raise self.fail(key, f"is not a format key (known: {', '.join(sorted(known))})")
        name = self.get(data, "name", str, "")
        groups = self.groups(self.get(data, "groups", dict, "")) if "groups" in data else None
        league = self.league(self.get(data, "league", dict, "")) if "league" in data else None
        if groups is not None and league is not None:
            raise self.fail("league", "a format has groups or a league, not both")
        thirds = None
        if "thirds" in data:
            if groups is None:
                raise self.fail("thirds", "needs groups")
            thirds = self.thirds(self.get(data, "thirds", dict, ""), groups)
        rounds = self.rounds(self.get(data, "rounds", list, "", []), groups, thirds, league)
        if groups is None and league is None and not rounds:
            raise self.fail("rounds", "a format needs groups, a league or knockout rounds")
        if thirds is not None:
            self.check_thirds(thirds, rounds)
        return Format(
            name, self.get(data, "title", str, "", name), self.get(data, "source", str, "", ""),
            self.get(data, "neutral", bool, "", False), groups, thirds, league, rounds, str(self.path),
        )  # fmt: skip

    def points(self, table: Mapping[str, Any], where: str) -> tuple[int, int, int]:
        points = self.get(table, "points", list, where, [3, 1, 0])
        if len(points) != 3 or not all(isinstance(p, int) and not isinstance(p, bool) for p in points):
            raise self.fail(f"{where}points", f"should be [win, draw, loss] whole numbers, not {points!r}")
        if not points[0] >= points[1] >= points[2]:
            raise self.fail(f"{where}points", "a win must be worth at least a draw, a draw at least a loss")
        return (points[0], points[1], points[2])

    def criteria(self, table: Mapping[str, Any], where: str, *, head_to_head: bool = True) -> Criteria:
        raw = self.get(table, "criteria", list, where, [])
        entries: list[tuple[str, ...]] = [("points",)]
        reapply: list[bool] = [False]
        for i, item in enumerate(raw):
            key = f"{where}criteria[{i}]"
            if isinstance(item, str):
                if item not in OVERALL:
                    hint = " (head-to-head criteria go in a list)" if item in HEAD_TO_HEAD else ""
                    raise self.fail(key, f"{item!r} is not a criterion{hint}; known: {', '.join(OVERALL)}")
                entries.append((item,))
                reapply.append(False)
                continue
            if not isinstance(item, list) or not item or not all(isinstance(c, str) for c in item):
                raise self.fail(key, "should be a criterion or a list of head-to-head criteria")
            again = item[-1] == REAPPLY
            names = item[:-1] if again else item
            bad = [c for c in names if c not in HEAD_TO_HEAD]
            if bad or not names:
                raise self.fail(key, f"{bad[0] if bad else REAPPLY!r} is not a head-to-head criterion; "
                                     f"known: {', '.join(HEAD_TO_HEAD)}, then optionally {REAPPLY!r}")  # fmt: skip
            if not head_to_head:
                raise self.fail(key, "teams from different groups have no head-to-head matches")
            entries.append(tuple(names))
            reapply.append(again)
        lots = self.get(table, "lots", str, where, "drawing of lots")
        return Criteria(tuple(entries), tuple(reapply), lots)

    def groups(self, table: Mapping[str, Any]) -> Groups:
        names = self.get(table, "names", list, "groups.")
        if not names or not all(isinstance(n, str) and re.fullmatch("[A-Z]", n) for n in names):
            raise self.fail("groups.names", "should be a list of capital letters")
        if len(set(names)) != len(names):
            raise self.fail("groups.names", "names a group twice")
        size = self.get(table, "size", int, "groups.")
        meetings = self.get(table, "meetings", int, "groups.", 1)
        if size < 2:
            raise self.fail("groups.size", "a group needs at least 2 teams")
        if meetings not in (1, 2):
            raise self.fail("groups.meetings", "should be 1 (once) or 2 (home and away)")
        return Groups(tuple(names), size, meetings, self.points(table, "groups."), self.criteria(table, "groups."))

    def thirds(self, table: Mapping[str, Any], groups: Groups) -> Thirds:
        count = self.get(table, "count", int, "thirds.")
        if not 0 < count <= len(groups.names):
            raise self.fail("thirds.count", f"should be between 1 and {len(groups.names)}")
        if groups.size < 3:
            raise self.fail("thirds", "groups of fewer than 3 teams have no third place")
        criteria = self.criteria(table, "thirds.", head_to_head=False)
        file = self.get(table, "table", str, "thirds.")
        path = (self.path.parent / file).resolve()
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as exc:
            raise self.fail("thirds.table", f"cannot read {file!r} ({exc.strerror or exc})") from exc
        parsed: dict[str, dict[str, str]] = {}
        for line, row in enumerate(rows, start=2):
            qualified = (row.pop("qualified", None) or "").strip()
            where = f"thirds.table ({file}, line {line})"
            if "".join(sorted(qualified)) != qualified or len(set(qualified)) != count:
                raise self.fail(where, f"'qualified' should be {count} group letters in order, not {qualified!r}")
            if not set(qualified) <= set(groups.names):
                raise self.fail(where, f"{qualified!r} names a group the format does not have")
            if qualified in parsed:
                raise self.fail(where, f"{qualified!r} appears twice")
            cells = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
            if sorted(cells.values()) != sorted(qualified):
                raise self.fail(where, f"the slots should take each of {qualified} once, not {cells}")
            parsed[qualified] = cells
        expected = {"".join(c) for c in itertools.combinations(groups.names, count)}
        if set(parsed) != expected:
            missing = sorted(expected - set(parsed))
            raise self.fail("thirds.table", f"{file} lacks {len(missing)} combination(s), e.g. {missing[:3]}")
        return Thirds(count, criteria, parsed, file)

    def league(self, table: Mapping[str, Any]) -> League:
        size = self.get(table, "size", int, "league.")
        meetings = self.get(table, "meetings", int, "league.", 2)
        if size < 2:
            raise self.fail("league.size", "a league needs at least 2 teams")
        if meetings not in (0, 1, 2):
            raise self.fail("league.meetings", "should be 0 (fixtures given), 1 or 2")
        bands = {key: self.bands(table, key, size) for key in ("stages", "zones")}
        return League(
            size, meetings, self.points(table, "league."), self.criteria(table, "league."),
            bands["stages"], bands["zones"],
        )  # fmt: skip

    def bands(self, table: Mapping[str, Any], key: str, size: int) -> tuple[Band, ...]:
        out = []
        for i, item in enumerate(self.get(table, key, list, "league.", [])):
            where = f"league.{key}[{i}]"
            if not isinstance(item, dict):
                raise self.fail(where, "should be { name = ..., positions = [first, last] }")
            name = self.get(item, "name", str, f"{where}.")
            first, last = (self.get(item, "positions", list, f"{where}.") + [None, None])[:2]
            if not (isinstance(first, int) and isinstance(last, int) and 1 <= first <= last <= size):
                raise self.fail(f"{where}.positions", f"should be [first, last] within 1..{size}")
            out.append(Band(name, first, last))
        return tuple(out)

    def rounds(
        self, raw: Sequence[Any], groups: Groups | None, thirds: Thirds | None, league: League | None
    ) -> tuple[Round, ...]:
        rounds: list[Round] = []
        ids: set[str] = set()
        numbered = 0
        for r, item in enumerate(raw):
            where = f"rounds[{r}]."
            if not isinstance(item, dict):
                raise self.fail(f"rounds[{r}]", "should be a table")
            stage = self.get(item, "stage", str, where)
            if stage not in STAGES or stage == "winner":
                raise self.fail(f"{where}stage", f"{stage!r} is not a round's stage; known: {', '.join(STAGES[:-1])}")
            try:
                rules = parse_rules(self.get(item, "rules", str, where))
            except ValueError as exc:
                raise self.fail(f"{where}rules", str(exc)) from exc
            if ("ties" in item) == ("draw" in item):
                raise self.fail(f"rounds[{r}]", "give either ties or a draw")
            draw = None
            if "ties" in item:
                texts = self.get(item, "ties", list, where)
                ties = [self.tie(text, f"{where}ties[{i}]") for i, text in enumerate(texts)]
            else:
                draw = self.draw(self.get(item, "draw", dict, where), f"{where}draw")
                if draw.pots is not None:  # tie i: the i-th of the first pot v the i-th of the second, before the draw
                    pairs = list(zip(*draw.pots, strict=True))
                else:
                    pairs = list(zip(draw.open[0::2], draw.open[1::2], strict=True)) if draw.open else []
                ties = [Tie(str(numbered + i + 1), home, away) for i, (home, away) in enumerate(pairs)]
            if not ties:
                raise self.fail(f"{where}ties", "a round needs at least one tie")
            for i, tie in enumerate(ties):
                if tie.id in ids:
                    raise self.fail(f"{where}ties[{i}]", f"tie {tie.id!r} is numbered twice")
                for slot in (tie.home, tie.away):
                    self.check_slot(slot, f"{where}ties[{i}]", groups, thirds, league, ids, rounds)
            ids |= {t.id for t in ties}
            numbered = max([numbered] + [int(t.id) for t in ties if t.id.isdigit()])
            rounds.append(Round(stage, rules, tuple(ties), draw))
        return tuple(rounds)

    def check_thirds(self, thirds: Thirds, rounds: Sequence[Round]) -> None:
        """Every ``3[...]`` slot is a column of the thirds table, and the table only puts allowed groups in it."""
        slots = {}
        for r, round_ in enumerate(rounds):
            for tie in round_.ties:
                for slot, other in ((tie.home, tie.away), (tie.away, tie.home)):
                    if slot.kind == "third":
                        if round_.draw is not None:
                            raise self.fail(f"rounds[{r}].draw", "third-placed slots need fixed ties")
                        slots[other.text] = slot
        columns = set(next(iter(thirds.table.values())))
        if columns != set(slots):
            raise self.fail("thirds.table", f"{thirds.table_file} has columns {sorted(columns)} but the "
                                            f"3[...] slots meet {sorted(slots)}")  # fmt: skip
        if len(slots) != thirds.count:
            raise self.fail("thirds.count", f"is {thirds.count} but the bracket has {len(slots)} 3[...] slots")
        for qualified, cells in thirds.table.items():
            for column, group in cells.items():
                if group not in slots[column].choices:
                    raise self.fail(
                        "thirds.table", f"{thirds.table_file}, row {qualified}: puts group {group} against "
                        f"{column}, whose slot is {slots[column].text}",
                    )  # fmt: skip

    def tie(self, text: Any, where: str) -> Tie:
        match = _TIE.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise self.fail(where, f"should read 'ID: HOME v AWAY' (e.g. '37: 1A v 2C'), not {text!r}")
        return Tie(match[1], self.slot(match[2], where), self.slot(match[3], where))

    def slot(self, text: Any, where: str) -> Slot:
        if not isinstance(text, str):
            raise self.fail(where, f"a slot should be text, not {text!r}")
        if m := _GROUP_SLOT.fullmatch(text):
            return Slot(text, "group", position=int(m[1]), group=m[2])
        if m := _THIRD_SLOT.fullmatch(text):
            return Slot(text, "third", position=3, choices=tuple(m[1]))
        if m := _POSITION_SLOT.fullmatch(text):
            return Slot(text, "position", position=int(m[1]))
        if m := _DRAWN_SLOT.fullmatch(text):
            return Slot(text, "drawn", positions=tuple(int(p) for p in m[1].split("/")))
        if m := _TIE_SLOT.fullmatch(text):
            return Slot(text, "winner" if m[1] == "W" else "loser", tie=m[2])
        raise self.fail(where, f"{text!r} is not a slot (1A, 3[ABC], 9, 7/8, W37 or L37)")

    def draw(self, table: Mapping[str, Any], where: str) -> Draw:
        avoid = tuple(self.get(table, "avoid", list, f"{where}.", []))
        for a in avoid:
            if a not in ("group", "association"):
                raise self.fail(f"{where}.avoid", f"{a!r}: can avoid 'group' or 'association'")
        if ("pots" in table) == ("open" in table):
            raise self.fail(where, "give either pots or open")
        if "open" in table:
            slots = tuple(self.slot(s, f"{where}.open") for s in self.get(table, "open", list, f"{where}."))
            if len(slots) < 2 or len(slots) % 2:
                raise self.fail(f"{where}.open", "an open draw needs an even number of slots")
            return Draw(None, slots, avoid)
        pots = self.get(table, "pots", list, f"{where}.")
        if len(pots) != 2 or not all(isinstance(p, list) for p in pots) or len(pots[0]) != len(pots[1]):
            raise self.fail(f"{where}.pots", "should be two lists of slots of the same length")
        first, second = (tuple(self.slot(s, f"{where}.pots") for s in pot) for pot in pots)
        groupless = [s.text for s in first + second if s.kind != "group"]
        if "group" in avoid and groupless:
            raise self.fail(f"{where}.avoid", f"'group' needs slots that name a group (1A, 2B), not {groupless[0]!r}")
        return Draw((first, second), None, avoid)

    def check_slot(
        self,
        slot: Slot,
        where: str,
        groups: Groups | None,
        thirds: Thirds | None,
        league: League | None,
        ids: set[str],
        rounds: list[Round],
    ) -> None:
        if slot.kind in ("group", "third"):
            if groups is None:
                raise self.fail(where, f"slot {slot.text!r} needs groups")
            letters = (slot.group,) if slot.kind == "group" else slot.choices
            bad = [g for g in letters if g not in groups.names]
            if bad:
                raise self.fail(where, f"slot {slot.text!r} names group {bad[0]}, not among {''.join(groups.names)}")
            if slot.kind == "group" and slot.position > groups.size:
                raise self.fail(where, f"slot {slot.text!r}: groups have {groups.size} teams")
            if slot.kind == "third" and thirds is None:
                raise self.fail(where, f"slot {slot.text!r} needs a [thirds] table")
        elif slot.kind in ("position", "drawn"):  # a place in the league, or in the entry list of a knockout
            if groups is not None:
                raise self.fail(where, f"slot {slot.text!r} names a place, but the format has groups")
            size = league.size if league is not None else None
            if size is not None and any(p > size for p in (slot.positions or (slot.position,))):
                raise self.fail(where, f"slot {slot.text!r}: the league has {size} places")
        elif slot.tie not in ids:
            raise self.fail(where, f"slot {slot.text!r} names tie {slot.tie!r}, which no earlier round has")
        elif slot.kind == "loser" and not rounds:
            raise self.fail(where, f"slot {slot.text!r} has no earlier round")
