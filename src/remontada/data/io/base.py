"""The shape every importer shares: canonical tables, their schema, and validation.

An importer turns one file into a :class:`ParsedFile`: a few pandas tables in one
canonical layout that knows nothing of the source format. Team names are still the
source's own spellings here; the store resolves them to team ids.

Importers implement :meth:`Importer._parse`; the public :meth:`Importer.parse`
checks every table against its declared schema (types, ranges, vocabularies) before
a row can reach the store, and moves each failing row, with its file line, raw text
and the reasons, to ``rejects``. Nothing is dropped silently.
"""

from __future__ import annotations

import codecs
import csv
import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from remontada.errors import DataError

__all__ = [
    "FIRST_DATE",
    "LAST_DATE",
    "GOALS",
    "MATCHES",
    "ODDS",
    "REJECTS",
    "SHOOTOUTS",
    "ALIASES",
    "FIXTURES",
    "Column",
    "Importer",
    "ParsedFile",
    "Table",
    "NEGATIVE_SCORE",
    "MATCH_STATISTICS",
    "MAX_COUNT",
    "decode",
    "nul_line",
    "read_csv_rows",
    "plausible_dates",
    "read_text",
]

MAX_GOALS = 40
"""No senior match on record has more than 36 goals for one side (Arbroath 36-0, 1885)."""
MATCH_STATISTICS = (
    "home_shots", "away_shots", "home_shots_on_target", "away_shots_on_target",
    "home_corners", "away_corners", "home_yellow", "away_yellow",
)  # fmt: skip
"""Per-match counts a source may give, each side's: shots, shots on target, corners, yellow cards."""
MAX_COUNT = 100
"""More than this many shots, corners or cards for one side in one match is damage, not football (the most
shots on record in a big-5 match are in the forties)."""

NEGATIVE_SCORE = re.compile(r"(?:^|[\s(,])-\s*\d|\d\s*-\s*-\s*\d")
"""A score written with a negative count (``-1-0``, ``2--1``): readers name it as such."""


@dataclass(frozen=True)
class Column:
    """One column of a canonical table.

    ``kind`` is one of ``int``, ``float``, ``str``, ``bool``, ``date``. ``required``
    columns may not be missing; ``check`` returns a boolean mask of valid values
    (missing values are not passed to it); ``allowed`` restricts a ``str`` column
    to a vocabulary. ``negative``, if given, is the reason for a value below zero
    (e.g. ``negative goals``), more telling than ``check_text`` for that case.
    """

    name: str
    kind: str
    required: bool = False
    check: Callable[[pd.Series], pd.Series] | None = None
    check_text: str = ""
    allowed: frozenset[str] | None = None
    negative: str = ""


@dataclass(frozen=True)
class Table:
    """A canonical table: its name and columns."""

    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        """The column names in order."""
        return [c.name for c in self.columns]

    def empty(self) -> pd.DataFrame:
        """An empty frame with this table's columns."""
        return _empty_frame(self.columns).copy()


@functools.cache
def _empty_frame(columns: tuple[Column, ...]) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=_DTYPES[c.kind]) for c in columns})


_DTYPES = {"int": "Int64", "float": "Float64", "str": "object", "bool": "boolean", "date": "datetime64[s]"}


def _between(lo: float, hi: float) -> Callable[[pd.Series], pd.Series]:
    return lambda s: (s >= lo) & (s <= hi)


def _goals(name: str, required: bool = False) -> Column:
    return Column(
        name, "int", required, _between(0, MAX_GOALS), f"a goal count 0..{MAX_GOALS}", negative="negative goals"
    )


FIRST_DATE, LAST_DATE = pd.Timestamp("1850-01-01"), pd.Timestamp("2100-01-01")
"""The dates a football result can have: anything outside is damage (a year 0 parses, and breaks date arithmetic)."""
_DATE_OK = Column(
    "date",
    "date",
    True,
    _between(FIRST_DATE, LAST_DATE),  # type: ignore[arg-type]
    "a date between 1850 and 2100",
)


def plausible_dates(dates: pd.Series) -> pd.Series:
    """Parsed dates with those outside 1850-2100 made missing, so that they are rejected as not dates."""
    return dates.where((dates >= FIRST_DATE) & (dates < LAST_DATE))


