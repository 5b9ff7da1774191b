"""Whole-competition forecasts: from fixtures or the store to each team's chance of each stage.

:class:`TournamentForecaster` turns a format and the competition's matches into a
:class:`~remontada.tournaments.simulate.Plan` — the score grid of every match still to
play from the match model fitted on the matches before ``as_of``, and for every pair of
teams and every round's rules the exact probability that one goes through against the
other, from the tie engine (:func:`remontada.knockout.play.play`) — and simulates it.

Knockout ties already settled count as settled; a tie between its legs starts from the
first leg's score. Conditions (``"Liverpool beat Atalanta"``) force one result while
every other random number stays the same, so a conditional forecast differs from the
plain one only by what the condition changes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from remontada.data.queries import find_team
from remontada.data.rules import Rules
from remontada.data.store import Store
from remontada.errors import DataError
from remontada.knockout.forecast import TieForecaster
from remontada.knockout.play import play
from remontada.models import DEFAULT_TIE_MODEL
from remontada.models.base import MatchModel
from remontada.models.grid import poisson_grid
from remontada.models.inplay.process import final_score_grid
from remontada.tournaments.brackets import bracket_rounds
from remontada.tournaments.fixtures import check_fixtures
from remontada.tournaments.formats import Format, load_format
from remontada.tournaments.results import MatchImportance, TournamentForecast
from remontada.tournaments.simulate import Counts, Plan, simulate
from remontada.tournaments.stored import StoredSeason, read_season

__all__ = ["Condition", "TournamentForecaster", "parse_condition"]

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
WATCHED = 8
"""How many upcoming matches are rated by importance."""

_CONDITION = re.compile(r"\s*(.+?)\s+(beat|beats|draw with|draws with|draw|draws|lose to|loses to|lost to)\s+(.+?)\s*$")
_SCORE_CONDITION = re.compile(r"\s*(.+?)\s+(\d{1,2})\s*-\s*(\d{1,2})\s+(.+?)\s*$")


@dataclass(frozen=True)
class Condition:
    """A result forced in every simulation: ``first`` beats ``second`` (``sign`` 1), draws (0) or loses (-1).

    With ``score`` the match ends exactly so. A knockout tie can only be won or lost.
    """

    text: str
    first: str
    second: str
    sign: int
    score: tuple[int, int] | None = None


def parse_condition(text: str) -> Condition:
    """``"A beat B"``, ``"A draw with B"``, ``"A lose to B"`` or ``"A 2-1 B"``."""
    if m := _SCORE_CONDITION.fullmatch(text):
        a, b = int(m[2]), int(m[3])
        return Condition(text, m[1], m[4], int(np.sign(a - b)), (a, b))
    if m := _CONDITION.fullmatch(text):
        verb = m[2]
        sign = 1 if verb.startswith("beat") else (0 if verb.startswith("draw") else -1)
        return Condition(text, m[1], m[3], sign)
    raise DataError(f"condition {text!r}: write 'A beat B', 'A draw with B', 'A lose to B' or 'A 2-1 B'")


@dataclass(frozen=True)
class _Known:
    """A knockout tie the data already knows: its teams, and P(``a`` goes through) from its state."""

    a: str
    b: str
    p_a: float


class TournamentForecaster:
    """Forecasts whole competitions from a store's match model (fitted strictly before ``as_of``)."""

    def __init__(self, store: Store, model: str = DEFAULT_TIE_MODEL, *, ties: TieForecaster | None = None) -> None:
        self.store = store
        self.ties = ties or TieForecaster(store, model)
        self.forecaster = self.ties.forecaster
        self.model = self.forecaster.model

    # -- from a fixtures file ----------------------------------------------------------
    def forecast(
        self,
        fmt: Format | str,
        fixtures: pd.DataFrame,
        *,
        as_of: dt.date | None = None,
        sims: int = 10_000,
        seed: int = 0,
        conditions: Sequence[str] = (),
        scheduler: str | None = "inline",
        on_done: Callable[[int, int], None] | None = None,
        source: str = "fixtures",
        known: Sequence[_Known] = (),
    ) -> TournamentForecast:
        """Each team's chance of each stage, from the competition's fixtures (DESIGN.md's CSV as a frame).

        ``as_of`` defaults to the date of the first match still to play; a row with a
        score on or after it is an error. Team names are kept as written in the file.
        """
        fmt = load_format(fmt) if isinstance(fmt, str) else fmt
        rows, as_of = check_fixtures(fixtures, source=source, as_of=as_of)
        if rows.empty:
            raise DataError(f"{source}: no matches")
        teams, tables, fmt = _entrants(fmt, rows, source)
        index = {t.casefold(): i for i, t in enumerate(teams)}
        table_rows = rows[rows["group"] != ""] if fmt.groups is not None else rows
        if fmt.groups is None and fmt.league is None:
            table_rows = rows.iloc[:0]
        matches = _complete_round_robin(fmt, table_rows, teams)
        ko_rows = rows[(rows["group"] == "") & rows["home_goals"].notna()] if fmt.groups is not None else rows.iloc[:0]
        for row in ko_rows[ko_rows["minute"].notna()].to_dict("records"):
            raise DataError(f"{source}: row {row['row']}: a knockout match in play cannot start a tournament "
                            "forecast; give its result (and winner) or leave it unplayed")  # fmt: skip
        known = list(known) + [_settled(r, source) for r in ko_rows.to_dict("records")]  # type: ignore[arg-type]
        ids = self._team_ids(teams)
        return self._run(fmt, teams, ids, tables, matches, index, as_of, sims, seed, conditions, scheduler, on_done,
                         known)  # fmt: skip

    # -- from the store -----------------------------------------------------------------
    def competition(
        self,
        competition: str,
        season: str,
        *,
        fmt: Format | str | None = None,
        as_of: dt.date | None = None,
        sims: int = 10_000,
        seed: int = 0,
        conditions: Sequence[str] = (),
        scheduler: str | None = "inline",
        on_done: Callable[[int, int], None] | None = None,
    ) -> TournamentForecast:
        """A stored competition's season, as of a date (default: the day after its latest match played).

        A league is completed as a double round robin. A cup with a group stage is
        forecast from its groups (letters from the store, or ``builtin/editions.csv``
        for past international tournaments) and the knockout matches already played.
        A club cup whose two-legged knockout rounds have begun is forecast from the round
        under way: its ties (a first leg already played is the tie's state), then the
        bracket of later rounds as drawn (``builtin/brackets.csv``), else an open draw.
        ``fmt`` overrides the format the store implies.
        """
        stored = read_season(self.store, competition, season, as_of)
        if stored.in_two_legged_knockouts and fmt is None:
            return self._knockout(stored, sims, seed, conditions, scheduler, on_done)
        chosen = load_format(fmt) if isinstance(fmt, str) else fmt or stored.default_format()
        return self.forecast(chosen, stored.table_rows(chosen), as_of=stored.as_of, sims=sims, seed=seed,
                             conditions=conditions, scheduler=scheduler, on_done=on_done,
                             source=stored.label)  # fmt: skip

    def _knockout(
        self,
        stored: StoredSeason,
        sims: int,
        seed: int,
        conditions: Sequence[str],
        scheduler: str | None,
        on_done: Callable[[int, int], None] | None,
    ) -> TournamentForecast:
        """The rest of a club cup from its round under way on the season's date."""
        as_of, comp, season = stored.as_of, stored.competition, stored.season
        ko = stored.matches[stored.matches["knockout"] & stored.matches["date"].notna()]
        rounds = list(dict.fromkeys(ko["round"]))
        started = [r for r in rounds if min(ko.loc[ko["round"] == r, "date"]) < as_of]
        current = started[-1]
        here = ko[ko["round"] == current]
        pairs: list[tuple[str, str]] = []
        for row in here.to_dict("records"):
            pair = (row["home"], row["away"])
            if pair not in pairs and pair[::-1] not in pairs:
                pairs.append(pair)
        rules = self.ties._rules(None, comp, min(here["date"]), stored=True)[0]
        known = [self._tie_state(a, b, here, as_of, rules, comp, season) for a, b in pairs]
        fmt = bracket_rounds(comp, season, current, pairs, rules, self._same)
        teams = [t for pair in pairs for t in pair]
        ids = self._team_ids(teams)
        index = {t.casefold(): i for i, t in enumerate(teams)}
        empty = pd.DataFrame(columns=["date", "home", "away", "neutral", "home_goals", "away_goals", "minute"])
        return self._run(fmt, teams, ids, (), empty, index, as_of, sims, seed, conditions, scheduler, on_done, known)

    def _tie_state(
        self, a: str, b: str, legs: pd.DataFrame, as_of: dt.date, rules: Rules, comp: str, season: str
    ) -> _Known:
        """P(``a`` goes through) in a stored tie as of ``as_of``: settled, between the legs, or to play."""
        mine = legs[((legs["home"] == a) & (legs["away"] == b)) | ((legs["home"] == b) & (legs["away"] == a))]
        before = mine[mine["date"] < as_of]
        if len(before) == 0:
            return _Known(a, b, float("nan"))  # not begun: the tie engine's pair probability
        if len(before) == len(mine) and (len(mine) == 2 or rules.legs == 1):
            last = before.iloc[-1]
            total = {a: 0, b: 0}
            for row in before.to_dict("records"):
                extra = not pd.isna(row["et_home_goals"])  # after extra time: cumulative, the 90 minutes included
                total[row["home"]] += int(row["et_home_goals"] if extra else row["home_goals"])
                total[row["away"]] += int(row["et_away_goals"] if extra else row["away_goals"])
            winner = self.store.one(
                """SELECT w.name FROM ties t JOIN teams w ON w.team_id = t.winner_id
                   JOIN teams x ON x.team_id = t.team_a_id JOIN teams y ON y.team_id = t.team_b_id
                   WHERE ((x.name = ? AND y.name = ?) OR (x.name = ? AND y.name = ?))
                     AND t.competition_id = ? AND t.season = ?
                   ORDER BY t.tie_id DESC LIMIT 1""",
                [a, b, b, a, comp, season],
            )
            won = winner[0] if winner else (a if total[a] > total[b] else b if total[b] > total[a] else last["home"])
            return _Known(a, b, 1.0 if won == a else 0.0)
        first = before.iloc[0]
        ids = self._team_ids([a, b])
        model = self.forecaster.fitted(as_of, self.forecaster.pool(*ids))
        leg1_a = int(first["home_goals"]) if first["home"] == a else int(first["away_goals"])
        leg1_b = int(first["away_goals"]) if first["home"] == a else int(first["home_goals"])
        a_first = first["home"] == a
        x, y = (ids[0], ids[1]) if a_first else (ids[1], ids[0])
        sx, sy = (leg1_a, leg1_b) if a_first else (leg1_b, leg1_a)
        played = play(model, np.array([x]), np.array([y]), rules, self.ties.conditions(as_of),
                      leg1_score=(np.array([sx]), np.array([sy])), continental=True)  # fmt: skip
        assert played.probabilities is not None
        p_first = float(played.probabilities.p_a[0])
        return _Known(a, b, p_first if a_first else 1 - p_first)

    # -- the common part ---------------------------------------------------------------
    def _same(self, a: str, b: str) -> bool:
        """Whether two spellings name one team of the store (False if either is unknown)."""
        try:
            return find_team(self.store, a) == find_team(self.store, b)
        except DataError:
            return False

    def _team_ids(self, teams: Sequence[str]) -> list[int]:
        ids = []
        for name in teams:
            ids.append(self.forecaster.pair(name, teams[0] if name != teams[0] else teams[-1])[0])
        if len(set(ids)) != len(ids):
            seen: dict[int, str] = {}
            for name, i in zip(teams, ids, strict=True):
                if i in seen:
                    raise DataError(f"{seen[i]!r} and {name!r} are the same team in the store")
                seen[i] = name
        return ids

    def _associations(self, ids: Sequence[int]) -> Ints:
        """Each team's country as a number (-1 unknown), for draws that keep compatriots apart."""
        country = dict(self.store.con.execute(
            "SELECT team_id, country FROM teams WHERE list_contains(?, team_id)", [list(ids)]).fetchall())  # fmt: skip
        codes: dict[str, int] = {}
        return np.array([codes.setdefault(country[i], len(codes)) if country.get(i) else -1 for i in ids], np.int64)

    def _run(
        self,
        fmt: Format,
        teams: Sequence[str],
        ids: Sequence[int],
        tables: tuple[Ints, ...],
        matches: pd.DataFrame,
        index: dict[str, int],
        as_of: dt.date,
        sims: int,
        seed: int,
        conditions: Sequence[str],
        scheduler: str | None,
        on_done: Callable[[int, int], None] | None,
        known: Sequence[_Known],
    ) -> TournamentForecast:
        self.forecaster.check_date(as_of, self.forecaster.pool(*ids))
        model = self.forecaster.fitted(as_of, self.forecaster.pool(*ids))
        team_ids = np.array(ids, np.int64)
        continental = fmt.name.startswith("uefa") or any(r.rules.name.startswith("uefa") for r in fmt.rounds)
        home = np.array([index[h.casefold()] for h in matches["home"]], np.int64)
        away = np.array([index[a.casefold()] for a in matches["away"]], np.int64)
        home_goals = np.array(matches["home_goals"].astype("Int64").fillna(-1).to_numpy(), dtype=np.int64)
        away_goals = np.array(matches["away_goals"].astype("Int64").fillna(-1).to_numpy(), dtype=np.int64)
        neutral = np.array([fmt.neutral if n is None or pd.isna(n) else bool(n) for n in matches["neutral"]], bool)
        minute = np.asarray(matches["minute"].astype("Int64").fillna(0).to_numpy(), dtype=np.int64)
        todo = np.flatnonzero((home_goals < 0) | (minute > 0))
        rates = model.rates(team_ids[home[todo]], team_ids[away[todo]], neutral[todo], continental)
        grid = poisson_grid(rates.home, rates.away, rates.rho)
        size = grid.probs.shape[-1]
        probs = grid.probs.reshape(len(todo), size * size)
        intensity = self.ties.conditions(as_of).intensity
        for j in np.flatnonzero(minute[todo] > 0):  # a match in play: the rest of it from its minute and score
            m = todo[j]
            rest = final_score_grid(rates.home[j], rates.away[j], intensity, minute=int(minute[m]),
                                    score=(home_goals[m], away_goals[m]), max_goals=size - 1)  # fmt: skip
            probs[j] = rest.probs.reshape(size * size)
        home_goals[todo], away_goals[todo] = -1, -1
        hosts = np.unique(home[~neutral]) if fmt.neutral else np.zeros(0, np.int64)  # at home on neutral ground
        advance = self._advance(fmt, model, team_ids, as_of, continental, hosts)
        for k in known:
            if np.isnan(k.p_a):
                continue
            a, b = index[k.a.casefold()], index[k.b.casefold()]
            for matrix in advance.values():
                matrix[a, b], matrix[b, a] = k.p_a, 1 - k.p_a
        forced = [self._apply(parse_condition(c), index, home, away, todo, probs, advance, known) for c in conditions]
        cdf = np.cumsum(probs / probs.sum(1, keepdims=True), axis=1) if len(todo) else np.zeros((0, size * size))
        dates = list(matches["date"])
        upcoming = sorted((d, m) for m, d in zip(todo, (dates[m] for m in todo), strict=True) if d is not None)
        watch = np.array([m for _, m in upcoming[:WATCHED]], np.int64)
        plan = Plan(fmt, tuple(teams), home, away, home_goals, away_goals, cdf, size, tables, advance, watch=watch,
                    association=self._associations(ids))  # fmt: skip
        counts = simulate(plan, sims, seed, scheduler=scheduler, on_done=on_done)
        stages = plan.stages
        league = fmt.league
        importance = _importance(plan, counts, dates)
        table = fmt.groups or fmt.league
        stand_for = table.criteria.lots if table is not None else ""
        unknown = [t for t, known in zip(teams, model.rates(team_ids, team_ids).known, strict=True) if not known]
        warnings = tuple(self.forecaster.warnings(as_of, asked=as_of)) + (
            (f"no matches before {as_of} for {', '.join(unknown)}: rated from the prior",) if unknown else ()
        )
        return TournamentForecast(
            fmt.name, fmt.title, as_of, counts.sims, seed, self.model, tuple(teams), stages, counts,
            tuple(r.stage for r in fmt.rounds), league is not None,
            tuple((z.name, z.first, z.last) for z in league.zones) if league else (), stand_for, tuple(forced),
            importance, warnings,
        )  # fmt: skip

    def _advance(
        self, fmt: Format, model: MatchModel, ids: Ints, as_of: dt.date, continental: bool, hosts: Ints
    ) -> dict[str, Floats]:
        """For each round's rules, P(a goes through against b, a at home first) for every pair, from the tie engine.

        On neutral ground a host still plays its one-match knockout ties at home (Qatar
        2022, Germany 2024): against a team that is not a host, its chance is the home
        side's. Two hosts meet on neutral terms.
        """
        n = len(ids)
        a, b = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        off = a != b
        conditions = self.ties.conditions(as_of)
        two_legged = any(r.rules.legs == 2 for r in fmt.rounds)
        out: dict[str, Floats] = {}
        for round_ in fmt.rounds:
            rules = round_.rules
            if rules.name in out:
                continue
            neutral = fmt.neutral or (rules.legs == 1 and two_legged)  # a one-off final between two-legged rounds
            matrix = np.full((n, n), 0.5)
            played = play(model, ids[a[off]], ids[b[off]], rules, conditions, neutral=neutral, continental=continental)
            assert played.probabilities is not None
            matrix[off] = played.probabilities.p_a
            if neutral and rules.legs == 1:  # the in-play model's home and away profiles differ by about 1%
                matrix = (matrix + 1 - matrix.T) / 2  # on neutral ground, whoever is named first: P(a) + P(b) = 1
            if fmt.neutral and rules.legs == 1 and len(hosts):
                guests = np.setdiff1d(np.arange(n), hosts)
                h, g = np.repeat(hosts, len(guests)), np.tile(guests, len(hosts))
                at_home = play(model, ids[h], ids[g], rules, conditions, continental=continental).probabilities
                assert at_home is not None
                matrix[h, g], matrix[g, h] = at_home.p_a, 1 - at_home.p_a
            out[rules.name] = matrix
        return out

    def _apply(
        self,
        cond: Condition,
        index: dict[str, int],
        home: Ints,
        away: Ints,
        todo: Ints,
        probs: Floats,
        advance: dict[str, Floats],
        known: Sequence[_Known],
    ) -> str:
        """Force a condition into the plan's grids or knockout matrices; the text says what was forced."""
        for name in (cond.first, cond.second):
            if name.casefold() not in index:
                raise DataError(f"condition {cond.text!r}: {name!r} is not in this competition")
        x, y = index[cond.first.casefold()], index[cond.second.casefold()]
        for j, m in enumerate(todo):
            if {home[m], away[m]} != {x, y}:
                continue
            side = 1 if home[m] == x else -1
            g = int(np.sqrt(probs.shape[1]))
            i, k = np.divmod(np.arange(g * g), g)
            keep = np.sign(i - k) * side == cond.sign
            if cond.score is not None:
                hs, as_ = cond.score if side == 1 else cond.score[::-1]
                keep = (i == hs) & (k == as_)
            probs[j] = np.where(keep, probs[j], 0.0)
            return cond.text
        is_tie = any({index[k.a.casefold()], index[k.b.casefold()]} == {x, y} for k in known) or not len(todo)
        if is_tie and cond.sign != 0 and cond.score is None:
            for matrix in advance.values():
                matrix[x, y], matrix[y, x] = float(cond.sign > 0), float(cond.sign < 0)
            return cond.text
        raise DataError(f"condition {cond.text!r}: no match still to play between them among the fixtures"
                        + (" (a knockout tie is won or lost, not drawn)" if is_tie else ""))  # fmt: skip


