"""football-data.co.uk results files, with or without bookmaker odds.

Two layouts occur in the wild, both one match per line with a header:

* **The download** from football-data.co.uk (``mmz4281/2324/E0.csv``)::

      Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,Referee,HS,AS,...,HR,AR,B365H,B365D,...

  ``Div`` is the league code (``E0`` Premier League, ``SP1`` La Liga, ...), ``Date`` is
  ``dd/mm/yy`` or ``dd/mm/yyyy`` (both occur, even within one file), ``Time`` (the
  kick-off, from 2019-20) is optional, and dozens of columns hold bookmakers' prices
  (see :mod:`remontada.data.io.footballdata_odds`). ``HR``/``AR`` are red cards. Early
  seasons have no half-time score.
* **The extra leagues** (``new/ARG.csv``: Argentina, Brazil, the USA, ... one file
  per league holding every season)::

      Country,League,Season,Date,Time,Home,Away,HG,AG,Res,PSCH,PSCD,PSCA,MaxCH,...,AvgCA

  read as the download with ``Home``/``Away``/``HG``/``AG``/``Res`` for
  ``HomeTeam``/``AwayTeam``/``FTHG``/``FTAG``/``FTR``; the league comes from the file's
  code (:data:`EXTRA_LEAGUES`), else from ``Country`` and ``League``; ``Season`` is
  ``2023/2024`` or a calendar year ``2024``.
* **The ISO rewrite** published by datasets/football-datasets
  (``premier-league/season-2324.csv``): no ``Div``, ``Time`` or odds, ``Date`` as
  ``yyyy-mm-dd``. The league comes from the folder name (``premier-league``,
  ``la-liga``, ``serie-a``, ``bundesliga``, ``ligue-1``) or from a file named after
  its league code (``E0.csv``).

``FTHG``/``FTAG`` are the full-time (90 minute) goals, ``FTR`` the result (``H``,
``D``, ``A``), ``HTHG``/``HTAG``/``HTR`` the same at half time. League matches only:
never neutral, never knockout. The match statistics are kept where a file has them
(:data:`STATISTICS`: ``HS``/``AS`` shots, ``HST``/``AST`` shots on target, ``HC``/``AC``
corners, ``HY``/``AY`` yellow cards); a blank cell is simply unknown, and a cell that
is no count (``x``, ``-3``, ``7.5``), or more shots on target than shots, is a reject
naming its column while the match is kept without that side's figures. More goals than
shots on target is not a contradiction: own goals are nobody's shot. Other columns
(fouls, referee, attendance, ...) are not used.

Every price cell becomes a row of the ODDS table, tied to its match by the line; an
empty cell is skipped, and a cell that is no price (``0.9``, ``x``) or an Asian
handicap price without a handicap is a reject naming its column -- the match stays.
A line without a score (both goal cells empty, as in every line of
``fixtures.csv``, the coming matches with their prices) is a fixture, its prices
kept with it. A ``Div`` remontada has no competition for (a user's own league in
this layout) is a competition of that name (``data import --competition`` names it
otherwise). A date that is no date and a result (``FTR``/``HTR``) that contradicts
its score reject the match, with the first problem as the reason.

Seasons start on 1 July. A file named ``season-YYZZ`` holds that season; a file whose
matches all fall between 1 July and the 31 August fourteen months later is one season
(2019-20 ran into August 2020); any other file is a compilation of seasons and each
match gets the season of its date.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from remontada.data.competitions import season_label, season_of
from remontada.data.io.base import (
    FIXTURES,
    MATCH_STATISTICS,
    MAX_COUNT,
    Importer,
    ParsedFile,
    plausible_dates,
    read_csv_rows,
)
from remontada.data.io.footballdata_odds import odds_of
from remontada.errors import DataError

__all__ = [
    "CALENDAR_YEAR",
    "EXTRA_LEAGUES",
    "FOLDERS",
    "LEAGUES",
    "STATISTICS",
    "FootballDataImporter",
]

LEAGUES: dict[str, tuple[str, str]] = {
    "E0": ("eng-1", "ENG"),
    "E1": ("eng-2", "ENG"),
    "E2": ("eng-3", "ENG"),
    "E3": ("eng-4", "ENG"),
    "EC": ("eng-5", "ENG"),
    "SP1": ("esp-1", "ESP"),
    "SP2": ("esp-2", "ESP"),
    "I1": ("ita-1", "ITA"),
    "I2": ("ita-2", "ITA"),
    "D1": ("ger-1", "GER"),
    "D2": ("ger-2", "GER"),
    "F1": ("fra-1", "FRA"),
    "F2": ("fra-2", "FRA"),
    "N1": ("ned-1", "NED"),
    "B1": ("bel-1", "BEL"),
    "P1": ("por-1", "POR"),
    "T1": ("tur-1", "TUR"),
    "G1": ("gre-1", "GRE"),
    "SC0": ("sco-1", "SCO"),
    "SC1": ("sco-2", "SCO"),
    "SC2": ("sco-3", "SCO"),
    "SC3": ("sco-4", "SCO"),
    "EGY": ("egy-1", "EGY"),
}
"""League code (``Div``) -> (competition slug, country)."""

EXTRA_LEAGUES: dict[str, tuple[str, str]] = {
    "ARG": ("arg-1", "ARG"),
    "AUT": ("aut-1", "AUT"),
    "BRA": ("bra-1", "BRA"),
    "CHN": ("chn-1", "CHN"),
    "DNK": ("den-1", "DEN"),
    "FIN": ("fin-1", "FIN"),
    "IRL": ("irl-1", "IRL"),
    "JPN": ("jpn-1", "JPN"),
    "MEX": ("mex-1", "MEX"),
    "NOR": ("nor-1", "NOR"),
    "POL": ("pol-1", "POL"),
    "ROU": ("rou-1", "ROU"),
    "RUS": ("rus-1", "RUS"),
    "SWE": ("swe-1", "SWE"),
    "SWZ": ("sui-1", "SUI"),
    "USA": ("usa-1", "USA"),
}
"""The extra leagues' file codes (``new/ARG.csv``) -> (competition slug, country: FIFA's code, not the file's)."""

