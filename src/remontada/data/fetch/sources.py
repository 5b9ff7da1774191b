"""The sources remontada fetches, where they publish, and which of their files hold what.

Each source has a root URL (the real site by default; ``--base-url`` or its
environment variable points at a mirror) under which it keeps its own layout, the
same on the real site and on a mirror (DESIGN.md, ``remontada data fetch``):

- ``football-data`` (https://www.football-data.co.uk): a main league's season as
  ``mmz4281/2425/E0.csv`` (the season's two-digit years, then the league code), an
  extra league's every season as ``new/ARG.csv``, and ``fixtures.csv``, the coming
  matches of the main leagues with their prices;
- ``openfootball`` (the openfootball repositories on GitHub): one folder per
  repository, ``champions-league/2024-25/cl.txt`` (``el.txt``, ``conf.txt``) and the
  national leagues' ``england/2024-25/1-premierleague.txt``. On GitHub itself a file is
  served from its repository's branch, ``…/openfootball/champions-league/master/2024-25/cl.txt``;
- ``international`` (martj42/international_results on GitHub): ``results.csv``,
  ``goalscorers.csv`` and ``shootouts.csv``, in that order (goals and shootouts refer
  to the results).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass

from remontada.data.competitions import season_label, season_of, slug_for
from remontada.data.fetch.http import check_url
from remontada.data.io.footballdata import EXTRA_LEAGUES, LEAGUES
from remontada.errors import DataError

__all__ = [
    "OPENFOOTBALL_FILES",
    "SOURCES",
    "RemoteFile",
    "Source",
    "season_finished",
    "source_named",
]

MAIN_LEAGUES = tuple(code for code in LEAGUES if code != "EGY")
"""football-data.co.uk's main leagues (``mmz4281/``); Egypt's file in remontada's data comes from elsewhere."""

DEFAULT_LEAGUES = ("E0", "SP1", "I1", "D1", "F1")
"""What ``data fetch football-data`` fetches without ``--league``: the five big leagues (and the fixtures)."""

FIXTURES = "fixtures"
"""``--league fixtures``: football-data.co.uk's ``fixtures.csv``."""

OPENFOOTBALL_FILES: dict[str, tuple[str, str]] = {
    "uefa-cl": ("champions-league", "cl.txt"),
    "uefa-el": ("champions-league", "el.txt"),
    "uefa-ecl": ("champions-league", "conf.txt"),
    "eng-1": ("england", "1-premierleague.txt"),
    "eng-2": ("england", "2-championship.txt"),
    "esp-1": ("espana", "1-liga.txt"),
    "ger-1": ("deutschland", "1-bundesliga.txt"),
    "ita-1": ("italy", "1-seriea.txt"),
    "fra-1": ("france", "1-ligue1.txt"),
}
"""Competition -> (openfootball repository, file in each season's folder)."""

DEFAULT_OPENFOOTBALL = ("uefa-cl", "uefa-el", "uefa-ecl")
INTERNATIONAL_FILES = ("results.csv", "goalscorers.csv", "shootouts.csv")


@dataclass(frozen=True)
class RemoteFile:
    """One file of a source: its path under the source's root, and the competition and season it holds.

    ``competition`` is set when the file is that competition's whatever its own lines
    say (an openfootball league file, or ``--competition``); ``season`` is ``None`` for a
    file that grows for ever (``fixtures.csv``, an extra league, the internationals).
    """

    source: str
    path: str
    competition: str | None = None
    season: str | None = None
    follows: str | None = None
    """The competition the file keeps up to date, for ``data update`` (``competition`` or the league's)."""
    after: str | None = None
    """The path of a file this one refers to (goals refer to results): it is skipped when that one fails."""


