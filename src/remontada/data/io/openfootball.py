"""Importer for openfootball's Football.TXT files (``YYYY-YY/cl.txt``, ``el.txt``, ``conf.txt``).

Football.TXT is a plain-text layout, one fact per line::

    = UEFA Europa League 2023/24                       heading: competition and season
    # Date       Thu Sep/21 2023 - Wed May/22 2024     comments; this one bounds the dates
                                                       (its first year may be left out)
    » Quarterfinals                                    round (also "Group A", "Finals, Final")
      Thu Apr/11 2024                                  date; the year may be left out
        21.00  Liverpool FC (ENG) v Atalanta (ITA)  0-3 (0-1)
               Atalanta (ITA)     v Liverpool FC (ENG)  0-1

Match lines give an optional kick-off (``21.00``, as written: UEFA's Central European
time), the home and away team, each with an optional three-letter country tag, and the
score:

- ``2-1 (1-0)``: after 90 minutes (half time); ``0-0``: no half time given (so 0-0);
- ``3-2 a.e.t. (2-2, 0-2)``: 3-2 after extra time, 2-2 after 90 minutes, 0-2 at half
  time; ``1-0 a.e.t. (0-0)``: only the 90-minute score (0-0, so half time was 0-0 too);
- ``4-2 pen. 1-1 a.e.t. (1-1, 1-1)``: shootout 4-2, then as above;
- ``[cancelled]`` or ``3-0 [awarded]``: no match was played; such lines are rejects;
- nothing (``Liverpool FC (ENG) v Atalanta (ITA)``, with or without a kick-off): a
  match not played yet, which becomes a row of ``fixtures``, with its round, group
  and leg worked out as for a played match.

A match of a group stage gets its group's letter (``group``) from its round
(``» Group C``) or, under a round that names no letter (``» Group, Matchday 3``), from
the file's group lines (``Group C | Arsenal FC  PSV  Sevilla FC  RC Lens``: both
teams in one group); without either it has none.

How the gaps are filled:

- A match line without a kick-off has the kick-off of the line above it under the same
  date line (the files list simultaneous matches under one time); directly under a
  date line it has none.
- A date without a year takes the year that puts it nearest the date above it (so a
  new group going back from December to September stays in the same year, and
  February after December moves on a year); the first date of a file without a year
  takes the first such day from the start of the ``# Date`` range, else of the season.
  A date whose weekday does not fit, or that falls outside the ``# Date`` range, is
  refused, with the matches under it.
- A round is a knockout round when its name says so (``Quarterfinals``, ``Round 2``,
  ``Play-offs``) or, whatever it is called, when its matches have a knockout round's
  shape (:func:`~remontada.data.io.rounds.knockout_shape`: every side meets one opponent,
  home and away, or once with extra time or penalties somewhere in the round); group
  and league rounds are never knockout rounds.
- In a knockout round, the two matches between the same two teams are legs ``"1"``
  and ``"2"`` of one tie (by date); a round's single match between two teams (the
  Final) has ``leg=None``, and so would three or more (none in the data). Finals are
  at a neutral venue, as are the single-match ties of UEFA competitions proper (the
  2020 "final eight" in Lisbon); all other matches are not.

Qualifying rounds and play-offs come in files of their own (``2024-25/confq.txt``,
headed ``= UEFA Conference League - Quali 2024/25``). Such a file belongs to its
parent competition (``uefa-ecl``, so that the rules of its day apply: away goals
before 2021-22); its ``Round 1`` is ``Qualifying Round 1`` and its ``Playoffs`` are
``Qualifying Playoffs`` (the competition's own file calls its February knockout
play-offs ``Playoffs``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from remontada.data.competitions import season_label
from remontada.data.io.base import FIXTURES, MATCHES, NEGATIVE_SCORE, REJECTS, Importer, ParsedFile, read_text
from remontada.data.io.rounds import Fixture, canonical_round, is_table_round, knockout_shape
from remontada.errors import DataError

__all__ = ["OpenFootballImporter"]

_COMPETITIONS = {
    "uefa champions league": "uefa-cl",
    "uefa europa league": "uefa-el",
    "uefa conference league": "uefa-ecl",
    "uefa europa conference league": "uefa-ecl",
}
"""Heading names (lower case) to competition slugs; other names are kept as written."""

_FILE_COMPETITIONS = {
    "cl": ("uefa-cl", False),
    "el": ("uefa-el", False),
    "conf": ("uefa-ecl", False),
    "clq": ("uefa-cl", True),
    "elq": ("uefa-el", True),
    "confq": ("uefa-ecl", True),
}
"""openfootball's file names (slug, qualifying rounds), used only when a file has no heading naming the competition."""

