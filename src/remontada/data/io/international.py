"""Men's international results: martj42/international_results (Kaggle, CC0).

The data set is four CSV files, told apart by their header, all with ISO dates
(``yyyy-mm-dd``), teams under their current names and ``NA`` for missing values:

* ``results.csv`` -- ``date,home_team,away_team,home_score,away_score,tournament,city,country,neutral``:
  one match per line. The score includes extra time (a shootout is in
  ``shootouts.csv``); ``neutral`` is ``TRUE``/``FALSE``; ``country`` is where it was
  played. Each tournament becomes the competition ``int:<tournament>``
  (``int:FIFA World Cup``), its season the calendar year. Whether a match was a
  knockout tie cannot be told, so none is marked as one.
* ``goalscorers.csv`` -- ``date,home_team,away_team,team,scorer,minute,own_goal,penalty``:
  one goal per line, ``team`` the side credited (for an own goal, the side that
  benefits). ``minute`` is ``67`` or, in newer releases, ``45+2`` (minute 45, two
  minutes into stoppage time).
* ``shootouts.csv`` -- ``date,home_team,away_team,winner,first_shooter``: the winner of
  a shootout and, since about 2000, the side that shot first (``first_shooter`` is
  missing from early releases and mostly empty).
* ``former_names.csv`` -- ``current,former,start_date,end_date``: a team's earlier
  names. The canonical aliases table has no dates, so the period a name was used is
  not kept.

Goals and shootouts are tied to their match by date and the two teams' names.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from remontada.data.competitions import season_of
from remontada.data.io.base import Importer, ParsedFile, plausible_dates, read_csv_rows
from remontada.errors import DataError

__all__ = ["InternationalImporter"]

LAYOUTS: dict[str, tuple[str, ...]] = {
    "matches": ("date", "home_team", "away_team", "home_score", "away_score", "tournament", "neutral"),
    "goals": ("date", "home_team", "away_team", "team", "scorer", "minute", "own_goal", "penalty"),
    "shootouts": ("date", "home_team", "away_team", "winner"),
    "aliases": ("current", "former"),
}
"""The columns each file must have, by the canonical table it fills."""

_Checks = list[tuple[pd.Series, pd.Series | str]]


def _layout(header: list[str]) -> str | None:
    """Return the canonical table a file with ``header`` fills, if it is one of this data set's files."""
    columns = set(header)
    return next((table for table, needed in LAYOUTS.items() if columns.issuperset(needed)), None)


def _missing(text: pd.Series) -> pd.Series:
    return (text == "") | (text.str.upper() == "NA")


def _first_problem(checks: _Checks, index: pd.Index) -> pd.Series:
    """Return, per row, the text of the first check that fails, ``""`` when none does."""
    if not checks:
        return pd.Series("", index=index, dtype=object)
    masks = [mask.to_numpy(dtype=bool, na_value=False) for mask, _ in checks]
    texts = [np.broadcast_to(np.asarray(text, dtype=object), len(index)) for _, text in checks]
    return pd.Series(np.select(masks, texts, ""), index=index)


def _dates(cells: pd.DataFrame) -> tuple[pd.Series, _Checks]:
    """Parse the ``date`` column; return the dates and the checks that explain a bad one."""
    dates = plausible_dates(pd.to_datetime(cells["date"], format="%Y-%m-%d", errors="coerce").astype("datetime64[s]"))
    return dates, [
        (_missing(cells["date"]), "date: missing"),
        (dates.isna(), "date: " + cells["date"].map(repr) + " is not a date (yyyy-mm-dd)"),
    ]


def _side(cells: pd.DataFrame, column: str) -> tuple[pd.Series, str | pd.Series]:
    """Check that ``column`` names one of the two teams (when it is given)."""
    named = cells[column]
    stray = ~_missing(named) & (named != cells["home_team"]) & (named != cells["away_team"])
    return stray, f"{column} " + named.map(repr) + " is neither the home nor the away team"