def _entrants(fmt: Format, rows: pd.DataFrame, source: str) -> tuple[list[str], tuple[Ints, ...], Format]:
    """The teams in order, the tables' members, and the format (a generic league sized to its teams)."""
    if fmt.groups is not None:
        grouped = rows[rows["group"] != ""]
        members: dict[str, dict[str, str]] = {g: {} for g in fmt.groups.names}
        where: dict[str, str] = {}
        for row in grouped.to_dict("records"):
            g = row["group"]
            if g not in members:
                raise DataError(f"{source}: row {row['row']}: group {g!r} is not one of {''.join(fmt.groups.names)}")
            for team in (row["home"], row["away"]):
                key = team.casefold()
                if where.setdefault(key, g) != g:
                    raise DataError(f"{source}: row {row['row']}: {team!r} is in group {where[key]} and group {g}")
                members[g].setdefault(key, team)
        sizes = {g: len(m) for g, m in members.items()}
        if set(sizes.values()) != {fmt.groups.size}:
            wrong = ", ".join(f"{g} has {s}" for g, s in sizes.items() if s != fmt.groups.size)
            raise DataError(f"{source}: groups of {fmt.groups.size} teams expected in {fmt.name}; {wrong}")
        teams = [t for g in fmt.groups.names for t in members[g].values()]
        tables = tuple(np.arange(i * fmt.groups.size, (i + 1) * fmt.groups.size) for i in range(len(fmt.groups.names)))
        _check_known_teams(rows, where, source)
        return teams, tables, fmt
    teams = list(dict.fromkeys(t for pair in zip(rows["home"], rows["away"], strict=True) for t in pair))
    folded = list(dict.fromkeys(t.casefold() for t in teams))
    teams = [next(t for t in teams if t.casefold() == f) for f in folded]
    if fmt.league is not None:
        if len(teams) != fmt.league.size:
            if fmt.name != "league":
                raise DataError(f"{source}: {fmt.name} is a league of {fmt.league.size} teams, the fixtures have "
                                f"{len(teams)}; use the format 'league'")  # fmt: skip
            zones = tuple(z for z in fmt.league.zones if z.last <= len(teams))
            fmt = replace(fmt, league=replace(fmt.league, size=len(teams), zones=zones))
        return teams, (np.arange(len(teams)),), fmt
    expected = fmt.teams or len(teams)
    if len(teams) != expected:
        raise DataError(f"{source}: {fmt.name} takes {expected} teams, the fixtures have {len(teams)}")
    return teams, (), fmt