_QUALIFYING = re.compile(
    r"(?P<parent>.*?\S)[\s,:()–—-]+(?:quali(?:fying|fication|fiers)?|preliminary|play-?offs?)"
    r"(?:\s+(?:rounds?|stage|phase))?\)?",
    re.IGNORECASE,
)
"""A heading naming a competition's qualifying rounds or play-offs: ``UEFA Conference League - Quali``."""

_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
_WEEKDAYS = "Mon Tue Wed Thu Fri Sat Sun".split()

_HEADING = re.compile(r"=[ \t]+(?P<name>[^=]*?)[ \t]*(?P<season>\b\d{4}(?:/\d{2}(?:\d{2})?)?)?\s*")
_FOLDER_SEASON = re.compile(r"(?P<start>\d{4})-(?:\d{2}|\d{4})")
_DAY = r"(?:(?P<{p}weekday>[A-Z][a-z]{{2}})\s+)?(?P<{p}month>[A-Z][a-z]{{2}})/(?P<{p}day>\d{{1,2}})"
_DATE_LINE = re.compile(r"\s*" + _DAY.format(p="") + r"(?:\s+(?P<year>\d{4}))?\s*")
_DATE_RANGE = re.compile(
    rf"#\s*Date\s+{_DAY.format(p='a_')}(?:\s+(?P<a_year>\d{{4}}))?\s*-\s*{_DAY.format(p='b_')}\s+(?P<b_year>\d{{4}}).*"
)
_ROUND_LINE = re.compile(r"\s*»\s*(?P<round>.*?)\s*")
_GROUP_LINE = re.compile(r"\s*Group\s+(?P<letter>[A-Z])\s*\|\s*(?P<teams>.*?)\s*")
_ROUND_GROUP = re.compile(r"Group (?P<letter>[A-Z])\b")
_TAG = re.compile(r"\s*\([A-Z]{3}\)\s*$")
_KICKOFF = re.compile(r"\s*(?P<hour>[0-2]?\d)[.:](?P<minute>[0-5]\d)\s+(?P<rest>.*)")
_TAGGED = re.compile(
    r"(?P<home>\S.*?)\s*\((?P<home_country>[A-Z]{3})\)\s+v\s+(?P<away>\S.*?)\s*\((?P<away_country>[A-Z]{3})\)"
    r"(?:\s+(?P<score>\S.*?))?\s*"
)
_PLAIN = re.compile(r"(?P<home>\S.*?)\s+v\s+(?P<away>\S.*?)(?:(?:\s{2,}|\s+(?=\d+-\d|\[))(?P<score>\S.*?))?\s*")
_NOTE = re.compile(r"(?P<score>.*?)\s*\[(?P<note>[^\]]*)\]")
_PAIR = r"(?P<{0}_home>\d+)-(?P<{0}_away>\d+)"
_SCORE = re.compile(
    rf"(?:{_PAIR.format('pen')}\s+pen\.\s+)?{_PAIR.format('main')}(?P<aet>\s+a\.e\.t\.)?"
    rf"(?:\s+\({_PAIR.format('first')}(?:,\s*{_PAIR.format('second')})?\))?"
)
_SCORE_EXAMPLES = "'2-1 (1-0)', '3-2 a.e.t. (2-2, 0-2)' or '4-2 pen. 1-1 a.e.t. (1-1, 1-1)'"
_NOT_PLAYED = {
    "cancelled": "the match was cancelled and never played",
    "canceled": "the match was cancelled and never played",
    "postponed": "the match was postponed; this line has no result",
    "abandoned": "the match was abandoned; the line has no result played out on the pitch",
    "awarded": "the result was awarded by the organisers, not played on the pitch",
}