_LINE = Column("line", "int", True)
_KICKOFF = Column("kickoff", "str", check=lambda s: s.str.fullmatch(r"[0-2]\d:[0-5]\d"), check_text="HH:MM")
_GROUP = Column("group", "str", check=lambda s: s.str.fullmatch(r"[A-Z]"), check_text="a group letter A..Z")
_RAW = Column("raw", "str", True)
_TEAM_KINDS = frozenset({"club", "national"})

MATCHES = Table(
    "matches",
    (
        _LINE,
        _RAW,
        _DATE_OK,
        _KICKOFF,
        Column("competition", "str", True),
        Column("season", "str", True),
        Column("round", "str"),
        _GROUP,
        Column("knockout", "bool", True),
        Column("leg", "str", allowed=frozenset({"1", "2", "replay", "replay2", "replay3", "replay4", "replay5"})),
        Column("tie_key", "str"),
        Column("team_kind", "str", True, allowed=_TEAM_KINDS),
        Column("home", "str", True),
        Column("away", "str", True),
        Column("home_country", "str"),
        Column("away_country", "str"),
        Column("neutral", "bool", True),
        _goals("home_goals", True),
        _goals("away_goals", True),
        _goals("ht_home_goals"),
        _goals("ht_away_goals"),
        _goals("et_home_goals"),
        _goals("et_away_goals"),
        _goals("pen_home"),
        _goals("pen_away"),
        Column("home_red", "int", check=_between(0, 7), check_text="0..7 red cards"),
        Column("away_red", "int", check=_between(0, 7), check_text="0..7 red cards"),
        *(
            Column(name, "int", check=_between(0, MAX_COUNT), check_text=f"a count 0..{MAX_COUNT}")
            for name in MATCH_STATISTICS
        ),
        Column("score_includes_et", "bool", True),
        Column("tie_winner", "str"),
        Column("decided_note", "str"),
    ),
)
"""One row per match. Scores: ``home_goals``/``away_goals`` after 90 minutes (unless
``score_includes_et``, when the source only gives the final score), ``ht_*`` at half
time, ``et_*`` after extra time (cumulative, including the 90 minutes), ``pen_*`` the
shootout. ``tie_key`` groups the legs (and replays) of one knockout tie within a
file; ``tie_winner``/``decided_note`` carry what the source says about the tie.
``group`` is the letter of a group-stage match's group, when the source gives it."""

FIXTURES = Table(
    "fixtures",
    (
        _LINE,
        _RAW,
        _DATE_OK,
        _KICKOFF,
        Column("competition", "str", True),
        Column("season", "str", True),
        Column("round", "str"),
        _GROUP,
        Column("knockout", "bool", True),
        Column("leg", "int", check=_between(1, 2), check_text="leg 1 or 2"),
        Column("team_kind", "str", True, allowed=_TEAM_KINDS),
        Column("home", "str", True),
        Column("away", "str", True),
        Column("home_country", "str"),
        Column("away_country", "str"),
        Column("neutral", "bool", True),
    ),
)
"""One row per match not played yet (a fixture): who meets whom, when, in which round
and group. ``leg`` is 1 or 2 for a leg of a two-legged tie, else missing. The store
drops a fixture when its result is imported."""

GOALS = Table(
    "goals",
    (
        _LINE,
        _RAW,
        _DATE_OK,
        Column("home", "str", True),
        Column("away", "str", True),
        Column("team", "str", True),
        Column("scorer", "str"),
        Column("minute", "int", True, _between(0, 130), "a minute 0..130"),
        Column("stoppage", "int", check=_between(0, 30), check_text="0..30 stoppage minutes"),
        Column("minute_raw", "str", True),
        Column("penalty", "bool", True),
        Column("own_goal", "bool", True),
    ),
)
"""One row per goal, tied to its match by date and the two teams' names. ``team`` is
the side credited with the goal (for an own goal, the side that benefits)."""

SHOOTOUTS = Table(
    "shootouts",
    (
        _LINE,
        _RAW,
        _DATE_OK,
        Column("home", "str", True),
        Column("away", "str", True),
        Column("winner", "str", True),
        Column("first_shooter", "str"),
    ),
)
"""Shootouts reported apart from their match (internationals' shootouts.csv)."""