@dataclass(frozen=True)
class Source:
    """A source online: its name, its real root URL and the environment variable that replaces it."""

    name: str
    root: str
    env: str

    def base(self, override: str | None = None) -> str:
        """The root to fetch from: ``override`` (``--base-url``), else the environment variable, else the real site."""
        if override is not None:
            return check_url(override, "--base-url")
        if os.environ.get(self.env):
            return check_url(os.environ[self.env], self.env)
        return self.root

    def url(self, base: str, path: str) -> str:
        """The URL of ``path`` under ``base``; on GitHub, openfootball's files are on each repository's branch."""
        if self.name == "openfootball" and base == self.root:
            repository, _, rest = path.partition("/")
            return f"{base}/{repository}/master/{rest}"
        return f"{base}/{path}"

    def files(
        self, *, leagues: Sequence[str] = (), competition: str | None = None, seasons: Sequence[str] = ()
    ) -> list[RemoteFile]:
        """The files a ``data fetch`` of this source asks for (see the module docstring for the defaults)."""
        chosen = [_season(s) for s in seasons] or [season_of(dt.date.today())]
        if self.name == "international":
            results, *others = INTERNATIONAL_FILES
            first = RemoteFile(self.name, results, follows="int:")
            return [first, *(RemoteFile(self.name, f, follows="int:", after=results) for f in others)]
        if self.name == "openfootball":
            wanted = [slug_for(c) for c in ([competition] if competition else leagues)] or list(DEFAULT_OPENFOOTBALL)
            unknown = [c for c in wanted if c not in OPENFOOTBALL_FILES]
            if unknown:
                raise DataError(
                    f"openfootball: no file known for {', '.join(unknown)}; it has {', '.join(OPENFOOTBALL_FILES)}"
                )
            return [
                RemoteFile(self.name, f"{OPENFOOTBALL_FILES[c][0]}/{s}/{OPENFOOTBALL_FILES[c][1]}", c, s, c)
                for c in wanted
                for s in chosen
            ]
        override = slug_for(competition) if competition else None
        files = []
        for code in [c.upper() if c.upper() in (*LEAGUES, *EXTRA_LEAGUES) else c for c in leagues or DEFAULT_LEAGUES]:
            if code == FIXTURES:
                files.append(RemoteFile(self.name, "fixtures.csv", override))
            elif code in EXTRA_LEAGUES:
                files.append(RemoteFile(self.name, f"new/{code}.csv", override, None, EXTRA_LEAGUES[code][0]))
            else:  # a main league, or a user's own code on a mirror
                follows = override or (LEAGUES[code][0] if code in LEAGUES else None)
                files += [RemoteFile(self.name, f"mmz4281/{_yyzz(s)}/{code}.csv", override, s, follows) for s in chosen]
        if not leagues:
            files.append(RemoteFile(self.name, "fixtures.csv"))
        return files


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("football-data", "https://www.football-data.co.uk", "REMONTADA_FOOTBALL_DATA_URL"),
        Source("openfootball", "https://raw.githubusercontent.com/openfootball", "REMONTADA_OPENFOOTBALL_URL"),
        Source(
            "international",
            "https://raw.githubusercontent.com/martj42/international_results/master",
            "REMONTADA_INTERNATIONAL_URL",
        ),
    )
}
"""The sources ``data fetch`` knows, by name."""


def source_named(name: str) -> Source:
    """The source called ``name``; an unknown name is an error listing the known ones."""
    if name not in SOURCES:
        raise DataError(f"unknown source {name!r}; remontada fetches {', '.join(SOURCES)}")
    return SOURCES[name]


def _season(text: str) -> str:
    """``2024-25`` from ``2024-25``, ``2024/25`` or ``2425``; anything else is an error."""
    t = text.strip().replace("/", "-")
    if len(t) == 4 and t.isdigit() and (int(t[:2]) + 1) % 100 == int(t[2:]):
        return season_label(2000 + int(t[:2]) if int(t[:2]) < 69 else 1900 + int(t[:2]))
    if len(t) == 7 and t[:4].isdigit() and t[4] == "-" and t[5:].isdigit() and (int(t[:4]) + 1) % 100 == int(t[5:]):
        return t
    raise DataError(f"--season {text!r} is not a season: give it as 2024-25")


def _yyzz(season: str) -> str:
    """football-data.co.uk's folder for a season: ``2024-25`` -> ``2425``."""
    return season[2:4] + season[5:7]


def season_finished(season: str | None, today: dt.date) -> bool:
    """Whether a season is over: a club season after 31 August of its second year, a calendar year after its end.

    ``None`` (a file that grows for ever) is never over.
    """
    if season is None:
        return False
    if "-" in season:
        return today > dt.date(int(season[:4]) + 1, 8, 31)
    return today > dt.date(int(season), 12, 31)