@dataclass(frozen=True)
class _Line:
    """The parts of a match line: kick-off, teams with country tags, and the score text."""

    kickoff: str | None
    home: str
    away: str
    home_country: str | None
    away_country: str | None
    score: str | None


@dataclass
class _Match:
    """One match line as read; ``reason`` is set when it is a reject."""

    line: int
    raw: str
    date: dt.date | None
    kickoff: str | None
    round: str | None
    knockout: bool
    teams: _Line
    score: dict[str, int | None]
    reason: str | None
    leg: str | None = None
    tie_key: str | None = None
    neutral: bool = False
    played: bool = True


class OpenFootballImporter(Importer):
    """Read one Football.TXT file of openfootball (the layout is in the module docstring).

    The competition and season come from the ``= UEFA Europa League 2023/24``
    heading (slug ``uefa-el``, season ``"2023-24"``); a file without them in its
    heading falls back on openfootball's names, ``2023-24/el.txt``. Every match line
    becomes a row of ``matches`` (scored), of ``fixtures`` (no score yet) or a reject
    with its reason, and so does any line that is not a heading, comment, round, group,
    date or match.
    """

    name: ClassVar[str] = "openfootball"
    description: ClassVar[str] = "openfootball Football.TXT ('= UEFA Europa League 2023/24', '» Final', 'A v B 2-1')"

    def sniff(self, path: Path, head: str) -> bool:
        """Whether ``head`` has ``A v B`` match lines and a ``= ...`` heading or ``»`` round lines.

        Parameters
        ----------
        path
            The file; only its content is looked at.
        head
            The first few KB of the file.

        Returns
        -------
        bool
            ``True`` for Football.TXT content.
        """
        lines = head.lstrip("\ufeff").replace("\r", "").split("\n")
        heading = any(_HEADING.fullmatch(t) for t in lines)
        rounds = any(_ROUND_LINE.fullmatch(t) for t in lines)
        return (heading or rounds) and any(_match_line(t) is not None for t in lines)

    def _parse(self, path: Path) -> ParsedFile:
        lines = read_text(path).split("\n")
        competition, season, qualifying = _competition_season(lines, path)
        date_range = _date_range(lines)
        first_day = date_range[0] if date_range else _season_start(season)
        matches: list[_Match] = []
        rejects: list[tuple[int, str, str]] = []
        round_label: str | None = None
        knockout = False
        day: dt.date | None = None
        day_error = "there is no date line above it"
        previous: dt.date | None = None
        kickoff: str | None = None
        groups: dict[str, str] = {}
        for number, text in enumerate(lines, start=1):
            stripped = text.strip()
            if not stripped or stripped.startswith(("=", "#")):
                continue
            if m := _ROUND_LINE.fullmatch(text):
                round_label, knockout = canonical_round(m["round"], qualifying=qualifying)
            elif m := _GROUP_LINE.fullmatch(text):
                groups.update((_TAG.sub("", team), m["letter"]) for team in re.split(r"\s{2,}", m["teams"]))
            elif m := _DATE_LINE.fullmatch(text):
                kickoff = None
                try:
                    day = previous = _read_date(m, previous, first_day, date_range)
                except ValueError as err:
                    day, day_error = None, f"its date line {number} is unusable ({err})"
                    rejects.append((number, text, f"date {stripped!r}: {err}"))
            elif (teams := _match_line(text)) is None:
                rejects.append((number, text, "not a heading, comment, round, date or match ('A v B 2-1') line"))
            else:
                kickoff = teams.kickoff or kickoff
                reasons = []
                try:
                    score = _read_score(teams.score) if teams.score else {}
                except ValueError as err:
                    score, reasons = {}, [str(err)]
                if day is None:
                    reasons.append(f"no date: {day_error}")
                match = _Match(
                    number, text, day, kickoff, round_label, knockout, teams, score, "; ".join(reasons) or None
                )
                match.played = teams.score is not None
                matches.append(match)
        _knockout_by_shape(matches)
        _pair_ties(matches, competition, season, neutral_singles=competition.startswith("uefa-") and not qualifying)
        rejects.extend((m.line, m.raw, m.reason) for m in matches if m.reason)
        rows = [_row(m, competition, season, groups) for m in matches if not m.reason and m.played]
        fixtures = [_fixture_row(m, competition, season, groups) for m in matches if not m.reason and not m.played]
        return ParsedFile(
            path,
            self.name,
            matches=pd.DataFrame(rows) if rows else MATCHES.empty(),
            fixtures=pd.DataFrame(fixtures) if fixtures else FIXTURES.empty(),
            rejects=pd.DataFrame(rejects, columns=REJECTS.names) if rejects else REJECTS.empty(),
        )


