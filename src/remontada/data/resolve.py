"""Resolve the team names of an imported file to team ids in the store.

The evidence, strongest first:

1. **The shipped alias file** (:class:`~remontada.data.names.AliasBook`): reviewed links
   such as ``Sp Lisbon`` -> ``Sporting CP``.
2. **A known spelling**: a name whose key (:func:`~remontada.data.names.name_key`) the store
   has already seen for a team of the same kind in the same country.
3. **Overlapping matches**: the file's matches that the store already holds from
   another source — same competition, same date, same score. If ``Man City``'s
   matches in a new file are, date after date, the matches the store has for
   ``Manchester City``, the two names are one team. One coincidence is not enough:
   :meth:`TeamResolver._judge` states what counts as strong evidence (several
   agreeing fixtures, none contradicting, the country tag agreeing). Every such link
   is recorded in ``links`` with the fixtures that made it (``data links``).
4. Otherwise the name is a **new team**. When some fixtures pointed at a team without
   proving it, or existing teams of that country have a similar name, it is listed in
   ``unresolved`` with those candidates and why it was not linked, so that a person
   can confirm or correct it — it is never merged on similarity alone. Teams that the
   same file also names are not candidates: one file's two spellings are two teams
   (``Cercle Brugge`` and ``Club Brugge`` meet in ``belgium.csv``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from remontada.data.competitions import competition
from remontada.data.names import AliasBook, TeamRef, candidates
from remontada.data.store import Store

__all__ = ["MIN_FIXTURES", "Resolution", "TeamResolver", "side_refs", "team_refs"]

MIN_FIXTURES = 3
"""Agreeing fixtures that link a name to a stored team (two do when they are all the name has)."""


@dataclass
class Resolution:
    """The outcome of resolving one file's names."""

    ids: dict[TeamRef, int] = field(default_factory=dict)
    new_teams: int = 0
    unresolved: list[dict[str, object]] = field(default_factory=list)
    aliases: list[dict[str, object]] = field(default_factory=list)
    links: list[dict[str, object]] = field(default_factory=list)