ODDS = Table(
    "odds",
    (
        _LINE,
        Column("column", "str", True),
        Column("bookmaker", "str", True),
        Column("market", "str", True, allowed=frozenset({"1x2", "over_under", "asian_handicap"})),
        Column("selection", "str", True, allowed=frozenset({"home", "draw", "away", "over", "under"})),
        Column("point", "float"),
        Column("timing", "str", True, allowed=frozenset({"opening", "closing"})),
        Column("price", "float", True, lambda s: (s > 1.0) & (s < 10_000), "a decimal price above 1.0"),
    ),
)
"""Bookmaker prices, one row per match line and column, tied to the match (or the
fixture, a match not played yet) on the same line of the same file. ``point`` is the
goal line (over/under) or the home handicap."""

ALIASES = Table(
    "aliases",
    (
        _LINE,
        _RAW,
        Column("team_kind", "str", True, allowed=_TEAM_KINDS),
        Column("name", "str", True),
        Column("alias", "str", True),
        Column("country", "str"),
    ),
)
"""Other names a source says a team has had (internationals' former_names.csv)."""

REJECTS = Table("rejects", (_LINE, _RAW, Column("reason", "str", True)))
"""Rows that could not be used, with the reason."""


@dataclass
class ParsedFile:
    """What one file holds, in canonical tables (see the module docstring)."""

    path: Path
    format: str
    matches: pd.DataFrame = field(default_factory=MATCHES.empty)
    goals: pd.DataFrame = field(default_factory=GOALS.empty)
    shootouts: pd.DataFrame = field(default_factory=SHOOTOUTS.empty)
    odds: pd.DataFrame = field(default_factory=ODDS.empty)
    aliases: pd.DataFrame = field(default_factory=ALIASES.empty)
    fixtures: pd.DataFrame = field(default_factory=FIXTURES.empty)
    rejects: pd.DataFrame = field(default_factory=REJECTS.empty)

    def tables(self) -> list[tuple[Table, str]]:
        """The canonical tables with their attribute names, rejects excluded."""
        return [
            (MATCHES, "matches"),
            (GOALS, "goals"),
            (SHOOTOUTS, "shootouts"),
            (ODDS, "odds"),
            (ALIASES, "aliases"),
            (FIXTURES, "fixtures"),
        ]


class Importer(ABC):
    """One source format.

    Subclasses set ``name``/``description`` and implement :meth:`sniff` and
    :meth:`_parse`; callers use :meth:`parse`.
    """

    name: ClassVar[str]
    description: ClassVar[str]

    @abstractmethod
    def sniff(self, path: Path, head: str) -> bool:
        """Whether ``path`` looks like this format; ``head`` is its first few KB."""

    @abstractmethod
    def _parse(self, path: Path) -> ParsedFile:
        """Read ``path`` into canonical tables; rows it cannot read go to rejects."""

    def parse(self, path: Path) -> ParsedFile:
        """Read ``path`` and validate every canonical table against its schema.

        Rows that fail validation move to ``rejects`` with their reasons; a match
        that is rejected takes its odds rows with it (they would have no match); a
        fixture's prices (a line without a score) stay with the fixture.
        """
        parsed = self._parse(path)
        rejected: list[pd.DataFrame] = [parsed.rejects]
        for table, attr in parsed.tables():
            good, bad = validate(getattr(parsed, attr), table)
            setattr(parsed, attr, good)
            if len(bad):
                rejected.append(bad)
        kept_lines = set(parsed.matches["line"].tolist()) | set(parsed.fixtures["line"].tolist())
        if len(parsed.odds):
            parsed.odds = parsed.odds[parsed.odds["line"].isin(kept_lines)].reset_index(drop=True)
        parsed.rejects = _concat(rejected, REJECTS).sort_values("line", kind="stable").reset_index(drop=True)
        return parsed


def _concat(frames: Sequence[pd.DataFrame], table: Table) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return table.empty()
    return pd.concat([f[table.names] for f in frames], ignore_index=True)


