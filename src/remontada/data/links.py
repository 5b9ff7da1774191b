"""Merging two teams that turned out to be one (``data link``), and undoing it (``data unlink``).

When a name was imported as a new team but is really an existing one (``data
unresolved`` lists such names with their candidates), linking moves everything of
the duplicate onto the real team in one transaction: its matches (a match now stored
twice is merged, scores compared, as at import), fixtures, ties, goals, shootouts
and spellings. The spelling is remembered, so later imports resolve it directly.

Linking is refused where the store itself shows two teams: a club and a national
team, teams of two countries, or two teams that played each other (``Everton`` and
``Liverpool`` met 94 times; one team does not play itself). Every link is recorded
in ``links``, and the rows it touched are kept in the link journal (one
``journal_<table>`` per table, before and after), so :func:`unlink` can put them back
exactly — as long as nothing has touched those rows since (a later import or link of
the same teams), which it checks first.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd

from remontada.data.ingest import COMPARED_FIELDS
from remontada.data.names import name_key, split_country_tag
from remontada.data.queries import find_team
from remontada.data.store import JOURNALED, Store
from remontada.errors import DataError

__all__ = ["LinkPlan", "LinkReport", "UnlinkReport", "link_teams", "links", "plan_link", "unlink"]


@dataclass(frozen=True)
class LinkPlan:
    """Two teams that may be linked: what ``data link`` asks the user to confirm."""

    drop: int
    keep: int
    merged: str
    kept: str
    matches: int


@dataclass(frozen=True)
class LinkReport:
    """What linking did."""

    kept: str
    merged: str
    matches_moved: int
    matches_merged: int
    conflicts: int
    link_id: int


@dataclass(frozen=True)
class UnlinkReport:
    """What undoing a link did."""

    link_id: int
    restored: str
    team: str
    rows_restored: int


def plan_link(store: Store, duplicate: str, team: str) -> LinkPlan:
    """Check that ``duplicate`` may become ``team``; raise :class:`DataError` saying why not."""
    drop, keep = find_team(store, duplicate), find_team(store, team)
    if drop == keep:
        raise DataError(f"{duplicate!r} and {team!r} are already the same team")
    rows = store.con.execute("SELECT team_id, kind, name, country FROM teams WHERE team_id IN (?, ?)", [drop, keep])
    info = {int(r[0]): r[1:] for r in rows.fetchall()}
    if info[drop][0] != info[keep][0]:
        raise DataError("a club and a national team cannot be linked")
    merged, kept = str(info[drop][1]), str(info[keep][1])
    countries = (info[drop][2], info[keep][2])
    if None not in countries and countries[0] != countries[1]:
        raise DataError(f"{merged} ({countries[0]}) and {kept} ({countries[1]}) are of different countries")
    met = store.one(
        "SELECT count(*), min(date) FROM matches WHERE (home_id = ? AND away_id = ?) OR (home_id = ? AND away_id = ?)",
        [drop, keep, keep, drop],
    )
    if met and met[0]:
        raise DataError(
            f"{merged} and {kept} played each other {met[0]} times (first {met[1]}): they are different teams"
        )
    moved = store.one("SELECT count(*) FROM matches WHERE ? IN (home_id, away_id)", [drop])
    return LinkPlan(drop, keep, merged, kept, int(moved[0]) if moved else 0)


def link_teams(store: Store, duplicate: str, team: str) -> LinkReport:
    """Make ``duplicate`` (a name) one team with ``team`` (a name), keeping ``team``'s id.

    Refused as :func:`plan_link` says; the link and the rows it changed are journaled.
    """
    plan = plan_link(store, duplicate, team)
    drop, keep = plan.drop, plan.keep
    with store.transaction() as con:
        link_id = _record(store, plan)
        _journal(store, link_id, "before")
        for table, column in (
            ("matches", "home_id"),
            ("matches", "away_id"),
            ("fixtures", "home_id"),
            ("fixtures", "away_id"),
        ):
            con.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", [keep, drop])
        merged, conflicts = _merge_duplicate_matches(store, keep)
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
                 AND o.tie_id < t.tie_id
                WHERE t.tie_id IN (SELECT tie_id FROM link_ties))
            """
        )
        con.execute(
            "DELETE FROM ties WHERE tie_id IN (SELECT tie_id FROM link_ties) "
            "AND tie_id NOT IN (SELECT tie_id FROM tie_legs)"
        )
        con.execute("UPDATE team_aliases SET origin = 'linked' WHERE team_id = ? AND origin = 'new'", [keep])
        con.execute("DELETE FROM unresolved WHERE team_id = ?", [drop])
        con.execute("DELETE FROM teams WHERE team_id = ?", [drop])
        _journal(store, link_id, "after")
        _forget_scope(store)
    return LinkReport(plan.kept, plan.merged, plan.matches, merged, conflicts, link_id)