def _competition_season(lines: list[str], path: Path) -> tuple[str, str, bool]:
    """Return the competition slug, the season and whether the file holds qualifying rounds.

    They come from the first heading, else from openfootball's file and folder names.
    A heading naming qualifying rounds or play-offs (``UEFA Conference League - Quali``)
    gives its parent competition's slug (``uefa-ecl``), or the parent's name as written.
    """
    name = season = None
    qualifying = False
    heading = next((m for t in lines if (m := _HEADING.fullmatch(t.strip()))), None)
    if heading is not None:
        name = heading["name"] or None
        if heading["season"]:
            start, _, end = heading["season"].partition("/")
            season = season_label(int(start)) if end else start
    if season is None and (folder := _FOLDER_SEASON.fullmatch(path.parent.name)):
        season = season_label(int(folder["start"]))
    slug: str | None = None
    if name and (parent := _QUALIFYING.fullmatch(name)):
        name, qualifying = parent["parent"], True
    if name:
        slug = _COMPETITIONS.get(name.lower(), name)
    elif path.stem in _FILE_COMPETITIONS:
        slug, qualifying = _FILE_COMPETITIONS[path.stem]
    if slug is None or season is None:
        raise DataError(
            f"{path}: no competition and season: expected a heading like '= UEFA Europa League 2023/24' "
            "or openfootball's file names (2023-24/el.txt)"
        )
    return slug, season, qualifying


def _season_start(season: str) -> dt.date:
    """Return the first day of a season: 1 July for ``"2023-24"``, 1 January for ``"2023"``."""
    return dt.date(int(season[:4]), 7, 1) if "-" in season else dt.date(int(season), 1, 1)


def _date_range(lines: list[str]) -> tuple[dt.date, dt.date] | None:
    """Return the first and last day of the ``# Date  Thu Sep/21 2023 - Wed May/22 2024`` comment, if any."""
    for text in lines:
        if m := _DATE_RANGE.fullmatch(text.strip()):
            last = _calendar_date(int(m["b_year"]), _MONTHS.get(m["b_month"], 0), int(m["b_day"]))
            first = _range_start(m, last)
            return (first, last) if first and last else None
    return None


def _range_start(m: re.Match[str], last: dt.date | None) -> dt.date | None:
    """The first day of a ``# Date`` range; without a year (``Jul/10 - Aug/29 2024``), the last one before the end."""
    month, day = _MONTHS.get(m["a_month"], 0), int(m["a_day"])
    if m["a_year"]:
        return _calendar_date(int(m["a_year"]), month, day)
    if last is None:
        return None
    options = [_calendar_date(y, month, day) for y in (last.year, last.year - 1)]
    return next((d for d in options if d and d <= last), None)


