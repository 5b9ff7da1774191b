"""Merging two teams that turned out to be one: ``remontada data link``.

When a name was imported as a new team but is really an existing one (``data
unresolved`` lists such names with their candidates), linking moves everything of
the duplicate onto the real team in one transaction: its matches (a match now stored
twice is merged, scores compared, as at import), ties, goals, shootouts and
spellings. The spelling is remembered, so later imports resolve it directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from remontada.errors import DataError
from remontada.ingest import COMPARED_FIELDS
from remontada.queries import find_team
from remontada.store import Store

__all__ = ["LinkReport", "link_teams"]


@dataclass(frozen=True)
class LinkReport:
    """What linking did."""

    kept: str
    merged: str
    matches_moved: int
    matches_merged: int
    conflicts: int


def link_teams(store: Store, duplicate: str, team: str) -> LinkReport:
    """Make ``duplicate`` (a name) one team with ``team`` (a name), keeping ``team``'s id."""
    drop, keep = find_team(store, duplicate), find_team(store, team)
    if drop == keep:
        raise DataError(f"{duplicate!r} and {team!r} are already the same team")
    kinds = store.df("SELECT team_id, kind, name FROM teams WHERE team_id IN (?, ?)", [drop, keep])
    if kinds["kind"].nunique() != 1:
        raise DataError("a club and a national team cannot be linked")
    names = dict(zip(kinds["team_id"], kinds["name"], strict=True))
    with store.transaction() as con:
        moved = store.one("SELECT count(*) FROM matches WHERE ? IN (home_id, away_id)", [drop])
        for column in ("home_id", "away_id"):
            con.execute(f"UPDATE matches SET {column} = ? WHERE {column} = ?", [keep, drop])
        merged, conflicts = _merge_duplicate_matches(store)
        for table, column in (
            ("ties", "team_a_id"),
            ("ties", "team_b_id"),
            ("ties", "winner_id"),
            ("goals", "team_id"),
            ("shootouts", "winner_id"),
            ("shootouts", "first_shooter_id"),
            ("team_aliases", "team_id"),
        ):
            con.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", [keep, drop])
        con.execute(
            """
            DELETE FROM tie_legs WHERE tie_id IN (
                SELECT t.tie_id FROM ties t JOIN ties o
                  ON o.competition_id = t.competition_id AND o.season = t.season
                 AND coalesce(o.round, '') = coalesce(t.round, '')
                 AND least(o.team_a_id, o.team_b_id) = least(t.team_a_id, t.team_b_id)
                 AND greatest(o.team_a_id, o.team_b_id) = greatest(t.team_a_id, t.team_b_id)
                 AND o.tie_id < t.tie_id)
            """
        )
        con.execute("DELETE FROM ties WHERE tie_id NOT IN (SELECT tie_id FROM tie_legs)")
        con.execute("UPDATE team_aliases SET origin = 'linked' WHERE team_id = ? AND origin = 'new'", [keep])
        con.execute("DELETE FROM unresolved WHERE team_id = ?", [drop])
        con.execute("DELETE FROM teams WHERE team_id = ?", [drop])
    return LinkReport(names[keep], names[drop], int(moved[0]) if moved else 0, merged, conflicts)


def _merge_duplicate_matches(store: Store) -> tuple[int, int]:
    """Fold matches now stored twice (same date, home and away) into the older one."""
    con = store.con
    con.execute(
        """
        CREATE TEMP TABLE twins AS
        SELECT m.match_id AS dup, k.match_id AS keep FROM matches m JOIN matches k
          ON k.date = m.date AND k.home_id = m.home_id AND k.away_id = m.away_id AND k.match_id < m.match_id
        QUALIFY row_number() OVER (PARTITION BY m.match_id ORDER BY k.match_id) = 1
        """
    )
    try:
        pairs = store.one("SELECT count(*) FROM twins")
        n = int(pairs[0]) if pairs else 0
        before = store.count("conflicts")
        for field in COMPARED_FIELDS:
            con.execute(
                f"""
                INSERT INTO conflicts
                SELECT k.match_id, d.import_id, d.source_file, d.source_line, '{field}',
                       CAST(k.{field} AS VARCHAR), CAST(d.{field} AS VARCHAR)
                FROM twins t JOIN matches d ON d.match_id = t.dup JOIN matches k ON k.match_id = t.keep
                WHERE d.{field} IS NOT NULL AND k.{field} IS NOT NULL AND d.{field} <> k.{field}
                """
            )
        conflicts = store.count("conflicts") - before
        for table in ("match_sources", "goals", "odds", "tie_legs", "conflicts"):
            con.execute(f"UPDATE {table} SET match_id = t.keep FROM twins t WHERE {table}.match_id = t.dup")
        con.execute(  # the older match's shootout, if it has one, stands
            "DELETE FROM shootouts WHERE match_id IN "
            "(SELECT t.dup FROM twins t WHERE t.keep IN (SELECT match_id FROM shootouts))"
        )
        con.execute("UPDATE shootouts SET match_id = t.keep FROM twins t WHERE shootouts.match_id = t.dup")
        con.execute("DELETE FROM matches WHERE match_id IN (SELECT dup FROM twins)")
    finally:
        con.execute("DROP TABLE twins")
    return n, conflicts
