"""Fixtures in the store: the matches still to play, until their results replace them.

A whole-competition forecast needs the matches not yet played as much as the ones
played. Importers give them as canonical ``fixtures`` rows (openfootball's unscored
``A v B`` lines, the fixtures CSV); the import resolves their team names like any
match's and hands them here, inside its transaction:

- **A result replaces its fixture.** A stored match of the same competition and
  season between the same home and away team, within :data:`WINDOW` days of the
  fixture's date (fixtures get moved), is that fixture played: the fixture and its
  prices are deleted when the match is imported (:func:`retire`), and a fixture whose match is
  already stored is not added (:func:`store`). At a neutral venue the sides may be
  written either way round, so there the swapped pair counts too.
- **The same fixture is stored once.** A fixture that matches a stored one (same
  competition, season, home and away, within :data:`WINDOW` days) updates it — its
  date, kick-off, round, group, venue and leg are the newest file's — so importing
  a fixtures file again, or a later version of it with moved dates, adds nothing.
- **Names are never guessed.** A name known only from fixtures (no match of it was
  ever imported) becomes a new team like any unknown name, and is also listed in
  ``unresolved`` (:func:`doubt_new_teams`), since a typo in a fixtures file would
  otherwise pass unseen.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from remontada.data.resolve import Resolution
from remontada.data.store import Store

__all__ = ["WINDOW", "doubt_new_teams", "retire", "store"]

WINDOW = 3
"""Days between a fixture's date and its match's (or another listing's) within which they are the same match."""

_SAME = f"""
    {{a}}.competition_id = {{b}}.competition_id AND {{a}}.season = {{b}}.season
    AND abs(date_diff('day', {{a}}.date, {{b}}.date)) <= {WINDOW}
    AND (({{a}}.home_id = {{b}}.home_id AND {{a}}.away_id = {{b}}.away_id)
         OR ({{b}}.neutral AND {{a}}.home_id = {{b}}.away_id AND {{a}}.away_id = {{b}}.home_id))
"""
"""SQL: row ``a`` (a match) plays out fixture ``b``; see the module docstring."""

_UPDATED = ("date", "kickoff", "round", "grp", "knockout", "neutral", "leg", "import_id", "source_file", "source_line")
"""The columns of a stored fixture that a new listing of it replaces."""


def retire(con: duckdb.DuckDBPyConnection, match_ids: list[int]) -> int:
    """Delete the stored fixtures that these stored matches play out; return how many.

    A match whose source names no group takes its fixture's group letter (a file of
    results under ``» Group, Matchday 2`` says less than the fixture list did).

    Parameters
    ----------
    con
        The store's connection, inside the import's transaction.
    match_ids
        The matches an import has just stored or merged.

    Returns
    -------
    int
        The fixtures deleted.
    """
    if not match_ids:
        return 0
    con.execute(
        f"""
        UPDATE matches SET grp = f.grp FROM fixtures f
        WHERE matches.match_id IN (SELECT unnest(?::INTEGER[])) AND matches.grp IS NULL AND f.grp IS NOT NULL
          AND {_SAME.format(a="matches", b="f")}
        """,
        [match_ids],
    )
    played = _rows(
        con,
        f"""
        SELECT f.fixture_id FROM fixtures f WHERE EXISTS (
            SELECT 1 FROM matches m
            WHERE m.match_id IN (SELECT unnest(?::INTEGER[])) AND {_SAME.format(a="m", b="f")})
        """,
        [match_ids],
    )
    for table in ("fixture_odds", "fixtures"):  # a fixture's prices go with it
        con.execute(f"DELETE FROM {table} WHERE fixture_id IN (SELECT unnest(?::INTEGER[]))", [sorted(played)])
    return len(played)


def store(target: Store, f: pd.DataFrame) -> tuple[int, int]:
    """Store resolved fixtures; return ``(new, moved)``.

    Parameters
    ----------
    target
        The store, inside the import's transaction.
    f
        Canonical fixtures with the store's column names (``competition_id``,
        ``grp``, ``source_line``, ...), their ``home_id``/``away_id`` resolved, and
        ``import_id``/``source_file`` set; ``date`` holds dates.

    Returns
    -------
    tuple[int, int]
        Fixtures added, and stored fixtures whose date this listing moved. A fixture
        whose match is stored is skipped; one already stored is updated in place.
    """
    if f.empty:
        return 0, 0
    f = f.drop_duplicates(["competition_id", "season", "home_id", "away_id", "date"]).copy()
    f["leg"] = f["leg"].astype("Int16")
    f["fixture_id"] = pd.array([pd.NA] * len(f), dtype="Int64")
    f["row"] = range(len(f))
    con = target.con
    columns = target.columns("fixtures")
    con.register("incoming_fixtures", f[[*columns, "row"]])
    try:
        played = _rows(con, f"SELECT i.row FROM incoming_fixtures i JOIN matches m ON {_SAME.format(a='m', b='i')}")
        stored = con.execute(
            f"""
            SELECT i.row, min(s.fixture_id) AS fixture_id, any_value(s.date <> i.date) AS moved
            FROM incoming_fixtures i JOIN fixtures s ON {_SAME.format(a="s", b="i")}
            GROUP BY i.row
            """
        ).df()
    finally:
        con.unregister("incoming_fixtures")
    stored = stored[~stored["row"].isin(played)]
    again = f.drop(columns="fixture_id").merge(stored[["row", "fixture_id"]], on="row")
    again = again.drop_duplicates("fixture_id")
    if len(again):
        con.register("again", again[["fixture_id", *_UPDATED]])
        try:
            sets = ", ".join(f"{c} = again.{c}" for c in _UPDATED)
            con.execute(f"UPDATE fixtures SET {sets} FROM again WHERE fixtures.fixture_id = again.fixture_id")
        finally:
            con.unregister("again")
    new = f[~f["row"].isin(played) & ~f["row"].isin(stored["row"])].copy()
    start = target.next_id("fixtures", "fixture_id")
    new["fixture_id"] = range(start, start + len(new))
    if len(new):
        con.register("new_fixtures", new[columns])
        try:
            con.execute(f"INSERT INTO fixtures ({', '.join(columns)}) SELECT {', '.join(columns)} FROM new_fixtures")
        finally:
            con.unregister("new_fixtures")
    return len(new), int(stored["moved"].astype(bool).sum())


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> set[int]:
    return {int(r[0]) for r in con.execute(sql, params or []).fetchall()}


def doubt_new_teams(result: Resolution) -> None:
    """List in ``unresolved`` every team that ``result`` created and did not list already.

    A fixture is no evidence that a name is a team: a misspelt name in a fixtures
    file would otherwise silently become a team of its own.
    """
    listed = {u["team_id"] for u in result.unresolved}
    for alias in result.aliases:
        if alias["origin"] == "new" and alias["team_id"] not in listed:
            listed.add(alias["team_id"])
            result.unresolved.append(
                {
                    "import_id": alias["import_id"],
                    "spelling": alias["spelling"],
                    "kind": alias["kind"],
                    "country": alias["country"],
                    "team_id": alias["team_id"],
                    "candidates": None,
                    "reason": "new team, known only from fixtures: check the spelling (`remontada data link` "
                    "if it is a known team)",
                }
            )
