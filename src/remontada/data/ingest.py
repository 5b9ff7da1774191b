"""Importing files into the store: parse, resolve names, merge, and record everything.

One file is one transaction (:func:`import_file`): its matches, ties, goals,
shootouts, prices, new team names and rejected rows all land together or not at all.
A file already imported (same bytes) is skipped, so re-importing is harmless.

The same match from two sources (same date, same home and away team) is stored once;
the second source fills what the first lacked (a kick-off time, a half-time score)
and is listed in ``match_sources``. Where the two disagree on a score, the stored
value stays and the disagreement is recorded in ``conflicts``. A file's fixtures
(matches still to play) are stored too, and its results replace the stored fixtures
they play out (:mod:`remontada.data.fixtures`).

A new version of a file (fetched again as the season goes on) adds only what is new:
its matches merge with the stored ones, prices, goals, sources and conflicts already
stored are not stored twice (:mod:`remontada.data.prices`), and its rejected rows
replace those of the earlier version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from remontada.data import fixtures, prices
from remontada.data.competitions import competition, slug_for
from remontada.data.io import detect, importer_named
from remontada.data.io.base import MATCH_STATISTICS, ParsedFile
from remontada.data.names import AliasBook, TeamRef
from remontada.data.report import ImportReport
from remontada.data.resolve import Resolution, TeamResolver, side_refs, team_refs
from remontada.data.store import Store
from remontada.data.ties import leg_order, note_to_decided, settle, source_winner
from remontada.errors import DataError

__all__ = ["COMPARED_FIELDS", "ImportReport", "import_file", "import_paths", "order_for_import"]

_LATER_SCORES = ("ht_home_goals", "ht_away_goals", "et_home_goals", "et_away_goals", "pen_home", "pen_away")
"""Half-time, extra-time and shootout scores: not every source has them."""

_FILL = ("kickoff", "round", "grp", *_LATER_SCORES, "home_red", "away_red", *MATCH_STATISTICS)
"""Match fields a second source may fill in when the first left them empty."""

_CONFLICT = ("match_id", "field", "stored", "incoming")
"""What makes a conflict the same conflict."""

COMPARED_FIELDS = ("home_goals", "away_goals", *_LATER_SCORES)
"""Match fields on which two sources disagreeing is a conflict worth reporting."""


def order_for_import(paths: Iterable[Path]) -> list[Path]:
    """Expand directories and order files so that each finds what it refers to.

    Goal and shootout lists refer to matches, so they come after result files;
    former-name lists come first so that old names join the right teams.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in {".csv", ".txt"}))
        else:
            files.append(path)
    late = ("goalscorers", "shootouts")
    return sorted(files, key=lambda p: -1 if "former_names" in p.name else int(any(w in p.name for w in late)))


def import_paths(
    store: Store,
    paths: Sequence[Path],
    *,
    fmt: str = "auto",
    book: AliasBook | None = None,
    label: Callable[[Path], str] = str,
    on_file: Callable[[Path, ImportReport], None] | None = None,
    competition: str | None = None,
) -> list[ImportReport]:
    """Import files and directories in a sensible order (see :func:`order_for_import`).

    ``competition`` puts every file's matches in that competition (see :func:`import_file`).

    A file that cannot be imported (unknown format, unreadable, wrong header) does
    not stop the others: its report has status ``failed`` and the reason, and the
    store keeps nothing of it. Errors of the store itself (busy, disk full) stop.
    """
    book = book or AliasBook.shipped()
    reports = []
    for path in order_for_import(paths):
        try:
            report = import_file(store, path, fmt=fmt, book=book, source=label(path), competition=competition)
        except DataError as exc:
            report = ImportReport(label(path), fmt, status="failed", error=str(exc))
        reports.append(report)
        if on_file is not None:
            on_file(path, report)
    return reports