def _read_date(
    m: re.Match[str], previous: dt.date | None, first_day: dt.date, date_range: tuple[dt.date, dt.date] | None
) -> dt.date:
    """Return a date line's date, inferring a missing year; raise ``ValueError`` saying why it is unusable."""
    month = _MONTHS.get(m["month"])
    if month is None:
        raise ValueError(f"{m['month']!r} is not a month (Jan..Dec)")
    day = int(m["day"])
    date: dt.date | None
    if m["year"]:
        date = _calendar_date(int(m["year"]), month, day)
    elif previous is None:  # the first date of the file: the first such day from the range's or season's start
        options = [_calendar_date(y, month, day) for y in (first_day.year, first_day.year + 1)]
        date = min((d for d in options if d and d >= first_day), default=None)
    else:  # the year that puts it nearest the date above it
        anchor = previous
        options = [_calendar_date(y, month, day) for y in (anchor.year - 1, anchor.year, anchor.year + 1)]
        date = min((d for d in options if d), key=lambda d: abs((d - anchor).days), default=None)
    if date is None:
        raise ValueError("not a calendar date")
    inferred = "" if m["year"] else " (year inferred)"
    if m["weekday"] and m["weekday"] != _WEEKDAYS[date.weekday()]:
        raise ValueError(f"{date.isoformat()}{inferred} is a {_WEEKDAYS[date.weekday()]}, not a {m['weekday']}")
    if date_range and not date_range[0] <= date <= date_range[1]:
        raise ValueError(
            f"{date.isoformat()}{inferred} is outside the file's '# Date' range "
            f"{date_range[0].isoformat()} to {date_range[1].isoformat()}"
        )
    return date


def _calendar_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _match_line(text: str) -> _Line | None:
    """Split a match line into kick-off, teams and score text; ``None`` if it has no ``A v B``."""
    kickoff = None
    body = text.strip()
    if m := _KICKOFF.fullmatch(body):
        kickoff = f"{int(m['hour']):02d}:{m['minute']}"
        body = m["rest"]
    teams = _TAGGED.fullmatch(body) or _PLAIN.fullmatch(body)
    if teams is None:
        return None
    parts = teams.groupdict()
    score = " ".join(parts["score"].split()) if parts["score"] else None
    return _Line(kickoff, parts["home"], parts["away"], parts.get("home_country"), parts.get("away_country"), score)


def _is_scored_match(text: str) -> bool:
    """Whether ``text`` is a match line with a score or a ``[note]``."""
    line = _match_line(text)
    score = line.score if line else None
    return score is not None and bool(_SCORE.fullmatch(score) or _NOTE.fullmatch(score))


def _read_score(text: str | None) -> dict[str, int | None]:
    """Return the score columns for a match line's score text; raise ``ValueError`` saying why it is unusable."""
    if not text:
        raise ValueError("no score: the match has no result (not played yet?)")
    if note := _NOTE.fullmatch(text):
        meaning = _NOT_PLAYED.get(note["note"].strip().lower(), "a note this importer does not know how to read")
        raise ValueError(f"{text!r}: {meaning}")
    m = _SCORE.fullmatch(text)
    if m is None and NEGATIVE_SCORE.search(text):
        raise ValueError(f"{text!r}: negative goals")
    if m is None:
        raise ValueError(f"{text!r} is not a score (expected e.g. {_SCORE_EXAMPLES})")
    pen, main, first, second = (_pair(m, p) for p in ("pen", "main", "first", "second"))
    assert main is not None  # the pattern requires it
    et: tuple[int, int] | None
    if m["aet"]:
        if first is None:
            raise ValueError(f"{text!r}: an a.e.t. score needs the 90-minute score in brackets: '2-1 a.e.t. (1-1)'")
        et, full = main, first
        half = second
    elif second is not None:
        raise ValueError(f"{text!r}: two scores in brackets need 'a.e.t.' before them")
    else:
        et, full, half = None, main, first
    if half is None and full == (0, 0):  # 0-0 after 90 minutes was 0-0 at half time
        half = full
    for earlier, later, what in (
        (half, full, "half-time score is more than the 90-minute"),
        (full, et, "90-minute score is more than the a.e.t."),
    ):
        if earlier and later and (earlier[0] > later[0] or earlier[1] > later[1]):
            raise ValueError(f"{text!r}: the {what} score")
    if pen and pen[0] == pen[1]:
        raise ValueError(f"{text!r}: a shootout cannot end level")
    return {
        "home_goals": full[0],
        "away_goals": full[1],
        "ht_home_goals": half[0] if half else None,
        "ht_away_goals": half[1] if half else None,
        "et_home_goals": et[0] if et else None,
        "et_away_goals": et[1] if et else None,
        "pen_home": pen[0] if pen else None,
        "pen_away": pen[1] if pen else None,
    }