@dataclass(frozen=True)
class _Link:
    """A name proved to be a stored team: the team and the stored matches that agree."""

    team: int
    fixtures: pd.DataFrame
    file_fixtures: int

    def evidence(self) -> str:
        """The agreeing fixtures as JSON (``links.evidence``)."""
        fixtures = [
            {"match_id": int(r["match_id"]), "date": str(pd.Timestamp(r["date"]).date()),
             "competition": r["competition"], "score": f"{r['hg']}-{r['ag']}"}
            for r in self.fixtures.to_dict("records")
        ]  # fmt: skip
        return json.dumps({"fixtures": fixtures, "file_fixtures": self.file_fixtures})


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
        self._doubts: dict[TeamRef, tuple[int, str]] = {}  # candidate and why it was not linked
        self._evidence: dict[TeamRef, _Link] = {}

    def lookup(self, ref: TeamRef, *, by_alias: bool = True) -> int | None:
        """The team id for ``ref`` from the alias file and known spellings, if any.

        A spelling is known per kind and country: a club name a file gives without a
        country matches only that name seen without a country, never a club of that
        name in some country (the Faroese ``Víkingur`` is not Víkingur Reykjavík).
        """
        canon = self.book.canonical(ref) if by_alias else ref
        for r in dict.fromkeys((canon, ref)):
            hit = self._by_key.get((r.kind, r.country, r.key))
            if hit is not None:
                return hit
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
                if self.lookup(ref, by_alias=False) is None:  # a first link through the alias file
                    evidence = json.dumps({"aliases.csv": self.book.canonical(ref).name})
                    self._record_link(ref, team, "alias-file", evidence, out)
                self.remember(ref, team, "known", out)
        if matches is not None and len(out.ids) < len(refs):
            for ref, team in self._overlap_links(refs, matches, out.ids).items():
                out.ids[ref] = team
                self.remember(ref, team, "overlap", out)
                self._record_link(ref, team, "overlap", self._evidence[ref].evidence(), out)
        for ref in refs:
            if ref not in out.ids:  # a spelling of a team created a moment ago is that team
                team = self.lookup(ref)
                if team is not None:
                    self.remember(ref, team, "known", out)
                    self._doubts.pop(ref, None)
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
        for ref in linked:
            self._doubts.pop(ref, None)
        return linked

    def _overlap_round(self, refs: list[TeamRef], matches: pd.DataFrame, ids: dict[TeamRef, int]) -> dict[TeamRef, int]:
        rows = _open_rows(refs, matches, ids)
        if rows.empty:
            return {}
        agree, played = self._fixtures(rows)
        if agree.empty:
            return {}
        claimed = set(ids.values())
        found: dict[TeamRef, int] = {}
        for ref_idx, ref_rows in _sides(rows).groupby("ref"):
            ref = refs[int(str(ref_idx))]
            mine = agree[agree["ref"] == ref_idx]
            if mine.empty:
                continue
            verdict = self._judge(ref, ref_rows, mine, played[played["ref"] == ref_idx], claimed)
            if isinstance(verdict, str):
                self._doubts[ref] = (int(mine["team"].mode().iloc[0]), verdict)
                continue
            found[ref] = verdict.team
            claimed.add(verdict.team)
            self._evidence[ref] = verdict
        return found

    def _fixtures(self, rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The stored matches that agree with the file's rows, and who played on their days.

        ``agree`` has one row per (file row, unresolved side, stored match) with the same
        competition, date and score and the known opponent, if any, in its place;
        ``played`` lists, per file row and unresolved side, every team the store has
        playing in that competition on that date (the ground for contradictions).
        """
        con = self.store.con
        con.register("overlap_rows", rows)
        try:
            agree = con.execute(
                """
                SELECT r.row, r.h_ref AS ref, m.home_id AS team, m.match_id, r.date, r.competition, r.hg, r.ag
                FROM overlap_rows r JOIN matches m
                  ON m.date = r.date AND m.competition_id = r.competition AND m.home_goals = r.hg
                 AND m.away_goals = r.ag
                WHERE r.h_id IS NULL AND (r.a_id IS NULL OR m.away_id = r.a_id)
                UNION ALL
                SELECT r.row, r.a_ref, m.away_id, m.match_id, r.date, r.competition, r.hg, r.ag
                FROM overlap_rows r JOIN matches m
                  ON m.date = r.date AND m.competition_id = r.competition AND m.home_goals = r.hg
                 AND m.away_goals = r.ag
                WHERE r.a_id IS NULL AND (r.h_id IS NULL OR m.home_id = r.h_id)
                """
            ).df()
            played = con.execute(
                """
                WITH sides AS (
                    SELECT row, h_ref AS ref, date, competition FROM overlap_rows WHERE h_id IS NULL
                    UNION ALL
                    SELECT row, a_ref, date, competition FROM overlap_rows WHERE a_id IS NULL)
                SELECT s.row, s.ref, unnest([m.home_id, m.away_id]) AS team FROM sides s JOIN matches m
                  ON m.date = s.date AND m.competition_id = s.competition
                """
            ).df()
        finally:
            con.unregister("overlap_rows")
        return agree, played

    def _judge(
        self, ref: TeamRef, ref_rows: pd.DataFrame, agree: pd.DataFrame, played: pd.DataFrame, claimed: set[int]
    ) -> _Link | str:
        """Whether ``ref``'s fixtures prove it is a stored team: the link, or why not.

        A link needs **strong evidence**, because one coincidence is cheap: on a
        Saturday of the Premier League some match usually ended 3-0, so a single
        made-up ``Fake Town 3-0 Made Up City`` finds "its" teams. So:

        * at least :data:`MIN_FIXTURES` distinct fixtures agree (same competition, date,
          score, and the known opponent) — three independent coincidences are
          vanishingly unlikely — or, for a name with only two fixtures in the file,
          both of them (one fixture is never enough);
        * a fixture counts only when it points at one team alone (a day with two
          matches of that score proves nothing);
        * no fixture contradicts: the team played in that competition on one of the
          name's dates, but not that match;
        * the agreeing fixtures are at least half of the name's fixtures on days the
          store covers, and at least twice those pointing at any other team;
        * same kind, and the same country when the source tags one (``Víkingur (ISL)``
          never joins ``Víkingur (FRO)``), and the team is not already another name
          of this file.
        """
        unique = agree.groupby("row").filter(lambda g: g["team"].nunique() == 1)
        counts = unique.groupby("team")["row"].nunique().sort_values(ascending=False)
        if counts.empty:
            return f"its fixtures match several teams' ({agree['team'].nunique()} candidates) equally"
        team, n_agree = int(counts.index[0]), int(counts.iloc[0])
        second = int(counts.iloc[1]) if len(counts) > 1 else 0
        n_rows = int(ref_rows["row"].nunique())
        covered = int(played["row"].nunique())
        against = set(played.loc[played["team"] == team, "row"]) - set(agree.loc[agree["team"] == team, "row"])
        mismatch = self._mismatch(ref, team)
        if mismatch:
            return mismatch
        if team in claimed:
            return "the candidate is already another name in this file"
        if against:
            return f"{n_agree} fixture(s) agree but {len(against)} contradict (the candidate played another match)"
        if not (n_agree >= MIN_FIXTURES or n_rows >= 2 and n_agree == n_rows):
            return (
                f"only {n_agree} of its {n_rows} fixture(s) match; a link needs {MIN_FIXTURES} "
                "(or every fixture of a name that has two)"
            )
        if n_agree < 0.5 * covered or n_agree < 2 * second:
            return (
                f"{n_agree} fixture(s) agree, but {covered} fall on days the store covers ({second} for another team)"
            )
        chosen = unique[unique["team"] == team].drop_duplicates("row").sort_values("date")
        return _Link(team, chosen, n_rows)

    def _mismatch(self, ref: TeamRef, team_id: int) -> str | None:
        """Why ``ref`` cannot be ``team_id`` whatever the fixtures say (kind, country), or ``None``."""
        row = self.store.one("SELECT kind, country FROM teams WHERE team_id = ?", [team_id])
        if row is None:
            return "the candidate is a team created by this file"
        kind, country = row
        if kind != ref.kind:
            return f"the candidate is a {kind} team"
        if ref.country is not None and country != ref.country:
            return f"the name is tagged {ref.country}, the candidate is of {country or 'no known country'}"
        return None

    # -- bookkeeping ---------------------------------------------------------------------
    def remember(self, ref: TeamRef, team: int, origin: str, out: Resolution) -> None:
        """Record ``ref``'s spelling as a name of ``team`` (once per country and key)."""
        key = (ref.kind, ref.country, ref.key)
        if key not in self._by_key:
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

    def _record_link(self, ref: TeamRef, team: int, origin: str, evidence: str, out: Resolution) -> None:
        """Record an automatic link with its evidence (listed by ``data links``)."""
        out.links.append(
            {
                "spelling": ref.name,
                "kind": ref.kind,
                "country": ref.country,
                "team_id": team,
                "origin": origin,
                "import_id": self.import_id,
                "evidence": evidence,
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
        names = [f"{self._name_of(self._by_key[(ref.kind, canon.country, k)])}" for k in similar]
        reason = "new team with a name like existing teams'"
        namesakes = sorted(self._by_key_any.get((ref.kind, canon.key), set()) - {team}) if canon.country is None else []
        if namesakes:
            names[:0] = [self._label(t) for t in namesakes]
            reason = "new team: the file gives no country, and teams of other countries have this name"
        if ref in self._doubts:
            candidate, why = self._doubts.pop(ref)
            names.insert(0, self._name_of(candidate))
            reason = f"new team: its fixtures point at {self._name_of(candidate)}, not linked: {why}"
        if names:
            out.unresolved.append(
                {
                    "import_id": self.import_id,
                    "spelling": ref.name,
                    "kind": ref.kind,
                    "country": ref.country,
                    "team_id": team,
                    "candidates": "; ".join(dict.fromkeys(names)),
                    "reason": reason,
                }
            )
        return team

    def _label(self, team_id: int) -> str:
        """``Name (CTY)`` for a stored team."""
        row = self.store.one("SELECT name, country FROM teams WHERE team_id = ?", [team_id])
        if row is None:
            return self._name_of(team_id)
        return f"{row[0]} ({row[1]})" if row[1] else str(row[0])

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


def _open_rows(refs: list[TeamRef], matches: pd.DataFrame, ids: dict[TeamRef, int]) -> pd.DataFrame:
    """The file's matches with at least one side not yet resolved, numbered ``row``."""
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
    rows["row"] = range(len(rows))
    return rows


def _sides(rows: pd.DataFrame) -> pd.DataFrame:
    """One ``(row, ref)`` pair per unresolved side of each row."""
    home = rows.loc[rows["h_id"].isna(), ["row", "h_ref"]].rename(columns={"h_ref": "ref"})
    away = rows.loc[rows["a_id"].isna(), ["row", "a_ref"]].rename(columns={"a_ref": "ref"})
    return pd.concat([home, away], ignore_index=True)


def side_refs(m: pd.DataFrame, side: str) -> list[TeamRef]:
    """The team references of one side (``home`` or ``away``) of a canonical match or fixture frame.

    A side's country is the source's tag, else, for a club, its domestic competition's
    country: an untagged ``Liverpool FC`` in a Premier League file is the English club;
    in a competition of no one country the name stays without one (see
    :meth:`TeamResolver.lookup`).
    """
    tagged = m[f"{side}_country"]
    home_of = m["competition"].map(lambda slug: competition(str(slug)).country)
    countries = tagged.where(tagged.notna() | (m["team_kind"] != "club"), home_of)
    return team_refs(m["team_kind"], m[side], countries)


def team_refs(kinds: pd.Series, names: pd.Series, countries: pd.Series) -> list[TeamRef]:
    """Team references from parallel columns (a missing country is ``None``)."""
    return [
        TeamRef(k, n, None if pd.isna(c) else c)
        for k, n, c in zip(kinds.tolist(), names.tolist(), countries.tolist(), strict=True)
    ]