def import_file(
    store: Store,
    path: Path,
    *,
    fmt: str = "auto",
    book: AliasBook | None = None,
    source: str | None = None,
    competition: str | None = None,
    on_commit: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import one file in one transaction and report what it did.

    ``competition`` (a slug or a name) puts every match and fixture of the file in
    that competition (a user's own league in a known layout); ``on_commit`` runs
    inside the import's transaction, last, so what it writes is stored with the
    import or not at all. A file that cannot be read (permissions, a disk error) is a
    :class:`~remontada.errors.DataError` naming it.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        importer = detect(path) if fmt == "auto" else importer_named(fmt)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise DataError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    source = source or str(path)
    seen = store.one("SELECT path FROM imports WHERE sha256 = ?", [digest])
    if seen is not None:
        return ImportReport(source, importer.name, status=f"already imported (as {seen[0]})")
    try:
        parsed = importer.parse(path)
    except OSError as exc:
        raise DataError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    if competition is not None:
        for frame in (parsed.matches, parsed.fixtures):
            frame["competition"] = slug_for(competition)
    with store.transaction():
        report = _Ingest(store, parsed, source, book or AliasBook.shipped(), digest).run()
        if on_commit is not None:
            on_commit(report)
    return report


class _Ingest:
    """The steps of importing one parsed file, inside the caller's transaction."""

    def __init__(self, store: Store, parsed: ParsedFile, source: str, book: AliasBook, digest: str) -> None:
        self.store = store
        self.con = store.con
        self.parsed = parsed
        self.source = source
        self.import_id = store.next_id("imports", "import_id")
        self.resolver = TeamResolver(store, book, self.import_id)
        self.report = ImportReport(source, parsed.format, import_id=self.import_id)
        self.digest = digest
        self.rejects: list[pd.DataFrame] = [parsed.rejects]
        self.conflicts: list[dict[str, object]] = []
        self.matches = pd.DataFrame()  # the file's matches with team ids, once stored
        self.tie_refs: dict[TeamRef, int] = {}  # the file's own spellings -> team ids

    def run(self) -> ImportReport:
        p = self.parsed
        self.report.rows = sum(map(len, (p.matches, p.goals, p.shootouts, p.aliases, p.fixtures, p.rejects)))
        self._competitions()
        self._aliases()
        line_to_match = self._matches()
        self._ties(line_to_match)
        self._odds(line_to_match)
        self._goals()
        self._shootouts(line_to_match)
        self._fixtures()
        self._finish()
        return self.report

    # -- helpers ---------------------------------------------------------------------
    def _insert(self, table: str, frame: pd.DataFrame) -> None:
        """Append ``frame``'s rows to ``table``; the frame has (at least) every column of the table."""
        if frame.empty:
            return
        columns = self.store.columns(table)
        name = f"incoming_{table}"
        self.con.register(name, frame[columns])
        try:
            self.con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {name}")
        finally:
            self.con.unregister(name)

    def _reject(self, rows: pd.DataFrame, reason: str | pd.Series) -> None:
        if rows.empty:
            return
        self.rejects.append(pd.DataFrame({"line": rows["line"], "raw": rows["raw"], "reason": reason}))

    # -- steps -----------------------------------------------------------------------
    def _competitions(self) -> None:
        listed = [p[["competition", "knockout"]] for p in (self.parsed.matches, self.parsed.fixtures) if len(p)]
        if not listed:
            return
        m = pd.concat(listed)
        knockout_only = m["knockout"].astype(bool).groupby(m["competition"]).all()
        rows = [competition(str(s), knockout=bool(k)) for s, k in sorted(knockout_only.items())]
        frame = pd.DataFrame(
            {
                "competition_id": [c.slug for c in rows],
                "name": [c.name for c in rows],
                "country": [c.country for c in rows],
                "kind": [c.kind for c in rows],
                "tier": pd.array([c.tier for c in rows], dtype="Int64"),
            }
        )
        if frame.empty:
            return
        self.con.register("incoming_competitions", frame)
        try:
            self.con.execute("INSERT OR IGNORE INTO competitions SELECT * FROM incoming_competitions")
        finally:
            self.con.unregister("incoming_competitions")

    def _aliases(self) -> None:
        """A source's own list of other names: the old name joins the current team."""
        aliases = self.parsed.aliases
        if aliases.empty:
            return
        current = team_refs(aliases["team_kind"], aliases["name"], aliases["country"])
        result = self.resolver.resolve(list(dict.fromkeys(current)), None)
        for ref, alias in zip(current, aliases["alias"], strict=True):
            other = TeamRef(ref.kind, alias, ref.country)
            if self.resolver.lookup(other) is None:
                self.resolver.remember(other, result.ids[ref], "source-alias", result)
        self._record_resolution(result)

    def _record_resolution(self, result: Resolution) -> None:
        self.report.teams_new += result.new_teams
        if result.aliases:
            self._insert("team_aliases", pd.DataFrame(result.aliases, columns=self.store.columns("team_aliases")))
        if result.links:  # automatic links, with their evidence, for `data links`
            links = pd.DataFrame(result.links)
            start = self.store.next_id("links", "link_id")
            links["link_id"] = range(start, start + len(links))
            links["merged_id"] = pd.array([None] * len(links), dtype="Int64")
            links["created_at"] = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            self._insert("links", links)
        if result.unresolved:
            frame = pd.DataFrame(result.unresolved)
            frame["source_file"] = self.source
            self._insert("unresolved", frame)
            self.report.unresolved += len(frame)

    def _team_ids(self, m: pd.DataFrame, *, played: bool = True) -> pd.DataFrame:
        """Resolve the sides to team ids (one team on both sides: a reject); fixtures give no overlap evidence."""
        m = m.copy()
        refs_home, refs_away = side_refs(m, "home"), side_refs(m, "away")
        refs = list(dict.fromkeys(refs_home + refs_away))
        index = {r: i for i, r in enumerate(refs)}
        m["home_ref"] = [index[r] for r in refs_home]
        m["away_ref"] = [index[r] for r in refs_away]
        result = self.resolver.resolve(refs, m if played else None)
        if not played:
            fixtures.doubt_new_teams(result)
        self._record_resolution(result)
        m["home_id"] = [result.ids[r] for r in refs_home]
        m["away_id"] = [result.ids[r] for r in refs_away]
        self.tie_refs.update({r: result.ids[r] for r in refs})
        same = m["home_id"] == m["away_id"]
        self._reject(m[same], "home and away resolve to the same team")
        m = m[~same].rename(columns={"competition": "competition_id", "line": "source_line", "group": "grp"})
        m["date"] = m["date"].dt.date
        m["grp"] = m["grp"].fillna(m["round"].str.extract(r"^Group ([A-Z])\b")[0])  # as GROUP_FROM_ROUND does
        m["import_id"] = self.import_id
        m["source_file"] = self.source
        return m

    def _matches(self) -> dict[int, int]:
        """Store the file's matches; return source line -> match id (new or merged)."""
        if self.parsed.matches.empty:
            return {}
        m = self._team_ids(self.parsed.matches)

        first = ~m.duplicated(["date", "home_id", "away_id"])
        line_to_match = self._merge_existing(m[first])
        new = m[first & ~m["source_line"].isin(line_to_match)].copy()
        start = self.store.next_id("matches", "match_id")
        new["match_id"] = range(start, start + len(new))
        self._insert("matches", new)
        line_to_match.update(zip(new["source_line"], new["match_id"], strict=True))
        self.report.matches_new = len(new)
        line_to_match.update(self._merge_existing(m[~first]))  # the same match twice in one file
        sources = pd.DataFrame({"source_line": list(line_to_match), "match_id": list(line_to_match.values())})
        known = self.con.execute("SELECT match_id FROM match_sources WHERE source_file = ?", [self.source]).fetchall()
        sources = sources[~sources["match_id"].isin({r[0] for r in known})]  # an earlier version of this file
        sources["import_id"] = self.import_id
        sources["source_file"] = self.source
        self._insert("match_sources", sources)
        self.matches = m
        self.report.fixtures_played = fixtures.retire(self.con, list(line_to_match.values()))
        return line_to_match

    def _fixtures(self) -> None:
        """Store the file's fixtures (see :mod:`remontada.data.fixtures`)."""
        if self.parsed.fixtures.empty:
            return
        f = self._team_ids(self.parsed.fixtures, played=False)
        self.report.fixtures_new, self.report.fixtures_moved = fixtures.store(self.store, f)
        sql = "SELECT source_line, fixture_id FROM fixtures WHERE import_id = ?"
        listed = dict(self.con.execute(sql, [self.import_id]).fetchall())
        columns = self.store.columns("fixture_odds")
        self.report.odds += prices.store_fixture_odds(self.con, columns, self.parsed.odds, listed, self.import_id)

    def _find_stored(self, m: pd.DataFrame) -> pd.DataFrame:
        """The stored matches with the same date, home and away team as rows of ``m``."""
        keys = m[["source_line", "date", "home_id", "away_id"]]
        self.con.register("incoming_keys", keys)
        try:
            return self.con.execute(
                f"""
                SELECT k.source_line, s.match_id, s.competition_id AS s_competition_id,
                       {", ".join(f"s.{c} AS s_{c}" for c in (*_FILL, "home_goals", "away_goals"))}
                FROM incoming_keys k JOIN matches s
                  ON s.date = k.date AND s.home_id = k.home_id AND s.away_id = k.away_id
                """
            ).df()
        finally:
            self.con.unregister("incoming_keys")

    def _merge_existing(self, m: pd.DataFrame) -> dict[int, int]:
        """Merge rows the store already has; return their source line -> match id.

        At a neutral venue sources disagree on which side is "home" (champs.csv and
        openfootball list several finals the other way round), so a neutral match not
        found as given is looked for with the sides swapped.
        """
        if m.empty:
            return {}
        found = self._find_stored(m)
        unmatched = m[m["neutral"].fillna(False).astype(bool) & ~m["source_line"].isin(found["source_line"])]
        flipped = _swap_sides(unmatched)
        found_flipped = self._find_stored(flipped) if len(flipped) else found.iloc[:0]
        both = pd.concat(
            [m.merge(found, on="source_line"), flipped.merge(found_flipped, on="source_line")], ignore_index=True
        )
        if both.empty:
            return {}
        self.report.matches_merged += len(both)
        for field in COMPARED_FIELDS + ("competition_id",):
            stored, incoming = both[f"s_{field}"], both[field]
            if field != "competition_id":
                stored, incoming = stored.astype("Int64"), incoming.astype("Int64")
            differ = (stored.notna() & incoming.notna() & (stored != incoming)).fillna(False).astype(bool)
            for match_id, line, old, new in zip(
                both.loc[differ, "match_id"],
                both.loc[differ, "source_line"],
                stored[differ],
                incoming[differ],
                strict=True,
            ):
                self.conflicts.append(
                    {
                        "match_id": match_id,
                        "import_id": self.import_id,
                        "source_file": self.source,
                        "source_line": line,
                        "field": field,
                        "stored": str(old),
                        "incoming": str(new),
                    }
                )
        fillable = pd.concat([both[f"s_{c}"].isna() & both[c].notna() for c in _FILL], axis=1).any(axis=1)
        fills = both.loc[fillable, ["match_id", *_FILL]]
        if len(fills):
            self.con.register("fills", fills)
            try:
                sets = ", ".join(f"{c} = coalesce(matches.{c}, fills.{c})" for c in _FILL)
                self.con.execute(f"UPDATE matches SET {sets} FROM fills WHERE matches.match_id = fills.match_id")
            finally:
                self.con.unregister("fills")
        return dict(zip(both["source_line"], both["match_id"], strict=True))

    def _ties(self, line_to_match: dict[int, int]) -> None:
        m = self.matches
        if m.empty:
            return
        legs = m[m["tie_key"].notna() & m["source_line"].isin(line_to_match)].copy()
        if legs.empty:
            return
        legs["match_id"] = legs["source_line"].map(line_to_match)
        legs["order"] = legs["leg"].map(leg_order).fillna(0)
        legs = legs.sort_values(["tie_key", "order", "date", "source_line"])
        existing = {
            (c, s, r, min(a, b), max(a, b))
            for c, s, r, a, b in self.con.execute(
                "SELECT competition_id, season, coalesce(round, ''), team_a_id, team_b_id FROM ties"
            ).fetchall()
        }
        tied = self._stored_legs([int(i) for i in legs["match_id"]])
        # a source's tie-winner name resolves through the file's own spellings
        by_name = {(r.kind, r.name): i for r, i in self.tie_refs.items()}
        groups: dict[str, list[dict[Hashable, Any]]] = {}
        for record in legs.to_dict("records"):
            groups.setdefault(str(record["tie_key"]), []).append(record)
        tie_rows, leg_rows = [], []
        next_tie = self.store.next_id("ties", "tie_id")
        for group in groups.values():
            first, last = group[0], group[-1]
            a, b = int(first["home_id"]), int(first["away_id"])
            round_ = None if pd.isna(first["round"]) else first["round"]
            ident = (first["competition_id"], first["season"], round_ or "", min(a, b), max(a, b))
            if ident in existing or any(int(r["match_id"]) in tied for r in group):
                continue  # stored already, perhaps by a source naming the round otherwise ("Q-PO", "Play-off round")
            existing.add(ident)
            winner, decided_by, rules_name, agg_a, agg_b = settle(group, a)
            named = source_winner(group, by_name)
            if named in (a, b):  # the legs' scores outrank a source's word; a disagreement is reported
                if winner is not None and named != winner:
                    self.conflicts.append(
                        {
                            "match_id": int(last["match_id"]),
                            "import_id": self.import_id,
                            "source_file": self.source,
                            "source_line": int(last["source_line"]),
                            "field": "tie_winner",
                            "stored": str(winner),
                            "incoming": str(named),
                        }
                    )
                if winner is None:
                    notes = [r["decided_note"] for r in group if not pd.isna(r["decided_note"])]
                    decided_by = note_to_decided(notes[-1] if notes else None)
                    winner = named
            tie_rows.append(
                (next_tie, first["competition_id"], first["season"], round_, a, b, len(group), agg_a, agg_b,
                 decided_by, winner, rules_name, self.import_id)
            )  # fmt: skip
            for number, leg in enumerate(group, start=1):
                leg_rows.append((next_tie, number, None if pd.isna(leg["leg"]) else leg["leg"], int(leg["match_id"])))
            next_tie += 1
        ties = pd.DataFrame(tie_rows, columns=self.store.columns("ties"))
        for c in ("agg_a", "agg_b", "winner_id"):
            ties[c] = ties[c].astype("Int64")
        self._insert("ties", ties)
        self._insert("tie_legs", pd.DataFrame(leg_rows, columns=self.store.columns("tie_legs")))
        self.report.ties_new = len(tie_rows)

    def _stored_legs(self, match_ids: list[int]) -> set[int]:
        """Which of these matches are already legs of a stored tie (a match is a leg of one tie only)."""
        found = self.con.execute(
            "SELECT DISTINCT match_id FROM tie_legs WHERE match_id IN (SELECT unnest(?::INTEGER[]))", [match_ids]
        ).fetchall()
        return {int(row[0]) for row in found}

    def _odds(self, line_to_match: dict[int, int]) -> None:
        columns = self.store.columns("odds")
        self.report.odds = prices.store_match_odds(self.con, columns, self.parsed.odds, line_to_match, self.import_id)

    def _stored_ids(self, names: pd.Series) -> pd.Series:
        """Team ids of names a goal or shootout list uses (NA where unknown).

        Such lists exist only for national teams (internationals' goalscorers and
        shootouts) and refer to teams already in the store, so nothing is created.
        """
        ids = [None if pd.isna(n) else self.resolver.lookup(TeamRef("national", n, None)) for n in names.tolist()]
        return pd.Series(pd.array(ids, dtype="Int64"), index=names.index)

    def _match_keys(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Find the stored match each row of a goal or shootout list refers to."""
        out = frame.copy()
        out["home_id"] = self._stored_ids(out["home"])
        out["away_id"] = self._stored_ids(out["away"])
        out["date"] = out["date"].dt.date
        self.con.register("wanted", out[["line", "date", "home_id", "away_id"]])
        try:
            found = self.con.execute(
                """SELECT w.line, m.match_id FROM wanted w JOIN matches m
                   ON m.date = w.date AND m.home_id = w.home_id AND m.away_id = w.away_id"""
            ).df()
        finally:
            self.con.unregister("wanted")
        out = out.merge(found, on="line", how="left")
        missing = out["match_id"].isna()
        self._reject(out[missing], "no such match in the store (import its results first)")
        return out[~missing]

    def _side(self, frame: pd.DataFrame, column: str) -> pd.Series:
        """Which of the match's teams a name in ``column`` is (home id, away id, or NA)."""
        ids_s = self._stored_ids(frame[column])
        ok = (ids_s == frame["home_id"]) | (ids_s == frame["away_id"])
        return ids_s.where(ok.fillna(False))

    def _goals(self) -> None:
        goals = self.parsed.goals
        if goals.empty:
            return
        g = self._match_keys(goals)
        g["team_id"] = self._side(g, "team")
        bad = g["team_id"].isna()
        self._reject(g[bad], "scoring team is neither side of the match")
        have = self.con.execute(
            "SELECT DISTINCT match_id FROM goals WHERE match_id IN (SELECT unnest(?::INTEGER[]))",
            [sorted({int(i) for i in g["match_id"]})],
        ).fetchall()
        g = g[~bad & ~g["match_id"].isin({r[0] for r in have})]  # goals of a match are stored once, from one list
        g = g.rename(columns={"line": "source_line"})
        g["import_id"] = self.import_id
        self._insert("goals", g)
        self.report.goals = len(g)

    def _shootouts(self, line_to_match: dict[int, int]) -> None:
        rows = []
        if not self.parsed.shootouts.empty:
            s = self._match_keys(self.parsed.shootouts)
            s["winner_id"] = self._side(s, "winner")
            s["first_shooter_id"] = self._side(s, "first_shooter")
            bad = s["winner_id"].isna()
            self._reject(s[bad], "shootout winner is neither side of the match")
            s = s[~bad]
            rows.append(s[["match_id", "winner_id", "first_shooter_id"]].assign(home_score=None, away_score=None))
        m = self.matches
        if not m.empty:
            pens = m[m["pen_home"].notna() & m["pen_away"].notna() & m["source_line"].isin(line_to_match)]
            winner = pens["home_id"].where(pens["pen_home"] > pens["pen_away"], pens["away_id"])
            rows.append(
                pd.DataFrame(
                    {
                        "match_id": pens["source_line"].map(line_to_match),
                        "winner_id": winner.where(pens["pen_home"] != pens["pen_away"]),
                        "first_shooter_id": pd.NA,
                        "home_score": pens["pen_home"],
                        "away_score": pens["pen_away"],
                    }
                )
            )
        rows = [r for r in rows if not r.empty]
        if not rows:
            return
        frame = pd.concat(rows, ignore_index=True).drop_duplicates("match_id")
        have = {r[0] for r in self.con.execute("SELECT match_id FROM shootouts").fetchall()}
        frame = frame[~frame["match_id"].isin(have)].copy()
        frame["import_id"] = self.import_id
        for c in ("winner_id", "first_shooter_id", "home_score", "away_score"):
            frame[c] = frame[c].astype("Int64")
        self._insert("shootouts", frame)
        self.report.shootouts = len(frame)

    def _finish(self) -> None:
        rejects = pd.concat([r for r in self.rejects if len(r)] or [self.parsed.rejects], ignore_index=True)
        rejects["import_id"] = self.import_id
        rejects["source_file"] = self.source
        self.con.execute("DELETE FROM rejects WHERE source_file = ?", [self.source])  # an earlier version's
        self._insert("rejects", rejects)
        said = "SELECT match_id, field, stored, incoming FROM conflicts WHERE source_file = ?"
        known = set(self.con.execute(said, [self.source]).fetchall())  # said by an earlier version of the file
        self.conflicts = [c for c in self.conflicts if tuple(c[k] for k in _CONFLICT) not in known]
        if self.conflicts:
            self._insert("conflicts", pd.DataFrame(self.conflicts, columns=self.store.columns("conflicts")))
        self.report.rejects = len(rejects)
        self.report.conflicts = len(self.conflicts)
        r = self.report
        self.con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                self.import_id,
                self.source,
                self.digest,
                r.format,
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
                r.rows,
                r.matches_new,
                r.matches_merged,
                r.rejects,
                r.conflicts,
            ],
        )


_SIDES = [
    ("home_id", "away_id"),
    ("home_goals", "away_goals"),
    ("ht_home_goals", "ht_away_goals"),
    ("et_home_goals", "et_away_goals"),
    ("pen_home", "pen_away"),
    ("home_red", "away_red"),
    *zip(MATCH_STATISTICS[::2], MATCH_STATISTICS[1::2], strict=True),
]


def _swap_sides(m: pd.DataFrame) -> pd.DataFrame:
    """The same matches written the other way round (home as away)."""
    renames = {a: b for pair in _SIDES for a, b in (pair, pair[::-1])}
    return m.rename(columns=renames)
