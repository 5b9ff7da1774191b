"""Importer for engsoccerdata's CSV files (James Curley's R package, ``data-raw/*.csv``).

One importer reads every layout the package ships; the header tells them apart.
All are comma-separated with a header line, ISO dates (``1995-08-04``), ``NA`` for
missing values, and ``Season`` as the year the season starts (``1995`` is 1995-96).
``FT`` is the score as ``"3-1"`` and repeats ``hgoal``/``vgoal``; a row whose two
disagree is refused. Team names are kept as the package spells them.

League files (``italy.csv``, ``spain.csv``, ``germany2.csv``, ``scotland.csv``, ...)
    ``Date, Season, home, visitor, FT, hgoal, vgoal, tier`` and, depending on the
    file, ``division``, ``totgoal``, ``goaldif``, ``result`` in varying order.
    ``spain.csv`` also has ``HT`` (half time, before ``FT``), ``round`` (``league``,
    or ``phase2`` for the 1986-87 second-stage groups), ``group`` and ``notes``.
    The rows do not name their country, so it comes from the file name, which must
    contain the country's name as the package writes it (``holland`` is ``NED``).
    The competition is ``<country>-<tier>``: ``ita-1``, ``ger-2``, ``sco-1`` ..
    ``sco-4`` (scotland's ``division`` SC0..SC3 says the same as ``tier`` but spells
    SC0 as ``SCO`` from 2016-17, so ``tier`` is used). Group matches get the round
    ``Group A``; other league matches have no round. A note saying a result was
    awarded makes the row a reject: no match was played to that score. Both clubs
    take the file's country, although a few clubs play abroad (Berwick Rangers in
    Scotland, Monaco in France).

``champs.csv``: European Cup / Champions League 1955-56 onwards (``uefa-cl``)
    ``round`` (``Round1``, ``R16``, ``QF``, ``Q-2``, ``GroupA``, ``final``, ...), ``leg``
    (``1``, ``2``, ``replay``, ``groups``, ``initial`` for the 1974 final that was
    replayed, ``NA`` for single matches), ``FT`` and ``hgoal``/``vgoal`` after 90
    minutes, ``HT``, ``aet`` the score after extra time (cumulative, e.g. 1958 final
    ``FT`` 2-2, ``aet`` 3-2), ``pens`` the shootout with the home side's count first
    (checked against ``tiewinner`` on every shootout), or ``away goals``/``coin
    toss`` (kept as ``decided_note``), or ``walkover`` (two abandoned 1991 matches
    with awarded scores: rejects), ``tiewinner``, ``hcountry``/``vcountry``. The
    aggregate and total columns repeat these and are not read. Group matches are
    not knockout and have no tie. Finals and replays (play-offs, which were staged
    on neutral grounds) are at a neutral venue; the source has no venue column.

``facup.csv``: FA Cup 1871-72 onwards (``eng-fa-cup``)
    ``round`` (``1``..``6``, ``s``, ``f``, ``3pp`` for the third-place matches of
    1969-74; from 2017-18 ``Quarter-final``, ``Semi-final``, ``Final``), ``tie``
    (``initial``, ``replay``, ``replay2``.., ``leg1``/``leg2`` in 1945-46, ``none``),
    ``aet``/``neutral`` (``yes`` or ``NA``), ``pens`` the shootout with the
    *winner's* count first and the winner's name after it (``4-3 AFC Bournemouth``;
    from 2017-18 just ``3-4``, home first), ``hp``/``vp`` the shootout goals of home
    and visitor (``pen``, ``yes`` for a shootout, adds nothing and is not read),
    ``nonmatch`` (``Bye``, ``Walkover``, ``Match void``, ``... disqualified``: rejects,
    which includes every row without a date) and ``notes`` (kept as ``decided_note``).
    ``FT`` is the final score: after extra time when ``aet`` is ``yes`` (1965 final
    2-1, 0-0 after 90 minutes), so such rows have ``score_includes_et`` and their
    ``et_*`` goals equal to it.

``leaguecup.csv``: League Cup 1960-61 onwards (``eng-league-cup``)
    ``round`` (``1``..``5``, ``semi``, ``final``, ``prelim``; ``Semi-final``,
    ``Final`` in later seasons), ``tie`` (``initial``, ``replay1``.., and
    ``check_replay_data`` for 19 matches of 1984-86 whose place in their tie is
    unsure: they are ordered by date), ``leg`` (``0`` single match, ``1``/``2``; a
    ``1`` without a second leg in its tie is a single match), ``aet``, ``pens``,
    ``northsouth`` (not read). ``FT`` is the final score, after extra time where it
    was played (1997 final 1-1, 0-0 after 90 minutes). When the file's ``aet`` column
    is empty throughout, as in the copy this was written against, extra time is not
    recorded, and every match that could have had it (all but first legs) has
    ``score_includes_et``. Single-match finals and their replays are at a neutral
    venue.

``teamnames.csv``: other spellings of a team (``country, name, name_other, most_recent``)
    Read into the aliases table: ``name`` is the package's own spelling, ``name_other``
    the alias; rows where the two are equal say nothing and are skipped. Countries
    are mapped to their codes (``England`` is ``ENG``); ``MLS`` spans two countries
    and gets none.

In the two English cups, Welsh clubs (Cardiff, Swansea, ...) play as well; their
``home_country``/``away_country`` is still ``ENG``. Every leg and replay of one
knockout tie shares a ``tie_key`` made of season, round and the two teams; ``leg``
is ``"1"``/``"2"`` for the legs of a two-legged tie, ``"replay"``, ``"replay2"``, ...
for replays, and None otherwise. The source's labels of legs and replays are
trusted over dates, although a few of either are wrong: the 1961 League Cup final's
first leg is dated after the second, and the 1977 final's second replay is labelled
``initial``. In the English cups a shootout's winner is the ``tie_winner`` of all
the tie's matches; ``champs.csv`` names every tie's winner itself.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, NamedTuple

import pandas as pd

from remontada.data.competitions import season_label
from remontada.data.io.base import NEGATIVE_SCORE, REJECTS, Importer, ParsedFile, plausible_dates, read_csv_rows
from remontada.data.io.rounds import canonical_round
from remontada.errors import DataError

__all__ = ["EngsoccerImporter"]

_COUNTRIES = {
    "belgium": "BEL",
    "england": "ENG",
    "france": "FRA",
    "germany": "GER",
    "greece": "GRE",
    "holland": "NED",
    "italy": "ITA",
    "portugal": "POR",
    "scotland": "SCO",
    "spain": "ESP",
    "turkey": "TUR",
}
"""League files' country by the name the package gives the file, and teamnames.csv's ``country``."""

_FILE_COUNTRY = re.compile("|".join(_COUNTRIES))

_ROUND_NAMES = {
    "s": "Semifinals",
    "semi": "Semifinals",
    "semi-final": "Semifinals",
    "quarter-final": "Quarterfinals",
    "3pp": "Third Place",
    "prelimf": "Preliminary Round",
}
"""Round codes (lower case) that ``canonical_round`` does not know; bare numbers are ``Round <n>``."""

_SCORE = r"(\d+)\s*-\s*(\d+)"


_LARGEST = 100_000
"""Numbers in a results file are counts of goals or years: anything this big is damage, not data."""


class _Rejects:
    """Why rows of one file are refused; the first reason found for a row is kept."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.rows = rows
        self.reason = pd.Series(None, index=rows.index, dtype=object)

    def add(self, mask: pd.Series, reason: str | pd.Series) -> None:
        """Refuse the rows in ``mask`` (not refused yet) for ``reason``."""
        new = _true(mask) & self.reason.isna()
        if new.any():
            self.reason[new] = reason[new] if isinstance(reason, pd.Series) else reason

    def split(self, table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``table`` without the refused rows, and the refused rows as rejects."""
        bad = self.reason.notna()
        rejects = pd.DataFrame(
            {"line": self.rows.loc[bad, "line"], "raw": self.rows.loc[bad, "raw"], "reason": self.reason[bad]}
        )
        return table[~bad].reset_index(drop=True), rejects.reset_index(drop=True)


def _text(rows: pd.DataFrame, column: str) -> pd.Series:
    """Read a column's stripped cells: None where empty, ``NA`` or not in the file."""
    if column not in rows.columns:
        return pd.Series(None, index=rows.index, dtype=object)
    text = rows[column].astype(object).str.strip()
    return text.where((text != "") & (text != "NA"), None)


def _quoted(column: str, text: pd.Series, what: str) -> pd.Series:
    """Reasons like ``FT: 'x-1' is not a score``, one per row."""
    return f"{column}: '" + text.fillna("NA").astype(str) + f"' {what}"


class _Score(NamedTuple):
    home: pd.Series
    away: pd.Series


def _score(rows: pd.DataFrame, column: str, rejects: _Rejects) -> _Score:
    """Parse a ``"3-1"`` column; other text than a score or ``NA`` refuses the row."""
    text = _text(rows, column)
    parts = text.str.extract(f"^{_SCORE}$")
    rejects.add(_true(text.str.contains(NEGATIVE_SCORE)), _quoted(column, text, "has negative goals"))
    rejects.add(text.notna() & parts[0].isna(), _quoted(column, text, "is not a score"))
    return _Score(_int(parts[0]), _int(parts[1]))


def _int(text: pd.Series) -> pd.Series:
    """Whole numbers in text; anything else (words, fractions, numbers too big for a count or a year) is missing."""
    numbers = pd.to_numeric(text, errors="coerce")
    return numbers.where((numbers.abs() < _LARGEST) & (numbers == numbers.round())).astype("Int64")


def _true(mask: pd.Series) -> pd.Series:
    """Turn a mask's missing values into False."""
    return mask.fillna(False).astype(bool)


def _flag(rows: pd.DataFrame, column: str, rejects: _Rejects) -> pd.Series:
    """Read a ``yes``/``NA`` column as booleans (``no`` is also false); other text refuses the row."""
    text = _text(rows, column).str.lower()
    rejects.add(text.notna() & ~text.isin(["yes", "no"]), _quoted(column, text, "is not 'yes', 'no' or 'NA'"))
    return _true(text == "yes")


def _not_a_match(rejects: _Rejects, text: pd.Series, mask: pd.Series | None = None) -> None:
    """Refuse rows that record no match (a bye, a walkover, a void or awarded result)."""
    rejects.add(text.notna() if mask is None else mask, "not a match: " + text.fillna(""))


def _common(rows: pd.DataFrame, rejects: _Rejects) -> dict[str, pd.Series]:
    """Date, season, teams and ``FT`` score, which every match layout has."""
    season = _text(rows, "Season")
    year = _int(season.where(_true(season.str.fullmatch(r"\d{4}"))))
    rejects.add(year.isna(), _quoted("Season", season, "is not a year"))
    labels = {int(y): season_label(int(y)) for y in year.dropna().unique()}
    ft_text = _text(rows, "FT")
    rejects.add(ft_text.isna(), "FT: missing")
    ft = _score(rows, "FT", rejects)
    hgoal, vgoal = _int(_text(rows, "hgoal")), _int(_text(rows, "vgoal"))
    for column, parsed in (("hgoal", hgoal), ("vgoal", vgoal)):
        raw = _text(rows, column)
        rejects.add(raw.notna() & parsed.isna(), _quoted(column, raw, "is not a number of goals"))
    rejects.add((hgoal != ft.home) | (vgoal != ft.away), _quoted("FT", ft_text, "disagrees with hgoal/vgoal"))
    return {
        "date": _text(rows, "Date"),
        "season": year.map(labels).astype(object),
        "home": _text(rows, "home"),
        "away": _text(rows, "visitor"),
        "home_goals": ft.home,
        "away_goals": ft.away,
    }


def _matches(rows: pd.DataFrame, columns: dict[str, pd.Series], **constants: object) -> pd.DataFrame:
    """Build the matches table: ``line``/``raw`` from ``rows``, club football, 90-minute scores by default."""
    return pd.DataFrame(
        {
            "line": rows["line"],
            "raw": rows["raw"],
            "team_kind": "club",
            "score_includes_et": False,
            "neutral": False,
            **constants,
            **columns,
        },
        index=rows.index,
    )


def _round_label(code: str) -> str | None:
    key = code.strip().lower()
    if key.isdigit():
        return canonical_round(f"Round {int(key)}")[0]
    return canonical_round(_ROUND_NAMES.get(key, code))[0]


def _rounds(text: pd.Series) -> pd.Series:
    """Round codes to remontada's round labels."""
    labels = {code: _round_label(code) for code in text.dropna().unique()}
    return text.map(labels).astype(object)


def _tie_key(columns: dict[str, pd.Series]) -> pd.Series:
    """``"2016-17 Round of 16: Barcelona v Paris Saint-Germain"``: season, round and the teams in order."""
    home, away = columns["home"].fillna(""), columns["away"].fillna("")
    first = home.where(home <= away, away)
    second = away.where(home <= away, home)
    return columns["season"].fillna("") + " " + columns["round"].fillna("") + ": " + first + " v " + second


def _replay_leg(number: pd.Series) -> pd.Series:
    """Replay number (1, 2, ...) to ``"replay"``, ``"replay2"``, ...; None for 0."""
    leg = ("replay" + number.astype(str)).where(number > 1, "replay")
    return leg.where(number > 0, None).astype(object)


def _league(path: Path, rows: pd.DataFrame) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    found = _FILE_COUNTRY.search(path.stem.lower())
    if found is None:
        raise DataError(
            f"{path}: engsoccerdata league files do not say their country; name the file after it "
            f"as the package does ({', '.join(f'{c}.csv' for c in _COUNTRIES)})"
        )
    country = _COUNTRIES[found.group(0)]
    rejects = _Rejects(rows)
    notes = _text(rows, "notes")
    _not_a_match(rejects, notes, notes.str.contains("awarded", case=False))
    columns = _common(rows, rejects)
    tier = _text(rows, "tier")
    rejects.add(~_true(tier.str.fullmatch(r"\d+")), _quoted("tier", tier, "is not a tier number"))
    half = _score(rows, "HT", rejects)
    group = _text(rows, "group")
    matches = _matches(
        rows,
        columns,
        competition=country.lower() + "-" + tier.fillna(""),
        round=_rounds("Group " + group),
        knockout=False,
        home_country=country,
        away_country=country,
        ht_home_goals=half.home,
        ht_away_goals=half.away,
        decided_note=notes,
    )
    return "matches", *rejects.split(matches)


def _champs(path: Path, rows: pd.DataFrame) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    rejects = _Rejects(rows)
    pens = _text(rows, "pens")
    _not_a_match(rejects, pens, pens.str.lower() == "walkover")
    columns = _common(rows, rejects)
    columns["round"] = _rounds(_text(rows, "round"))
    leg = _text(rows, "leg").str.lower()
    rejects.add(
        leg.notna() & ~leg.isin(["1", "2", "replay", "initial", "groups"]),
        _quoted("leg", leg, "is not 1, 2, replay, initial, groups or NA"),
    )
    knockout = leg != "groups"
    shootout = pens.str.extract(f"^{_SCORE}$")
    half = _score(rows, "HT", rejects)
    extra = _score(rows, "aet", rejects)
    matches = _matches(
        rows,
        columns,
        competition="uefa-cl",
        knockout=knockout,
        leg=leg.where(leg.isin(["1", "2", "replay"]), None),
        tie_key=_tie_key(columns).where(knockout, None),
        home_country=_text(rows, "hcountry"),
        away_country=_text(rows, "vcountry"),
        neutral=(columns["round"] == "Final") | (leg == "replay"),
        ht_home_goals=half.home,
        ht_away_goals=half.away,
        et_home_goals=extra.home,
        et_away_goals=extra.away,
        pen_home=_int(shootout[0]),
        pen_away=_int(shootout[1]),
        tie_winner=_text(rows, "tiewinner"),
        decided_note=pens.where(shootout[0].isna(), None),
    )
    return "matches", *rejects.split(matches)


def _shootout(rows: pd.DataFrame, columns: dict[str, pd.Series], rejects: _Rejects) -> _Score:
    """Read an English cup's shootout: ``hp``/``vp`` where given, else read from ``pens``.

    ``pens`` is ``"4-3 AFC Bournemouth"`` (the winner's count first) or ``"3-4"`` (the
    home side's first); a name that is neither team leaves the order unknown.
    """
    pens = _text(rows, "pens")
    parts = pens.str.extract(f"^{_SCORE}(?:\\s+(.+))?$")
    rejects.add(pens.notna() & parts[0].isna(), _quoted("pens", pens, "is not a shootout score"))
    first, second, winner = _int(parts[0]), _int(parts[1]), parts[2]
    swap = winner == columns["away"]
    known = winner.isna() | swap | (winner == columns["home"])
    home = first.where(~swap, second).where(known)
    away = second.where(~swap, first).where(known)
    hp, vp = _int(_text(rows, "hp")), _int(_text(rows, "vp"))
    rejects.add(
        (hp != home) | (vp != away),
        _quoted("pens", pens, "disagrees with hp/vp") + " " + hp.astype(str) + "-" + vp.astype(str),
    )
    home, away = hp.fillna(home), vp.fillna(away)
    rejects.add(pens.notna() & home.isna(), _quoted("pens", pens, "does not say whose count is first"))
    return _Score(home, away)


def _cup(path: Path, rows: pd.DataFrame, competition: str) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """facup.csv and leaguecup.csv: see the module docstring."""
    rejects = _Rejects(rows)
    _not_a_match(rejects, _text(rows, "nonmatch"))
    columns = _common(rows, rejects)
    columns["round"] = _rounds(_text(rows, "round"))
    tie = _text(rows, "tie").str.lower()
    replay = tie.str.extract(r"^replay(\d*)$")[0]
    known = tie.isna() | tie.isin(["initial", "none", "leg1", "leg2", "check_replay_data"]) | replay.notna()
    rejects.add(~known, _quoted("tie", tie, "is not initial, replay<n>, leg1, leg2 or none"))
    leg_column = _text(rows, "leg")
    rejects.add(leg_column.notna() & ~leg_column.isin(["0", "1", "2"]), _quoted("leg", leg_column, "is not 0, 1 or 2"))
    replay_no = _int(replay.replace("", "1")).fillna(0)
    leg_no = _int(tie.str.extract(r"^leg([12])$")[0]).fillna(_int(leg_column)).fillna(0).where(replay_no == 0, 0)
    tie_key = _tie_key(columns)
    two_legged = (leg_no == 2).groupby(tie_key).transform("any")
    unsure = tie == "check_replay_data"
    if unsure.any():
        dates = plausible_dates(pd.to_datetime(columns["date"], errors="coerce", format="ISO8601"))
        order = dates.where(leg_no == 0).groupby(tie_key).rank(method="first")
        replay_no = replay_no.where(~unsure, _int(order).fillna(1) - 1)
    leg = _replay_leg(replay_no).where(~(two_legged & leg_no.isin([1, 2])), leg_no.astype(str))
    extra = _flag(rows, "aet", rejects)
    if _text(rows, "aet").notna().any():
        includes_et = extra
    else:
        includes_et = ~(two_legged & (leg_no == 1))
    shootout = _shootout(rows, columns, rejects)
    winner = columns["home"].where(_true(shootout.home > shootout.away), None)
    winner = winner.where(~_true(shootout.away > shootout.home), columns["away"])
    neutral = (
        _flag(rows, "neutral", rejects) if "neutral" in rows.columns else (columns["round"] == "Final") & ~two_legged
    )
    matches = _matches(
        rows,
        columns,
        competition=competition,
        knockout=True,
        leg=leg,
        tie_key=tie_key,
        home_country="ENG",
        away_country="ENG",
        neutral=neutral,
        et_home_goals=columns["home_goals"].where(extra),
        et_away_goals=columns["away_goals"].where(extra),
        pen_home=shootout.home,
        pen_away=shootout.away,
        score_includes_et=includes_et,
        tie_winner=winner.astype(object).groupby(tie_key).transform("first"),
        decided_note=_text(rows, "notes"),
    )
    return "matches", *rejects.split(matches)


def _teamnames(path: Path, rows: pd.DataFrame) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    name, alias = _text(rows, "name"), _text(rows, "name_other")
    countries = {k.title(): v for k, v in _COUNTRIES.items()}
    aliases = pd.DataFrame(
        {
            "line": rows["line"],
            "raw": rows["raw"],
            "team_kind": "club",
            "name": name,
            "alias": alias,
            "country": _text(rows, "country").map(countries).astype(object),
        },
        index=rows.index,
    )
    return "aliases", aliases[name != alias].reset_index(drop=True), REJECTS.empty()


_Parser = Callable[[Path, pd.DataFrame], tuple[str, pd.DataFrame, pd.DataFrame]]

_MATCH = {"Date", "Season", "home", "visitor", "FT", "hgoal", "vgoal"}
_LAYOUTS: tuple[tuple[frozenset[str], _Parser], ...] = (
    (frozenset(_MATCH | {"round", "leg", "HT", "aet", "pens", "tiewinner", "hcountry", "vcountry"}), _champs),
    (
        frozenset(_MATCH | {"round", "tie", "aet", "pen", "pens", "hp", "vp", "nonmatch", "neutral"}),
        lambda path, rows: _cup(path, rows, "eng-fa-cup"),
    ),
    (
        frozenset(_MATCH | {"round", "tie", "leg", "aet", "pens", "northsouth"}),
        lambda path, rows: _cup(path, rows, "eng-league-cup"),
    ),
    (frozenset({"country", "name", "name_other"}), _teamnames),
    (frozenset(_MATCH | {"tier"}), _league),
)
"""Each layout's columns that must be in the header, most specific first, and its parser."""


def _layout(header: list[str]) -> _Parser | None:
    names = set(header)
    return next((parse for columns, parse in _LAYOUTS if columns <= names), None)


class EngsoccerImporter(Importer):
    """engsoccerdata's CSV files: leagues, European Cup, FA Cup, League Cup, team names."""

    name: ClassVar[str] = "engsoccerdata"
    description: ClassVar[str] = (
        "engsoccerdata CSV files: domestic leagues, champs.csv, facup.csv, leaguecup.csv, teamnames.csv"
    )

    def sniff(self, path: Path, head: str) -> bool:
        """Whether the header line is one of engsoccerdata's layouts."""
        first = head.lstrip("\ufeff").split("\n", 1)[0].strip()
        if not first:
            return False
        header = [h.strip() for h in next(csv.reader([first]))]
        return _layout(header) is not None

    def _parse(self, path: Path) -> ParsedFile:
        header, rows, bad_rows = read_csv_rows(path)
        parse = _layout(header)
        if parse is None:
            raise DataError(f"{path}: not an engsoccerdata file (header: {', '.join(header)})")
        table, good, rejects = parse(path, rows)
        parsed = ParsedFile(path=path, format=self.name, rejects=pd.concat([bad_rows, rejects], ignore_index=True))
        setattr(parsed, table, good)
        return parsed
