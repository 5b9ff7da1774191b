"""Resolve the team names of an imported file to team ids in the store.

The evidence, strongest first:

1. **The shipped alias file** (:class:`~remontada.names.AliasBook`): reviewed links
   such as ``Sp Lisbon`` -> ``Sporting CP``.
2. **A known spelling**: a name whose key (:func:`~remontada.names.name_key`) the store
   has already seen for a team of the same kind in the same country.
3. **Overlapping matches**: the file's matches that the store already holds from
   another source — same competition, same date, same score. If ``Man City``'s
   matches in a new file are, date after date, the matches the store has for
   ``Manchester City``, the two names are one team. Each row votes for the store's
   team in the unresolved name's place (split between candidates when a date has
   several matches with that score); a name is linked when its votes are clear
   (at least two, or every covered row), cover at least half of its rows on dates
   the store covers, and beat any rival two to one.
4. Otherwise the name is a **new team**. When existing teams of that country have a
   similar name it is listed in ``unresolved`` with those candidates, so that a person
   can confirm or correct it — it is never merged on similarity alone. Teams that the
   same file also names are not candidates: one file's two spellings are two teams
   (``Cercle Brugge`` and ``Club Brugge`` meet in ``belgium.csv``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from remontada.names import AliasBook, TeamRef, candidates
from remontada.store import Store

__all__ = ["Resolution", "TeamResolver"]


@dataclass
class Resolution:
    """The outcome of resolving one file's names."""

    ids: dict[TeamRef, int] = field(default_factory=dict)
    new_teams: int = 0
    unresolved: list[dict[str, object]] = field(default_factory=list)
    aliases: list[dict[str, object]] = field(default_factory=list)