def _check_known_teams(rows: pd.DataFrame, groups: dict[str, str], source: str) -> None:
    for row in rows[rows["group"] == ""].to_dict("records"):
        for team in (row["home"], row["away"]):
            if team.casefold() not in groups:
                raise DataError(f"{source}: row {row['row']}: {team!r} is in no group")


def _complete_round_robin(fmt: Format, rows: pd.DataFrame, teams: Sequence[str]) -> pd.DataFrame:
    """The table's matches; a round robin's missing pairings are added as matches still to play (no date)."""
    table = rows[["date", "home", "away", "neutral", "home_goals", "away_goals", "minute"]].reset_index(drop=True)
    stage = fmt.groups or fmt.league
    meetings = stage.meetings if stage is not None else 0
    if meetings == 0:
        return table
    index = {t.casefold(): i for i, t in enumerate(teams)}
    tables = (
        [list(range(i * fmt.groups.size, (i + 1) * fmt.groups.size)) for i in range(len(fmt.groups.names))]
        if fmt.groups
        else [list(range(len(teams)))]
    )
    have: dict[tuple[int, int], int] = {}
    for h, a in zip(table["home"], table["away"], strict=True):
        key = (index[h.casefold()], index[a.casefold()])
        have[key] = have.get(key, 0) + 1
    extra = []
    for members in tables:
        for i in members:
            for j in members:
                if i >= j:
                    continue
                wanted = {(i, j): 1, (j, i): 1} if meetings == 2 else {(i, j): 1}
                if meetings == 1 and have.get((j, i), 0) + have.get((i, j), 0) >= 1:
                    continue
                for (h, a), count in wanted.items():
                    if have.get((h, a), 0) < count:
                        extra.append({"date": None, "home": teams[h], "away": teams[a], "neutral": None,
                                      "home_goals": pd.NA, "away_goals": pd.NA, "minute": pd.NA})  # fmt: skip
    if extra:
        table = pd.concat([table, pd.DataFrame(extra)], ignore_index=True)
    return table


