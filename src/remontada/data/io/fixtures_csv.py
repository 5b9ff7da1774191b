"""Importer for a fixtures CSV: the matches still to play, one a row, written by hand or by a script.

The header names the columns, in any order (extra columns are ignored)::

    date,home,away,competition,season,round,group,neutral
    2024-02-13,FC København,Manchester City,uefa-cl,2023-24,Round of 16,,
    2023-10-03,Arsenal,PSV,UEFA Champions League,2023-24,Group B,B,false

``date``, ``home``, ``away``, ``competition`` and ``season`` are required; ``round``,
``group``, ``neutral``, ``kickoff`` (``HH:MM``), ``leg`` (1 or 2) and, for the teams,
``home_country``/``away_country`` (``ENG``) may be given.

- ``date`` is ``YYYY-MM-DD``.
- ``competition`` is a slug (``uefa-cl``, ``eng-1``) or the name of a competition
  remontada knows (``UEFA Champions League``, ``Champions League``, ``Premier
  League``); anything else is kept as written, as the other importers do. An
  ``int:`` slug (``int:FIFA World Cup``, as the internationals importer names them)
  makes both sides national teams; otherwise they are clubs.
- ``season`` is ``2023-24`` (``2023/24`` is read so too) or a calendar year ``2024``.
- ``round`` is mapped to remontada's names (``QF`` -> ``Quarterfinals``), which also
  says whether it is a knockout round; ``group`` is a letter (``Group B`` is read as
  ``B``); ``neutral`` is true/false, yes/no or 1/0 (empty: false).

A row that breaks any of this is rejected with its line and the reason; the others
are kept. The file holds no results: a row with goals belongs in a results file.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from remontada.data.competitions import slug_for
from remontada.data.io.base import REJECTS, Importer, ParsedFile, read_csv_rows
from remontada.data.io.rounds import canonical_round
from remontada.errors import DataError

__all__ = ["FixturesCsvImporter"]

REQUIRED = ("date", "home", "away", "competition", "season")
OPTIONAL = ("round", "group", "neutral", "kickoff", "leg", "home_country", "away_country")
_RESULTS = {"home_goals", "away_goals", "fthg", "ftag", "home_score", "away_score"}
"""Header cells of a results file: such a file is not a fixtures file."""

_SEASON = re.compile(r"(?P<start>\d{4})(?:[-/](?P<end>\d{2}|\d{4}))?")
_GROUP = re.compile(r"(?:group\s+)?(?P<letter>[a-z])", re.IGNORECASE)


class FixturesCsvImporter(Importer):
    """Read a fixtures CSV (the layout is in the module docstring) into ``fixtures`` rows."""

    name: ClassVar[str] = "fixtures"
    description: ClassVar[str] = "fixtures CSV (date,home,away,competition,season[,round][,group][,neutral])"

    def sniff(self, path: Path, head: str) -> bool:
        """Whether the header has the required columns and no goal columns.

        Parameters
        ----------
        path
            The file; only its content is looked at.
        head
            The first few KB of the file.

        Returns
        -------
        bool
            ``True`` for a fixtures CSV.
        """
        first = head.lstrip("\ufeff").split("\n", 1)[0]
        header = {cell.strip().lower() for cell in next(csv.reader([first]), [])}
        return header.issuperset(REQUIRED) and not header & _RESULTS

    def _parse(self, path: Path) -> ParsedFile:
        header, rows, rejects = read_csv_rows(path)
        names = [h.lower() for h in header]
        lacking = [c for c in REQUIRED if c not in names]
        if lacking:
            raise DataError(f"{path}: not a fixtures file, the header lacks {', '.join(lacking)}")
        rows = rows.rename(columns=dict(zip(header, names, strict=True)))
        parsed = ParsedFile(path, self.name, rejects=rejects)
        if rows.empty:
            return parsed
        cells = pd.DataFrame({c: rows[c].str.strip() if c in rows else "" for c in (*REQUIRED, *OPTIONAL)})
        competition = cells["competition"].map(_competition)
        season = cells["season"].map(_season)
        rounds = cells["round"].map(lambda r: canonical_round(r or None))
        group = cells["group"].map(lambda g: m["letter"].upper() if (m := _GROUP.fullmatch(g)) else g or None)
        frame = pd.DataFrame(
            {
                "line": rows["line"],
                "raw": rows["raw"],
                "date": pd.to_datetime(cells["date"], format="%Y-%m-%d", errors="coerce").where(cells["date"] != ""),
                "kickoff": cells["kickoff"].replace("", None),
                "competition": competition,
                "season": season,
                "round": rounds.map(lambda r: r[0]),
                "group": group,
                "knockout": rounds.map(lambda r: r[1]),
                "leg": cells["leg"],
                "team_kind": competition.map(lambda c: "national" if str(c).startswith("int:") else "club"),
                "home": cells["home"],
                "away": cells["away"],
                "home_country": cells["home_country"].str.upper().replace("", None),
                "away_country": cells["away_country"].str.upper().replace("", None),
                "neutral": cells["neutral"].replace("", "false"),
            }
        )
        problems = [
            (cells["date"].ne("") & frame["date"].isna(), "date: " + cells["date"].map(repr) + " is not YYYY-MM-DD"),
            (
                cells["season"].ne("") & season.isna(),
                "season: " + cells["season"].map(repr) + " is not 2023-24 or 2024",
            ),
        ]
        reasons: list[list[str]] = [[] for _ in range(len(rows))]
        for mask, text in problems:
            for i in np.flatnonzero(mask.to_numpy(dtype=bool)):
                reasons[i].append(text.iloc[i])
        reason = pd.Series(["; ".join(r) for r in reasons], index=rows.index)
        bad = reason != ""
        parsed.fixtures = frame[~bad].reset_index(drop=True)
        own = pd.DataFrame({"line": rows.loc[bad, "line"], "raw": rows.loc[bad, "raw"], "reason": reason[bad]})
        parsed.rejects = pd.concat([r for r in (rejects, own) if len(r)] or [REJECTS.empty()], ignore_index=True)
        return parsed


def _competition(text: str) -> str | None:
    """A competition slug from a slug or a known name; other text is kept as written."""
    return slug_for(text) if text else None


def _season(text: str) -> str | None:
    """``2023-24`` from ``2023-24``, ``2023/24`` or ``2023/2024``; ``2024`` as it is; else ``None``."""
    m = _SEASON.fullmatch(text)
    if m is None:
        return None
    start, end = int(m["start"]), m["end"]
    if end is None:
        return str(start)
    if int(end) % 100 != (start + 1) % 100:
        return None
    return f"{start}-{(start + 1) % 100:02d}"