def validate(df: pd.DataFrame, table: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coerce ``df`` to ``table``'s schema and split it into valid rows and rejects.

    Missing optional columns are added empty. Every check failing on a row is named
    in its reason, e.g. ``home_goals: 'x' is not an integer``.
    """
    if len(df) == 0:
        return table.empty(), REJECTS.empty()
    df = df.reset_index(drop=True).copy()
    reasons = pd.Series([""] * len(df), dtype=object)

    def fail(mask: pd.Series, text: pd.Series | str) -> None:
        rows = mask.fillna(False).astype(bool).to_numpy()
        if rows.any():
            add = text[rows] if isinstance(text, pd.Series) else text
            sep = np.where(reasons[rows] == "", "", "; ")
            reasons.loc[rows] = reasons[rows] + sep + add

    for col in table.columns:
        if col.name not in df.columns:
            if col.required:
                raise DataError(f"importer bug: table {table.name} lacks required column {col.name}")
            df[col.name] = _coerce(pd.Series([None] * len(df), dtype=object), col.kind)[0]
            continue
        raw = df[col.name]
        value, present = _coerce(raw, col.kind)
        bad_type = present & value.isna()
        fail(bad_type, col.name + ": " + raw.astype(str).map(repr) + f" is not {_KIND_TEXT[col.kind]}")
        if col.required:
            fail(~present, f"{col.name}: missing")
        if col.kind == "str":
            fail(value.str.contains("\x00", regex=False), f"{col.name}: a NUL byte (\\x00) in the text")
        ok = value.notna()
        if col.check is not None and ok.any():
            good = pd.Series(False, index=df.index)
            good[ok] = col.check(value[ok]).fillna(False).astype(bool)
            below = ok & (value < 0).fillna(False).astype(bool) if col.negative else pd.Series(False, index=df.index)
            fail(ok & ~good & below, col.name + ": " + raw.astype(str).map(repr) + f": {col.negative}")
            fail(ok & ~good & ~below, col.name + ": " + raw.astype(str).map(repr) + f" is not {col.check_text}")
        if col.allowed is not None and ok.any():
            fail(ok & ~value.isin(col.allowed), f"{col.name}: not one of {sorted(col.allowed)}")
        df[col.name] = value
    bad = reasons != ""
    if not bad.any():
        return df[table.names], REJECTS.empty()
    if "raw" in df.columns:
        raw_text = df.loc[bad, "raw"]
    else:  # a table without the source text: show the row's values instead
        raw_text = df.loc[bad, table.names].astype("string").fillna("").agg(",".join, axis=1)
    rejects = pd.DataFrame({"line": df.loc[bad, "line"].astype("Int64"), "raw": raw_text, "reason": reasons[bad]})
    return df.loc[~bad, table.names].reset_index(drop=True), rejects.reset_index(drop=True)


_KIND_TEXT = {"int": "an integer", "float": "a number", "str": "text", "bool": "true/false", "date": "a date"}
_TRUE = {"true", "yes", "1", "t", "y"}
_FALSE = {"false", "no", "0", "f", "n"}


_BLANK = ["", "NA", "na", "N/A", "n/a"]


def _clean(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Strip text cells and say which values are there (not NA, empty or ``'NA'``)."""
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        stripped = s.astype(object).str.strip()
        text = stripped.where(stripped.notna(), s.astype(object))  # keep non-text values as they were
        return text, text.notna() & ~text.isin(_BLANK)
    return s, s.notna()


def _coerce(s: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Convert a column to ``kind``; returns the values and which cells held something."""
    text, present = _clean(s)
    if kind == "str":
        return text.where(present, None).astype(object), present
    if kind == "int":
        num = pd.to_numeric(text.where(present), errors="coerce")
        whole = num.notna() & (num == np.floor(num))
        return num.where(whole).astype("Float64").astype("Int64"), present
    if kind == "float":
        return pd.to_numeric(text.where(present), errors="coerce").astype("Float64"), present
    if kind == "bool":
        if pd.api.types.is_bool_dtype(s):
            return s.astype("boolean"), present
        low = text.where(present).astype("string").str.lower()
        out = pd.Series(pd.NA, index=s.index, dtype="boolean")
        out[low.isin(_TRUE).fillna(False)] = True
        out[low.isin(_FALSE).fillna(False)] = False
        return out, present
    if kind == "date":
        if pd.api.types.is_datetime64_any_dtype(s):
            return s.astype("datetime64[s]"), present
        parsed = pd.to_datetime(text.where(present), errors="coerce", format="ISO8601").astype("datetime64[s]")
        return plausible_dates(parsed), present
    raise ValueError(kind)


def read_text(path: Path) -> str:
    """A text file's contents (see :func:`decode`), with CRLF and CR turned into LF."""
    return decode(path.read_bytes(), path).replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes, path: Path, *, partial: bool = False) -> str:
    """Decode a text file: UTF-16, else UTF-8 (with or without BOM), else Latin-1.

    UTF-16 is read with a byte-order mark, or plainly so without one. ``partial``
    is for the first few KB of a file, which may end inside a character. A UTF-16
    file that is not valid UTF-16 is a :class:`DataError` saying so.
    """
    encoding = _utf16(data)
    if encoding is not None:
        try:
            return data.decode(encoding, errors="replace" if partial else "strict").lstrip("\ufeff")
        except UnicodeDecodeError as exc:
            raise DataError(
                f"{path}: UTF-16 encoded, but byte {exc.start} is not valid UTF-16; save the file as UTF-8"
            ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(data) - 3:  # cut inside the last character
            return data[: exc.start].decode("utf-8-sig")
        return data.decode("latin-1")


def _utf16(data: bytes) -> str | None:
    """``utf-16`` for a UTF-16 byte-order mark; ``utf-16-le``/``-be`` for UTF-16 text without one.

    Without a mark, UTF-16 is recognised by the zero high byte of ASCII characters:
    the first character is ASCII, and most of the first few hundred odd
    (little-endian) or even (big-endian) bytes are NUL.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:512]
    if len(sample) < 4:
        return None
    for zeros, first, encoding in ((sample[1::2], sample[0], "utf-16-le"), (sample[0::2], sample[1], "utf-16-be")):
        if first != 0 and zeros[0] == 0 and zeros.count(0) > 0.9 * len(zeros):
            return encoding
    return None


def nul_line(text: str) -> int | None:
    """The 1-based line of the first NUL character in ``text``, or ``None``."""
    at = text.find("\x00")
    return None if at < 0 else text.count("\n", 0, at) + 1


def read_csv_rows(path: Path) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    """Read a CSV file as text cells, keeping each row's line number and raw text.

    Returns ``(header, rows, rejects)``: ``rows`` has the header's columns (as
    strings, ``''`` for empty) plus ``line`` (1-based, the header is line 1) and
    ``raw``; rows with the wrong number of cells are rejects, not errors. Blank
    lines are skipped. Trailing empty cells beyond the header (common in
    football-data.co.uk files) are ignored.
    """
    lines = read_text(path).split("\n")
    if not lines or not lines[0].strip():
        raise DataError(f"{path}: empty file or no header line")
    try:
        header = [h.strip() for h in next(csv.reader([lines[0]]))]
    except csv.Error as exc:
        raise DataError(f"{path}: line 1: the header cannot be read as CSV ({exc})") from exc
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    good: list[list[str]] = []
    line_nos: list[int] = []
    raws: list[str] = []
    rejects: list[tuple[int, str, str]] = []
    for number, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        cells, problem = _cells(text)
        if problem:
            rejects.append((number, _shorten(text), problem))
            continue
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]
        if len(cells) != width:
            rejects.append((number, text, f"wrong number of columns: {len(cells)} instead of {width}"))
            continue
        good.append(cells)
        line_nos.append(number)
        raws.append(text)
    rows = pd.DataFrame(good, columns=header) if good else pd.DataFrame(columns=header)
    rows["line"] = line_nos
    rows["raw"] = raws
    rej = pd.DataFrame(rejects, columns=["line", "raw", "reason"]) if rejects else REJECTS.empty()
    return header, rows, rej


_RAW_LIMIT = 1000
"""Characters of a rejected line's text kept in ``rejects.raw`` when the line is absurdly long."""


def _cells(text: str) -> tuple[list[str], str]:
    """One CSV line's cells, or a reason it cannot be read (a NUL byte, a field over the csv limit)."""
    if "\x00" in text:
        return [], "a NUL byte (\\x00) in the line: the file is damaged or partly binary"
    try:
        return next(csv.reader([text])), ""
    except csv.Error as exc:
        return [], f"cannot be read as CSV: {exc}"


def _shorten(text: str) -> str:
    """A line's text, cut to :data:`_RAW_LIMIT` characters (a 10 MB field is not worth storing)."""
    return text if len(text) <= _RAW_LIMIT else text[:_RAW_LIMIT] + f"… ({len(text)} characters)"
