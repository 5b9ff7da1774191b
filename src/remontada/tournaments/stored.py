"""A competition's season read from the store, in the shape the tournament engine takes.

The store holds a season as played matches and fixtures (matches still to play), each
with its group letter where the source gave one (openfootball's ``Group A`` rounds).
A forecast as of a date sees the season as it stood that morning: every match on or
after the date is treated as not yet played (``schedule.competition_matches``).

Three shapes of season:

* **a league**: its matches, which the forecaster completes to a round robin;
* **a cup with a group stage**: the group matches with their letters, and the knockout
  matches already played with who went through. Past international tournaments are
  stored without letters (``international/results.csv`` has none), so their groups come
  from ``builtin/editions.csv``, and a match belongs to the group stage when both teams
  are in one group and it comes before the first match between two groups;
* **a cup in its two-legged knockout rounds** (the UEFA club competitions), forecast from
  the round under way by ``TournamentForecaster``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from remontada.data.queries import find_competition
from remontada.data.schedule import competition_matches
from remontada.data.store import Store
from remontada.errors import DataError
from remontada.tournaments.formats import BUILTIN, Format, load_format

__all__ = ["StoredSeason", "read_season"]

_COLUMNS = ["date", "home", "away", "group", "neutral", "home_goals", "away_goals", "winner"]


@dataclass(frozen=True)
class StoredSeason:
    """One competition's season as of a date: ``matches`` has goals only for matches played before ``as_of``."""

    competition: str
    season: str
    kind: str
    as_of: dt.date
    matches: pd.DataFrame
    edition: tuple[str, dict[str, str]] | None  # a past international tournament: its format and groups

    @property
    def label(self) -> str:
        """``uefa-cl 2022-23``: how messages name the season."""
        return f"{self.competition} {self.season}"

    @property
    def in_two_legged_knockouts(self) -> bool:
        """Whether a club cup's knockout rounds (stored as such, with their legs) had begun by ``as_of``."""
        return self.kind != "league" and self.edition is None and bool((self.matches["knockout"] & self.played).any())

    @property
    def played(self) -> pd.Series:
        """Whether each match had been played by the morning of ``as_of``."""
        return self.matches["played"]

    def default_format(self) -> Format:
        """The built-in format this season is played to, when the store says enough to know it."""
        if self.kind == "league":
            try:
                return load_format(f"league-{self.competition}")
            except DataError:
                return load_format("league")
        if self.edition is not None:
            return load_format(self.edition[0])
        letters = set(self.matches["group"].dropna())
        if self.competition == "uefa-cl" and len(letters) == 8:
            return load_format("uefa-group-stage")
        shown = f"groups {', '.join(sorted(letters))}" if letters else "no group letters"
        raise DataError(
            f"{self.label}: no built-in format describes its group stage from the store ({shown}); "
            "name a format, or forecast it from a fixtures file"
        )

    def table_rows(self, fmt: Format) -> pd.DataFrame:
        """The season as a fixtures frame (DESIGN.md's columns): table matches, then knockout matches played."""
        rows = self.matches
        if fmt.groups is None:
            group = pd.Series("", index=rows.index)
            knockout = pd.Series(False, index=rows.index)
        elif self.edition is not None:
            groups = {t.casefold(): g for t, g in self.edition[1].items()}
            home = rows["home"].str.casefold().map(groups)
            same = home.notna() & (home == rows["away"].str.casefold().map(groups))
            crossing = (~same).to_numpy().nonzero()[0]
            before = pd.Series(rows.index < (crossing[0] if len(crossing) else len(rows)), index=rows.index)
            group = home.where(same & before, "")
            knockout = group == ""
        else:
            group = rows["group"].fillna("")
            knockout = rows["knockout"] & (group == "")
        out = pd.DataFrame(
            {
                "date": rows["date"],
                "home": rows["home"],
                "away": rows["away"],
                "group": group,
                "neutral": rows["neutral"],
                "home_goals": rows["home_goals"],
                "away_goals": rows["away_goals"],
                "winner": [_winner(r) for r in rows.to_dict("records")],
            }
        )
        table = out[~knockout]
        played_knockouts = out[knockout & self.played]
        return pd.concat([table, played_knockouts], ignore_index=True)[_COLUMNS]


def read_season(store: Store, competition: str, season: str, as_of: dt.date | None = None) -> StoredSeason:
    """A stored season as of ``as_of`` (default: the day after its latest match played).

    Raises :class:`DataError` when the store has neither matches nor fixtures for it.
    """
    comp = find_competition(store, competition)
    kind = store.one("SELECT kind FROM competitions WHERE competition_id = ?", [comp])
    frame = competition_matches(store, comp, season, as_of)
    if frame.empty:
        raise DataError(f"no matches or fixtures of {comp} in season {season!r} in the store")
    if as_of is None:  # nothing stored was played after the default date: the frame is already as of it
        played = frame.loc[frame["played"], "date"]
        as_of = (max(played) + pd.Timedelta(days=1)).date() if len(played) else min(frame["date"]).date()
        frame = frame[frame["played"] | (frame["date"] >= pd.Timestamp(as_of))]
    frame = frame.assign(date=frame["date"].dt.date).reset_index(drop=True)
    return StoredSeason(comp, season, str(kind[0]) if kind else "cup", as_of, frame, _edition(comp, season))


def _winner(row: dict[Hashable, Any]) -> str:
    """Who won a knockout match that was played: on goals after extra time, else the shootout."""
    if pd.isna(row["home_goals"]):
        return ""
    et_home, et_away = row["et_home_goals"], row["et_away_goals"]
    extra = not pd.isna(et_home) and not pd.isna(et_away)
    home, away = (et_home, et_away) if extra else (row["home_goals"], row["away_goals"])
    if home != away:
        return str(row["home"] if home > away else row["away"])
    return "" if pd.isna(row["shootout_winner"]) else str(row["shootout_winner"])


@functools.cache
def _editions() -> pd.DataFrame:
    return pd.read_csv(BUILTIN / "editions.csv", dtype=str)


def _edition(competition: str, season: str) -> tuple[str, dict[str, str]] | None:
    """A past international tournament in ``editions.csv``: its format and each team's group."""
    editions = _editions()
    mine = editions[("int:" + editions["tournament"] == competition) & (editions["first_date"].str[:4] == season)]
    if mine.empty:
        return None
    return str(mine["format"].iloc[0]), dict(zip(mine["team"], mine["group"], strict=True))