CALENDAR_YEAR = frozenset({"ARG", "BRA", "CHN", "FIN", "IRL", "JPN", "NOR", "SWE", "USA"})
"""Extra leagues whose season is the calendar year (their ``Season`` cells read ``2024``)."""

_EXTRA_COLUMNS = {"Home": "HomeTeam", "Away": "AwayTeam", "HG": "FTHG", "AG": "FTAG", "Res": "FTR"}
"""The extra leagues' column names -> the main leagues' names for the same thing."""

FOLDERS: dict[str, str] = {
    "premier-league": "E0",
    "la-liga": "SP1",
    "serie-a": "I1",
    "bundesliga": "D1",
    "ligue-1": "F1",
}
"""Folder names of the ISO rewrite -> league code."""

_REQUIRED = ("Date", "HomeTeam", "AwayTeam")
_SCORES = ("FTHG", "FTAG")
_EXTRA_REQUIRED = ("Country", "League", "Date", "Home", "Away")
STATISTICS: dict[str, str] = dict(
    zip(("HS", "AS", "HST", "AST", "HC", "AC", "HY", "AY"), MATCH_STATISTICS, strict=True)
)
"""football-data.co.uk's statistics columns -> the match columns they fill."""

_DATE = re.compile(
    r"^(?:(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4}|\d{2})"
    r"|(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2}))$"
)
_SEASON_FILE = re.compile(r"season-(\d{2})(\d{2})")


def _full_year(two_digits: int) -> int:
    """Read a two-digit year as POSIX ``%y`` does: 69-99 are 19xx, 00-68 are 20xx."""
    return two_digits + (1900 if two_digits >= 69 else 2000)


def _parse_dates(text: pd.Series) -> pd.Series:
    """``dd/mm/yy``, ``dd/mm/yyyy`` or ``yyyy-mm-dd`` cells as dates; NaT for anything else."""
    parts = text.str.strip().str.extract(_DATE)
    year = pd.to_numeric(parts["year"])
    short = parts["year"].str.len() == 2
    year[short] = year[short].map(lambda y: _full_year(int(y)))
    fields = pd.DataFrame(
        {
            "year": year.fillna(pd.to_numeric(parts["iso_year"])),
            "month": pd.to_numeric(parts["month"]).fillna(pd.to_numeric(parts["iso_month"])),
            "day": pd.to_numeric(parts["day"]).fillna(pd.to_numeric(parts["iso_day"])),
        }
    )
    return plausible_dates(pd.to_datetime(fields, errors="coerce").astype("datetime64[s]"))