def _settled(row: dict[str, object], source: str) -> _Known:
    """A knockout match in the fixtures, already played: who went through."""
    hg, ag = int(row["home_goals"]), int(row["away_goals"])  # type: ignore[call-overload]
    home, away, winner = str(row["home"]), str(row["away"]), str(row["winner"])
    if hg == ag and not winner:
        raise DataError(f"{source}: row {row['row']}: a knockout match level at {hg}-{ag} needs a winner column")
    won = winner.casefold() == home.casefold() if winner else hg > ag
    return _Known(home, away, 1.0 if won else 0.0)


def _importance(plan: Plan, counts: Counts, dates: Sequence[dt.date | None]) -> tuple[MatchImportance, ...]:
    """For each watched match, each side's chance of the stage (or league zone) its result moves most."""
    out = []
    for w, m in enumerate(plan.watch):
        seen = counts.outcomes[w]
        if (seen == 0).any():
            continue
        h, a = plan.home[m], plan.away[m]
        cond = counts.watched[w] / seen[:, None, None]  # result, team, stage
        swing = np.maximum(np.ptp(cond[:, h, :], axis=0), np.ptp(cond[:, a, :], axis=0))
        k = int(np.argmax(swing))
        out.append(MatchImportance(
            dates[m], plan.teams[h], plan.teams[a], plan.targets[k],
            tuple(float(x) for x in cond[:, h, k]), tuple(float(x) for x in cond[:, a, k]),  # type: ignore[arg-type]
            tuple(float(x) for x in seen / counts.sims),  # type: ignore[arg-type]
        ))  # fmt: skip
    return tuple(sorted(out, key=lambda m: -m.swing))