def unlink(store: Store, what: str) -> UnlinkReport:
    """Undo the link ``what`` (a link id from ``data links``, or the linked name) from its journal.

    The rows the link touched are put back as they were before it, row for row;
    refused, with nothing changed, when those rows have changed since the link.
    """
    link_id = _find_link(store, what)
    row = store.one("SELECT spelling, team_id, merged_id FROM links WHERE link_id = ?", [link_id])
    assert row is not None
    spelling, keep, drop = row
    with store.transaction() as con:
        _scope(store, link_id, int(drop), int(keep))
        changed = [t for t in JOURNALED if not _matches_journal(store, t, link_id, "after")]
        if changed:
            raise DataError(
                f"link {link_id} ({spelling}) cannot be undone: {', '.join(changed)} changed since it was made "
                "(undo later links of these teams first)"
            )
        restored = 0
        for table in JOURNALED:
            con.execute(f"DELETE FROM {table} WHERE {_WHERE[table]}")
            con.execute(
                f"INSERT INTO {table} SELECT * EXCLUDE (link_id, phase) FROM journal_{table} "
                "WHERE link_id = ? AND phase = 'before'",
                [link_id],
            )
            restored += _journal_rows(store, table, link_id, "before")
            con.execute(f"DELETE FROM journal_{table} WHERE link_id = ?", [link_id])
        con.execute("DELETE FROM links WHERE link_id = ?", [link_id])
        _forget_scope(store)
    kept = store.one("SELECT name FROM teams WHERE team_id = ?", [keep])
    return UnlinkReport(link_id, str(spelling), str(kept[0]) if kept else str(keep), restored)


def links(store: Store, team: str | None = None) -> pd.DataFrame:
    """Every link of a name to a team, automatic (at import) or by ``data link``, with its evidence.

    ``origin`` says what made it: ``overlap`` (matches the store already held: the
    agreeing fixtures are in ``evidence``), ``alias-file`` (the shipped alias file),
    ``manual`` (``data link``; undo it with ``data unlink``).
    """
    sql = """
        SELECT l.link_id, l.origin, l.spelling, l.country, t.name AS team, l.evidence, i.path AS source_file,
               l.created_at
        FROM links l LEFT JOIN teams t USING (team_id) LEFT JOIN imports i USING (import_id)
    """
    params: list[object] = []
    if team is not None:
        sql += " WHERE l.team_id = ?"
        params.append(find_team(store, team))
    return store.df(sql + " ORDER BY l.link_id", params)


# -- the journal -------------------------------------------------------------------------
_WHERE = {
    "teams": "team_id IN (SELECT team_id FROM link_teams)",
    "team_aliases": "team_id IN (SELECT team_id FROM link_teams)",
    "unresolved": "team_id IN (SELECT team_id FROM link_teams)",
    "matches": "match_id IN (SELECT match_id FROM link_matches)",
    "match_sources": "match_id IN (SELECT match_id FROM link_matches)",
    "conflicts": "match_id IN (SELECT match_id FROM link_matches)",
    "goals": "match_id IN (SELECT match_id FROM link_matches)",
    "shootouts": "match_id IN (SELECT match_id FROM link_matches)",
    "odds": "match_id IN (SELECT match_id FROM link_matches)",
    "ties": "tie_id IN (SELECT tie_id FROM link_ties)",
    "fixtures": "home_id IN (SELECT team_id FROM link_teams) OR away_id IN (SELECT team_id FROM link_teams)",
    "tie_legs": "tie_id IN (SELECT tie_id FROM link_ties) OR match_id IN (SELECT match_id FROM link_matches)",
}
"""The rows of each journaled table a link of the teams in ``link_teams`` can touch.

The scope is fixed before the link (both teams, their matches and ties then), so the
same rows are found after it and again when it is undone."""


def _record(store: Store, plan: LinkPlan) -> int:
    """Add the link to ``links``, fix its scope, and return its id."""
    link_id = store.next_id("links", "link_id")
    kind, country = store.one("SELECT kind, country FROM teams WHERE team_id = ?", [plan.drop]) or ("club", None)
    evidence = json.dumps({"merged": plan.merged, "into": plan.kept, "matches": plan.matches})
    store.con.execute(
        "INSERT INTO links VALUES (?, 'manual', ?, ?, ?, ?, ?, NULL, ?, ?)",
        [
            link_id,
            plan.merged,
            kind,
            country,
            plan.keep,
            plan.drop,
            evidence,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
        ],
    )
    _scope(store, link_id, plan.drop, plan.keep, journal=False)
    return link_id