def _named_season(path: Path) -> int | None:
    """Return the first year of the season a ``season-YYZZ`` file name gives, if it gives one."""
    match = _SEASON_FILE.fullmatch(path.stem)
    if match is None:
        return None
    first, second = int(match[1]), int(match[2])
    if (first + 1) % 100 != second:
        raise DataError(
            f"{path}: {path.stem!r} is not a season; name a season file after two consecutive years, "
            "like season-1920.csv for 2019-20"
        )
    return _full_year(first)


def _last_day(start_year: int) -> pd.Timestamp:
    """Return the last date a season's match can have: 31 August after it (2019-20 ran into August 2020)."""
    return pd.Timestamp(start_year + 1, 8, 31)


def _seasons(path: Path, dates: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each row's season label, and a reason for rows outside the file's named season.

    See the module docstring for the rules.
    """
    no_reason = pd.Series("", index=dates.index, dtype=object)
    known = dates.dropna()
    named = _named_season(path)
    if named is None:
        if known.empty:
            return pd.Series(None, index=dates.index, dtype=object), no_reason
        first = int(season_of(known.min().date())[:4])
        if known.max() <= _last_day(first):
            return pd.Series(season_label(first), index=dates.index, dtype=object), no_reason
        labels = {day: season_of(day.date()) for day in known.unique()}
        return dates.map(labels).astype(object), no_reason
    label = season_label(named)
    inside = dates.between(pd.Timestamp(named, 7, 1), _last_day(named))
    if len(known) and not inside.any():
        raise DataError(
            f"{path}: the file name says season {label} but its matches are dated "
            f"{known.min():%Y-%m-%d} to {known.max():%Y-%m-%d}; rename the file after the season it holds"
        )
    outside = dates.notna() & ~inside
    reason = no_reason.mask(
        outside, "Date " + dates.dt.strftime("%Y-%m-%d") + f" is outside season {label}, which the file name gives"
    )
    return pd.Series(label, index=dates.index, dtype=object), reason


# --- the importer ---------------------------------------------------------------------------------

_SLUGS = {code: slug for code, (slug, _) in (LEAGUES | EXTRA_LEAGUES).items()}
_COUNTRIES = {code: country for code, (_, country) in (LEAGUES | EXTRA_LEAGUES).items()}
_OPTIONAL = ("Div", "Time", "FTHG", "FTAG", "FTR", "HTHG", "HTAG", "HTR", "HR", "AR", "Season", "Country", "League",
             *STATISTICS)  # fmt: skip


class FootballDataImporter(Importer):
    """football-data.co.uk files: the download with odds, or the ISO-date rewrite."""

    name: ClassVar[str] = "football-data"
    description: ClassVar[str] = (
        "football-data.co.uk league results and odds (Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,...), "
        "also the ISO-date rewrite in <league>/season-YYZZ.csv"
    )

    def sniff(self, path: Path, head: str) -> bool:
        """Whether the header is a results or fixtures file of the main or the extra leagues.

        The main leagues' header has ``Date``, ``HomeTeam``, ``AwayTeam`` and the scores
        (``FTHG``, ``FTAG``) or, in ``fixtures.csv``, ``Div``; the extra leagues' has
        ``Country``, ``League``, ``Date``, ``Home`` and ``Away``.
        """
        first = head.lstrip("\ufeff").split("\n", 1)[0]
        header = {cell.strip() for cell in next(csv.reader([first]), [])}
        main = header.issuperset(_REQUIRED) and (header.issuperset(_SCORES) or "Div" in header)
        return main or header.issuperset(_EXTRA_REQUIRED)

    def _parse(self, path: Path) -> ParsedFile:
        header, rows, rejects = read_csv_rows(path)
        extra = set(_EXTRA_REQUIRED).issubset(header) and not set(_REQUIRED).issubset(header)
        if extra:
            header = [_EXTRA_COLUMNS.get(c, c) for c in header]
            rows = rows.rename(columns=_EXTRA_COLUMNS)
        scores = [c for c in _SCORES if c in header]
        lacking = [c for c in (*_REQUIRED, *(_SCORES if scores else ())) if c not in header]
        if lacking:
            raise DataError(f"{path}: not a football-data.co.uk file, the header lacks {', '.join(lacking)}")
        repeated = sorted({c for c in header if c and header.count(c) > 1})
        if repeated:
            raise DataError(f"{path}: the header repeats {', '.join(repeated)}; keep one column of each name")
        parsed = ParsedFile(path, self.name, rejects=rejects)
        if rows.empty:
            return parsed
        cells = pd.DataFrame({c: rows[c].str.strip() for c in (*_REQUIRED, *_OPTIONAL) if c in header})
        for column in _OPTIONAL:
            if column not in cells:
                cells[column] = ""
        if extra:
            cells["Div"] = _extra_league(path, cells)
        elif "Div" not in header:
            cells["Div"] = _league_of_file(path)
        dates = _parse_dates(cells["Date"])
        if extra:
            seasons, outside = _extra_seasons(cells, dates)
        else:
            seasons, outside = _seasons(path, dates)
        reason = _problems(cells, dates, outside)
        bad = reason != ""
        unplayed = (cells["FTHG"] == "") & (cells["FTAG"] == "")
        statistics, stat_rejects = _statistics(cells, rows)
        frame = pd.DataFrame(
            {
                "line": rows["line"],
                "raw": rows["raw"],
                "date": dates,
                "kickoff": cells["Time"],
                "competition": cells["Div"].map(_SLUGS).fillna(cells["Div"]),
                "season": seasons,
                "knockout": False,
                "team_kind": "club",
                "home": cells["HomeTeam"],
                "away": cells["AwayTeam"],
                "home_country": cells["Div"].map(_COUNTRIES),
                "away_country": cells["Div"].map(_COUNTRIES),
                "neutral": False,
                "home_goals": cells["FTHG"],
                "away_goals": cells["FTAG"],
                "ht_home_goals": cells["HTHG"],
                "ht_away_goals": cells["HTAG"],
                "home_red": cells["HR"],
                "away_red": cells["AR"],
                **statistics,
                "score_includes_et": False,
            }
        )
        parsed.matches = frame[~bad & ~unplayed].reset_index(drop=True)
        parsed.fixtures = frame.loc[~bad & unplayed, [c for c in FIXTURES.names if c in frame]].reset_index(drop=True)
        parsed.odds, odds_rejects = odds_of(header, rows[~bad])
        row_rejects = pd.DataFrame({"line": rows.loc[bad, "line"], "raw": rows.loc[bad, "raw"], "reason": reason[bad]})
        stat_rejects = stat_rejects[stat_rejects["line"].isin(rows.loc[~bad & ~unplayed, "line"])]
        parsed.rejects = pd.concat([rejects, row_rejects, stat_rejects, odds_rejects], ignore_index=True)
        return parsed


def _league_of_file(path: Path) -> str:
    """Return the league code a file's name or folder gives (``E0.csv``, ``premier-league/``)."""
    for name in (path.stem, path.parent.name):
        if name.upper() in LEAGUES:
            return name.upper()
        if name.lower() in FOLDERS:
            return FOLDERS[name.lower()]
    raise DataError(
        f"{path}: no Div column, and neither the file name nor its folder names the league. "
        f"Put the file in a folder named after its league ({', '.join(FOLDERS)}) or name it "
        "after its football-data.co.uk league code (E0.csv, SP1.csv, ...)"
    )


def _extra_league(path: Path, cells: pd.DataFrame) -> pd.Series:
    """An extra-leagues file's league: its code from the file name (``ARG.csv``), else ``Country League``."""
    code = path.stem.upper()
    if code in EXTRA_LEAGUES:
        return pd.Series(code, index=cells.index, dtype=object)
    return (cells["Country"] + " " + cells["League"]).str.strip()


_EXTRA_SEASON = re.compile(r"(?P<start>\d{4})(?:/(?P<end>\d{4}))?")


def _extra_seasons(cells: pd.DataFrame, dates: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The extra leagues' ``Season`` cells as season labels (``2023/2024`` -> ``2023-24``), and reasons.

    A file without the column (``new_league_fixtures.csv``) gets each date's season,
    the calendar year for the leagues of :data:`CALENDAR_YEAR`.
    """
    reason = pd.Series("", index=cells.index, dtype=object)
    if (cells["Season"] == "").all():
        calendar = cells["Div"].isin(CALENDAR_YEAR)
        labels = [
            None if pd.isna(d) else season_of(d.date(), calendar_year=bool(c))
            for d, c in zip(dates, calendar, strict=True)
        ]
        return pd.Series(labels, index=cells.index, dtype=object), reason
    parts = cells["Season"].str.extract(_EXTRA_SEASON)
    start = pd.to_numeric(parts["start"], errors="coerce")
    end = pd.to_numeric(parts["end"], errors="coerce")
    whole = cells["Season"].str.fullmatch(_EXTRA_SEASON.pattern) & (end.isna() | (end == start + 1))
    labels = [
        None if not ok else (str(int(s)) if pd.isna(e) else season_label(int(s)))
        for s, e, ok in zip(start, end, whole.fillna(False), strict=True)
    ]
    reason[~whole.fillna(False)] = "Season: " + cells["Season"].map(repr) + " is not 2023/2024 or 2024"
    return pd.Series(labels, index=cells.index, dtype=object), reason


def _problems(cells: pd.DataFrame, dates: pd.Series, outside: pd.Series) -> pd.Series:
    """Why each row cannot be used (the first problem found), ``""`` for good rows.

    Type and range checks are left to :meth:`Importer.parse`; these are the checks
    that need the source's own columns: dates, league codes, and results that
    contradict the scores.
    """
    home, away, ht_home, ht_away = (pd.to_numeric(cells[c], errors="coerce") for c in ("FTHG", "FTAG", "HTHG", "HTAG"))
    score = cells["FTHG"] + "-" + cells["FTAG"]
    ht_score = cells["HTHG"] + "-" + cells["HTAG"]
    checks: list[tuple[pd.Series, pd.Series | str]] = [
        (cells["Date"] == "", "Date: missing"),
        (dates.isna(), "Date: " + cells["Date"].map(repr) + " is not a date (dd/mm/yy, dd/mm/yyyy or yyyy-mm-dd)"),
        (outside != "", outside),
        (cells["Div"] == "", "Div: missing"),
        ((home < 0) | (away < 0), "negative goals in the score " + score),
        ((ht_home < 0) | (ht_away < 0), "negative goals in the half-time score " + ht_score),
        (
            _contradicts(cells["FTR"], home, away),
            "FTR " + cells["FTR"].map(repr) + " does not match the score " + score,
        ),
        (
            _contradicts(cells["HTR"], ht_home, ht_away),
            "HTR " + cells["HTR"].map(repr) + " does not match the half-time score " + ht_score,
        ),
        ((ht_home > home) | (ht_away > away), "half-time score " + ht_score + " is more than the full-time " + score),
    ]
    masks = [mask.to_numpy(dtype=bool, na_value=False) for mask, _ in checks]
    texts = [np.broadcast_to(np.asarray(text, dtype=object), len(cells)) for _, text in checks]
    return pd.Series(np.select(masks, texts, ""), index=cells.index)


def _statistics(cells: pd.DataFrame, rows: pd.DataFrame) -> tuple[dict[str, pd.Series], pd.DataFrame]:
    """The statistics columns as match columns, with a reject for every cell that is not a usable count.

    A cell that is not a whole number 0..MAX_COUNT is made blank; so are both of a side's
    shot figures when it has more shots on target than shots. Either way the match
    itself is kept (its score is not in doubt), and the reject names the column.
    """
    values: dict[str, pd.Series] = {}
    reasons: list[pd.Series] = []
    for column, name in STATISTICS.items():
        text = cells[column]
        number = pd.to_numeric(text, errors="coerce")
        ok = number.between(0, MAX_COUNT) & (number == np.floor(number))
        wrong = (text != "") & ~ok
        what = np.where(number < 0, "negative", f"not a count 0..{MAX_COUNT}")
        reasons.append((column + ": " + text.map(repr) + " is " + what + "; the match is kept without it").where(wrong))
        values[name] = number.where(ok)
    for side, shots, target in (("home", "HS", "HST"), ("away", "AS", "AST")):
        shot, on = values[STATISTICS[shots]], values[STATISTICS[target]]
        over = on > shot
        text = f"{target} " + cells[target] + f" is more than {shots} " + cells[shots]
        reasons.append((text + f": the {side} side's shots are kept out").where(over))
        values[STATISTICS[shots]], values[STATISTICS[target]] = shot.mask(over), on.mask(over)
    found = pd.concat(reasons, axis=1).stack().dropna().reset_index(level=1, drop=True)
    rejects = pd.DataFrame(
        {"line": rows.loc[found.index, "line"], "raw": rows.loc[found.index, "raw"], "reason": found}
    )
    return {k: v.astype("Int64") for k, v in values.items()}, rejects.reset_index(drop=True)


def _contradicts(stated: pd.Series, home: pd.Series, away: pd.Series) -> pd.Series:
    """Rows whose stated result (``H``/``D``/``A``) is not what the goals give; a blank never contradicts."""
    actual = np.select([home > away, home < away, home == away], ["H", "A", "D"], "")
    return pd.Series((stated.str.upper() != actual) & (stated != "") & (actual != ""), index=stated.index)