class TeamResolver:
    """Resolves names against one store, inside the import's transaction."""

    def __init__(self, store: Store, book: AliasBook, import_id: int) -> None:
        self.store = store
        self.book = book
        self.import_id = import_id
        known = store.df("SELECT kind, country, key, team_id FROM team_aliases")
        self._by_key: dict[tuple[str, str | None, str], int] = {}
        self._by_key_any: dict[tuple[str, str], set[int]] = defaultdict(set)
        for kind, country, key, team_id in known.itertuples(index=False):
            country = None if pd.isna(country) else country
            self._by_key[(kind, country, key)] = int(team_id)
            self._by_key_any[(kind, key)].add(int(team_id))
        self._next_team = store.next_id("teams", "team_id")
        self._new_teams: list[tuple[int, str, str | None, str]] = []

    def lookup(self, ref: TeamRef) -> int | None:
        """The team id for ``ref`` from the alias file and known spellings, if any."""
        canon = self.book.canonical(ref)
        for r in (canon, ref):
            if r.country is not None or r.kind == "national":
                hit = self._by_key.get((r.kind, r.country, r.key))
                if hit is not None:
                    return hit
            else:
                ids = self._by_key_any.get((r.kind, r.key), set())
                if len(ids) == 1:
                    return next(iter(ids))
        return None

    def resolve(self, refs: list[TeamRef], matches: pd.DataFrame | None) -> Resolution:
        """Resolve ``refs``, creating teams for names no evidence links.

        ``matches`` (the file's canonical matches, with ``home_ref``/``away_ref``
        columns holding indexes into ``refs``) supplies the overlap evidence.
        """
        out = Resolution()
        for ref in refs:
            team = self.lookup(ref)
            if team is not None:
                out.ids[ref] = team
                self.remember(ref, team, "known", out)
        if matches is not None and len(out.ids) < len(refs):
            for ref, team in self._overlap_links(refs, matches, out.ids).items():
                out.ids[ref] = team
                self.remember(ref, team, "overlap", out)
        for ref in refs:
            if ref not in out.ids:  # a spelling of a team created a moment ago is that team
                team = self.lookup(ref)
                if team is not None:
                    self.remember(ref, team, "known", out)
                out.ids[ref] = team if team is not None else self._create(ref, out)
        self._flush_teams()
        return out

    # -- evidence from overlapping matches ---------------------------------------------
    def _overlap_links(self, refs: list[TeamRef], matches: pd.DataFrame, ids: dict[TeamRef, int]) -> dict[TeamRef, int]:
        linked: dict[TeamRef, int] = {}
        for _ in range(3):  # each round's links make the next round's votes sharper
            found = self._overlap_round(refs, matches, {**ids, **linked})
            if not found:
                break
            linked.update(found)
        return linked

    def _overlap_round(self, refs: list[TeamRef], matches: pd.DataFrame, ids: dict[TeamRef, int]) -> dict[TeamRef, int]:
        known = pd.Series({i: ids[r] for i, r in enumerate(refs) if r in ids}, dtype="Int64")
        rows = pd.DataFrame(
            {
                "date": matches["date"],
                "competition": matches["competition"],
                "hg": matches["home_goals"].astype("Int64"),
                "ag": matches["away_goals"].astype("Int64"),
                "h_ref": matches["home_ref"],
                "a_ref": matches["away_ref"],
            }
        )
        rows["h_id"] = rows["h_ref"].map(known).astype("Int64")
        rows["a_id"] = rows["a_ref"].map(known).astype("Int64")
        rows = rows[rows["h_id"].isna() | rows["a_id"].isna()].reset_index(drop=True)
        if rows.empty:
            return {}
        rows["row"] = range(len(rows))
        con = self.store.con
        con.register("overlap_rows", rows)
        try:
            cand = con.execute(
                """
                SELECT r.row, r.h_ref, r.a_ref, r.h_id, r.a_id, m.home_id, m.away_id
                FROM overlap_rows r JOIN matches m
                  ON m.date = r.date AND m.competition_id = r.competition
                 AND m.home_goals = r.hg AND m.away_goals = r.ag
                WHERE (r.h_id IS NULL OR m.home_id = r.h_id) AND (r.a_id IS NULL OR m.away_id = r.a_id)
                """
            ).df()
            covered = con.execute(
                """
                SELECT r.h_ref, r.a_ref, r.h_id, r.a_id FROM overlap_rows r
                WHERE EXISTS (SELECT 1 FROM matches m WHERE m.date = r.date AND m.competition_id = r.competition)
                """
            ).df()
        finally:
            con.unregister("overlap_rows")
        if cand.empty:
            return {}
        cand["w"] = 1.0 / cand.groupby("row")["row"].transform("size")
        votes = pd.concat(
            [
                cand[cand["h_id"].isna()].rename(columns={"h_ref": "ref", "home_id": "team"})[["ref", "team", "w"]],
                cand[cand["a_id"].isna()].rename(columns={"a_ref": "ref", "away_id": "team"})[["ref", "team", "w"]],
            ]
        )
        coverage = pd.concat(
            [covered.loc[covered["h_id"].isna(), "h_ref"], covered.loc[covered["a_id"].isna(), "a_ref"]]
        ).value_counts()
        claimed = set(ids.values())
        found: dict[TeamRef, int] = {}
        tally = votes.groupby(["ref", "team"])["w"].sum().sort_values(ascending=False)
        for ref_idx, per_team in tally.groupby(level=0, sort=False):
            ranked = per_team.droplevel(0).sort_values(ascending=False)
            best_team, best = int(ranked.index[0]), float(ranked.iloc[0])
            second = float(ranked.iloc[1]) if len(ranked) > 1 else 0.0
            n_cov = int(coverage.get(ref_idx, 0))
            ref = refs[int(str(ref_idx))]
            if (
                best >= min(2.0, n_cov)
                and best >= 0.5 * n_cov
                and best >= 2 * second
                and best_team not in claimed
                and self._compatible(ref, best_team)
            ):
                found[ref] = best_team
                claimed.add(best_team)
        return found

    def _compatible(self, ref: TeamRef, team_id: int) -> bool:
        row = self.store.one("SELECT kind, country FROM teams WHERE team_id = ?", [team_id])
        if row is None:
            return False
        kind, country = row
        return bool(kind == ref.kind and (ref.country is None or country is None or country == ref.country))

    # -- bookkeeping ---------------------------------------------------------------------
    def remember(self, ref: TeamRef, team: int, origin: str, out: Resolution) -> None:
        """Record ``ref``'s spelling as a name of ``team`` (once per country and key)."""
        key = (ref.kind, ref.country, ref.key)
        if key not in self._by_key and (ref.country is not None or ref.kind == "national"):
            self._by_key[key] = team
            self._by_key_any[(ref.kind, ref.key)].add(team)
            out.aliases.append(
                {
                    "kind": ref.kind,
                    "country": ref.country,
                    "key": ref.key,
                    "spelling": ref.name,
                    "team_id": team,
                    "origin": origin,
                    "import_id": self.import_id,
                }
            )

    def _create(self, ref: TeamRef, out: Resolution) -> int:
        canon = self.book.canonical(ref)
        team = self._next_team
        self._next_team += 1
        self._new_teams.append((team, canon.name, canon.country, canon.kind))
        out.new_teams += 1
        in_file = set(out.ids.values())  # two spellings in one file are two different teams
        pool = [
            k
            for (kind, country, k), tid in self._by_key.items()
            if kind == ref.kind and country == canon.country and tid not in in_file
        ]
        similar = candidates(canon.key, pool)
        self.remember(ref, team, "new", out)
        if canon is not ref:
            self.remember(canon, team, "alias-file", out)
        if similar:
            names = [f"{self._name_of(self._by_key[(ref.kind, canon.country, k)])}" for k in similar]
            out.unresolved.append(
                {
                    "import_id": self.import_id,
                    "spelling": ref.name,
                    "kind": ref.kind,
                    "country": ref.country,
                    "team_id": team,
                    "candidates": "; ".join(dict.fromkeys(names)),
                    "reason": "new team with a name like existing teams'",
                }
            )
        return team

    def _name_of(self, team_id: int) -> str:
        for tid, name, _, _ in self._new_teams:
            if tid == team_id:
                return name
        row = self.store.one("SELECT name FROM teams WHERE team_id = ?", [team_id])
        return str(row[0]) if row else str(team_id)

    def _flush_teams(self) -> None:
        if self._new_teams:
            frame = pd.DataFrame(self._new_teams, columns=["team_id", "name", "country", "kind"])
            self.store.con.register("new_teams", frame)
            try:
                self.store.con.execute("INSERT INTO teams SELECT team_id, name, country, kind FROM new_teams")
            finally:
                self.store.con.unregister("new_teams")
            self._new_teams.clear()