def _pair(m: re.Match[str], name: str) -> tuple[int, int] | None:
    return (int(m[f"{name}_home"]), int(m[f"{name}_away"])) if m[f"{name}_home"] is not None else None


def _knockout_by_shape(matches: list[_Match]) -> None:
    """Mark as knockout the rounds whose names do not say so but whose matches have a knockout round's shape.

    A round is every match under one round name (a name may come back later in a
    file); rejected matches count, as the fixtures they are. Group and league rounds
    keep their kind whatever their shape.
    """
    rounds: dict[str | None, list[_Match]] = defaultdict(list)
    for match in matches:
        rounds[match.round].append(match)
    for label, members in rounds.items():
        if is_table_round(label) or any(m.knockout for m in members):
            continue
        fixtures = (Fixture(m.teams.home, m.teams.away, _beyond_90(m.score)) for m in members)
        if knockout_shape(fixtures):
            for match in members:
                match.knockout = True


def _beyond_90(score: dict[str, int | None]) -> bool:
    """Whether a match's score columns show extra time or a shootout."""
    return score.get("et_home_goals") is not None or score.get("pen_home") is not None


def _pair_ties(matches: list[_Match], competition: str, season: str, *, neutral_singles: bool) -> None:
    """Give the knockout matches their ``tie_key``, ``leg`` and ``neutral`` (see the module docstring).

    Rejected matches are paired too, so that the other leg of a tie keeps its leg number.
    ``neutral_singles`` says a single-match tie is at a neutral venue (UEFA's
    competitions proper; a qualifying round's single match is at one side's ground).
    """
    ties: dict[tuple[str | None, str, str], list[_Match]] = defaultdict(list)
    for match in matches:
        if match.knockout:
            first, second = sorted((match.teams.home, match.teams.away))
            ties[(match.round, first, second)].append(match)
    for (label, first, second), tie in ties.items():
        tie.sort(key=lambda m: (m.date or dt.date.max, m.line))
        legs: list[str | None] = ["1", "2"] if len(tie) == 2 else [None] * len(tie)
        neutral = label == "Final" or (len(tie) == 1 and neutral_singles)
        for match, leg in zip(tie, legs, strict=True):
            match.tie_key = f"{competition}|{season}|{label}|{first}|{second}"
            match.leg = leg
            match.neutral = neutral


def _row(match: _Match, competition: str, season: str, groups: dict[str, str]) -> dict[str, Any]:
    """Return the ``MATCHES`` row of a match that was read without a problem."""
    return {
        **_fixture_row(match, competition, season, groups),
        "leg": match.leg,
        "tie_key": match.tie_key,
        **match.score,
        "score_includes_et": False,
    }


def _fixture_row(match: _Match, competition: str, season: str, groups: dict[str, str]) -> dict[str, Any]:
    """Return the ``FIXTURES`` row of a match line without a score (the shared part of a ``MATCHES`` row)."""
    assert match.date is not None  # matches without a date are rejects
    return {
        "line": match.line,
        "raw": match.raw,
        "date": pd.Timestamp(match.date),
        "kickoff": match.kickoff,
        "competition": competition,
        "season": season,
        "round": match.round,
        "group": _group(match, groups),
        "knockout": match.knockout,
        "leg": match.leg if match.leg in ("1", "2") else None,
        "team_kind": "club",
        "home": match.teams.home,
        "away": match.teams.away,
        "home_country": match.teams.home_country,
        "away_country": match.teams.away_country,
        "neutral": match.neutral,
    }


def _group(match: _Match, groups: dict[str, str]) -> str | None:
    """A group match's letter: its round's (``Group C``), else its two teams' group in the file's group lines."""
    if match.round is None or not is_table_round(match.round):
        return None
    if m := _ROUND_GROUP.match(match.round):
        return m["letter"]
    home, away = groups.get(match.teams.home), groups.get(match.teams.away)
    return home if home is not None and home == away else None