def _matches(cells: pd.DataFrame) -> tuple[pd.DataFrame, _Checks]:
    dates, checks = _dates(cells)
    checks.append((_missing(cells["home_score"]) & _missing(cells["away_score"]), "no score: not played yet"))
    seasons = {day: season_of(day.date(), calendar_year=True) for day in dates.dropna().unique()}
    tournament = cells["tournament"]
    table = pd.DataFrame(
        {
            "date": dates,
            "competition": ("int:" + tournament).mask(_missing(tournament)),
            "season": dates.map(seasons),
            "knockout": False,
            "team_kind": "national",
            "home": cells["home_team"],
            "away": cells["away_team"],
            "neutral": cells["neutral"],
            "home_goals": cells["home_score"],
            "away_goals": cells["away_score"],
            "score_includes_et": True,
        }
    )
    return table, checks


def _goals(cells: pd.DataFrame) -> tuple[pd.DataFrame, _Checks]:
    dates, checks = _dates(cells)
    checks.append((_missing(cells["minute"]), "goal without a minute"))
    checks.append(_side(cells, "team"))
    minute = cells["minute"].str.extract(r"^(?P<minute>\d+)(?:\+(?P<stoppage>\d+))?$")
    table = pd.DataFrame(
        {
            "date": dates,
            "home": cells["home_team"],
            "away": cells["away_team"],
            "team": cells["team"],
            "scorer": cells["scorer"],
            # Not a minute: the raw text, which validation rejects with its reason.
            "minute": minute["minute"].fillna(cells["minute"]),
            "stoppage": minute["stoppage"],
            "minute_raw": cells["minute"],
            "penalty": cells["penalty"],
            "own_goal": cells["own_goal"],
        }
    )
    return table, checks


def _shootouts(cells: pd.DataFrame) -> tuple[pd.DataFrame, _Checks]:
    cells = cells.assign(first_shooter=cells.get("first_shooter", ""))
    dates, checks = _dates(cells)
    checks.append(_side(cells, "winner"))
    checks.append(_side(cells, "first_shooter"))
    table = pd.DataFrame(
        {
            "date": dates,
            "home": cells["home_team"],
            "away": cells["away_team"],
            "winner": cells["winner"],
            "first_shooter": cells["first_shooter"],
        }
    )
    return table, checks


def _aliases(cells: pd.DataFrame) -> tuple[pd.DataFrame, _Checks]:
    table = pd.DataFrame({"team_kind": "national", "name": cells["current"], "alias": cells["former"]})
    return table, []


_BUILDERS = {"matches": _matches, "goals": _goals, "shootouts": _shootouts, "aliases": _aliases}


class InternationalImporter(Importer):
    """The international results data set's four files."""

    name: ClassVar[str] = "international"
    description: ClassVar[str] = (
        "martj42/international_results: results.csv, goalscorers.csv, shootouts.csv or former_names.csv"
    )

    def sniff(self, path: Path, head: str) -> bool:
        """Whether the header is that of one of the four files."""
        first = head.lstrip("\ufeff").split("\n", 1)[0]
        return _layout([cell.strip() for cell in next(csv.reader([first]), [])]) is not None

    def _parse(self, path: Path) -> ParsedFile:
        header, rows, rejects = read_csv_rows(path)
        table = _layout(header)
        if table is None:
            raise DataError(
                f"{path}: not one of the international results files, whose headers have the columns "
                + "; ".join(",".join(columns) for columns in LAYOUTS.values())
            )
        parsed = ParsedFile(path, self.name, rejects=rejects)
        if rows.empty:
            return parsed
        cells = pd.DataFrame({c: rows[c].str.strip() for c in header if c})
        frame, checks = _BUILDERS[table](cells)
        reason = _first_problem(checks, rows.index)
        bad = reason != ""
        frame.insert(0, "line", rows["line"])
        frame.insert(1, "raw", rows["raw"])
        setattr(parsed, table, frame[~bad].reset_index(drop=True))
        row_rejects = pd.DataFrame({"line": rows.loc[bad, "line"], "raw": rows.loc[bad, "raw"], "reason": reason[bad]})
        parsed.rejects = pd.concat([rejects, row_rejects], ignore_index=True)
        return parsed