def _scope(store: Store, link_id: int, drop: int, keep: int, *, journal: bool = True) -> None:
    """Fix a link's scope: its two teams, and their matches and ties.

    Before a link they are read from the store; for its undo, from the journal's
    ``before`` rows (the same matches and ties, whatever the link merged away).
    """
    con = store.con
    con.execute("CREATE TEMP TABLE link_teams AS SELECT unnest([?, ?]) AS team_id", [drop, keep])
    teams = "(SELECT team_id FROM link_teams)"
    for scope, table, a, b, key in (
        ("link_matches", "matches", "home_id", "away_id", "match_id"),
        ("link_ties", "ties", "team_a_id", "team_b_id", "tie_id"),
    ):
        source = f"journal_{table} WHERE link_id = {int(link_id)} AND phase = 'before'" if journal else table
        where = "" if journal else f" WHERE {a} IN {teams} OR {b} IN {teams}"
        con.execute(f"CREATE TEMP TABLE {scope} AS SELECT {key} FROM {source}{where}")


def _forget_scope(store: Store) -> None:
    for table in ("link_teams", "link_matches", "link_ties"):
        store.con.execute(f"DROP TABLE IF EXISTS {table}")


def _journal(store: Store, link_id: int, phase: str) -> None:
    """Copy the scope's rows of every journaled table into the journal as ``phase``."""
    for table in JOURNALED:
        store.con.execute(
            f"INSERT INTO journal_{table} SELECT ?, ?, * FROM {table} WHERE {_WHERE[table]}", [link_id, phase]
        )


def _journal_rows(store: Store, table: str, link_id: int, phase: str) -> int:
    row = store.one(f"SELECT count(*) FROM journal_{table} WHERE link_id = ? AND phase = ?", [link_id, phase])
    return int(row[0]) if row else 0


def _matches_journal(store: Store, table: str, link_id: int, phase: str) -> bool:
    """Whether the scope's rows of ``table`` are now exactly the journal's ``phase`` rows."""
    journal = (
        f"SELECT * EXCLUDE (link_id, phase) FROM journal_{table} WHERE link_id = {int(link_id)} AND phase = '{phase}'"
    )
    current = f"SELECT * FROM {table} WHERE {_WHERE[table]}"
    row = store.one(
        f"SELECT count(*) FROM (({current} EXCEPT ALL {journal}) UNION ALL ({journal} EXCEPT ALL {current}))"
    )
    return bool(row and row[0] == 0)


def _find_link(store: Store, what: str) -> int:
    """The id of the manual link ``what`` names: its id, or the name it merged."""
    if what.strip().isdigit():
        row = store.one("SELECT link_id, origin FROM links WHERE link_id = ?", [int(what)])
        if row is None:
            raise DataError(f"no link {what} (see `remontada data links`)")
        if row[1] != "manual":
            raise DataError(
                f"link {what} was made by an import ({row[1]}), not by `data link`; only those can be undone"
            )
        return int(row[0])
    bare, country = split_country_tag(what)
    manual = store.con.execute("SELECT link_id, spelling, country FROM links WHERE origin = 'manual' ORDER BY 1")
    hits = [
        int(link_id)
        for link_id, spelling, its_country in manual.fetchall()
        if name_key(str(spelling)) == name_key(bare) and country in (None, its_country)
    ]
    if not hits:
        raise DataError(f"no link made by `data link` for {what!r} (see `remontada data links`)")
    if len(hits) > 1:
        raise DataError(f"{what!r} names links {', '.join(map(str, hits))}: give the link id")
    return hits[0]


def _merge_duplicate_matches(store: Store, team: int) -> tuple[int, int]:
    """Fold ``team``'s matches now stored twice (same date, home and away) into the older one."""
    con = store.con
    con.execute(
        """
        CREATE TEMP TABLE twins AS
        SELECT m.match_id AS dup, k.match_id AS keep FROM matches m JOIN matches k
          ON k.date = m.date AND k.home_id = m.home_id AND k.away_id = m.away_id AND k.match_id < m.match_id
        WHERE ? IN (m.home_id, m.away_id)
        QUALIFY row_number() OVER (PARTITION BY m.match_id ORDER BY k.match_id) = 1
        """,
        [team],
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
