"""Monte Carlo over the matches still to play: vectorised over simulations, in fixed-size chunks.

Each simulation draws every unplayed match's score from that match's score grid (so goal
difference and goals feed the tie-breakers), ranks every table with the format's criteria
(:mod:`remontada.tournaments.standings`), ranks the third-placed teams and reads the
regulations' allocation table, then plays the knockout rounds: a tie between two teams is
won with the probability the exact tie engine gives for that pair under the round's rules
(:class:`Plan` carries those as one matrix per rules). Counts are summed over chunks.

Determinism: chunk ``i`` draws its random numbers from ``SeedSequence(seed, spawn_key=(i,))``
in a fixed order (scores, lots, knockout ties, draws), so a seed gives the same answer
whether the chunks run in one process or on a Dask cluster, and a conditional forecast
that forces one result (``--if``) sees the same random numbers everywhere else (common
random numbers: the difference it shows is the condition's, not noise's). Memory grows with
the chunk (10,000 simulations) times the matches, and with teams times stages, not with the
number of simulations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numba
import numpy as np
from numpy.typing import NDArray

from remontada.evaluation.parallel import ProgressCallback, run
from remontada.tournaments.formats import Criteria, Format, FormatError, Round, Slot
from remontada.tournaments.standings import (
    N_STATS,
    CompiledCriteria,
    compile_criteria,
    rank_space,
    rank_table_in,
    table_stats,
)  # fmt: skip

__all__ = ["CHUNK", "Counts", "Plan", "simulate", "simulate_chunk"]

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]

CHUNK = 10_000
"""Simulations per chunk: the unit of work, of random numbers and of memory."""
ATTEMPTS = 100_000
"""Random orders a constrained draw tries, per simulation, before it is declared impossible."""


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything a simulation needs, as arrays.

    Attributes
    ----------
    format
        The competition's format.
    teams
        The teams' names; team ``i`` is index ``i`` everywhere else.
    home, away, home_goals, away_goals
        Every match of the group stage or league (played or not); goals are ``-1`` for
        a match still to play.
    cdf
        For each match still to play, in order, the cumulative score distribution:
        ``cdf[j, i * size + k]`` is P(score at most i-k in reading order).
    size
        The score grid's side (``max_goals + 1``).
    tables
        The teams of each table: one per group, in the format's order, or the league.
    advance
        For each rules name of the rounds, ``P[a, b]``: P(``a`` goes through against ``b``,
        ``a`` at home first); pairs already decided or under way carry their known value.
    association
        Each team's country (an integer; -1 unknown), for draws that keep compatriots apart.
    watch
        Matches (indices into ``home``) whose result is recorded against every team's
        stages, to say how much each matters.
    """

    format: Format
    teams: tuple[str, ...]
    home: Ints
    away: Ints
    home_goals: Ints
    away_goals: Ints
    cdf: Floats
    size: int
    tables: tuple[Ints, ...]
    advance: Mapping[str, Floats]
    association: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    watch: Ints = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def n(self) -> int:
        """How many teams."""
        return len(self.teams)

    @cached_property
    def unplayed(self) -> Ints:
        """The matches still to play, in the order of ``cdf``."""
        return np.flatnonzero(self.home_goals < 0)

    @cached_property
    def stages(self) -> tuple[str, ...]:
        """The stages counted, in order."""
        return self.format.stages

    @cached_property
    def targets(self) -> tuple[str, ...]:
        """What a watched match's result is measured against: the stages, then a league's zones."""
        league = self.format.league
        return self.stages + (tuple(z.name for z in league.zones) if league is not None else ())

    @cached_property
    def _layout(self) -> _Layout:
        return _Layout.of(self)


@dataclass(frozen=True)
class _Layout:
    """A plan's tables flattened for numba, and its rounds' slots resolved to indices."""

    table_teams: Ints
    team_start: Ints
    table_matches: Ints
    match_start: Ints
    points: Ints
    criteria: CompiledCriteria
    thirds: CompiledCriteria | None
    team_table: Ints
    third_rows: Ints  # qualified-groups bitmask -> row of third_groups
    third_groups: Ints  # row, third slot column -> group index
    third_columns: tuple[str, ...]
    max_size: int

    @staticmethod
    def of(plan: Plan) -> _Layout:
        fmt = plan.format
        stage = fmt.groups or fmt.league
        team_table = np.full(plan.n, -1, np.int64)
        matches: list[Ints] = []
        for t, teams in enumerate(plan.tables):
            team_table[teams] = t
        same = team_table[plan.home] == team_table[plan.away]
        for t in range(len(plan.tables)):
            matches.append(np.flatnonzero(same & (team_table[plan.home] == t)))
        sizes = [len(t) for t in plan.tables]
        empty = np.zeros(0, np.int64)
        rows, groups = np.zeros(1, np.int64), np.zeros((1, 1), np.int64)
        columns: tuple[str, ...] = ()
        if fmt.thirds is not None and fmt.groups is not None:
            names = fmt.groups.names
            columns = tuple(next(iter(fmt.thirds.table.values())))
            rows = np.full(1 << len(names), -1, np.int64)
            groups = np.zeros((len(fmt.thirds.table), len(columns)), np.int64)
            for r, (qualified, cells) in enumerate(fmt.thirds.table.items()):
                rows[sum(1 << names.index(g) for g in qualified)] = r
                groups[r] = [names.index(cells[c]) for c in columns]
        return _Layout(
            np.concatenate(plan.tables) if plan.tables else empty,
            np.cumsum([0] + sizes).astype(np.int64),
            np.concatenate(matches) if matches else empty,
            np.cumsum([0] + [len(m) for m in matches]).astype(np.int64),
            np.array(stage.points if stage else (3, 1, 0), np.int64),
            compile_criteria(stage.criteria) if stage else compile_criteria_points(),
            compile_criteria(fmt.thirds.criteria) if fmt.thirds else None,
            team_table, rows, groups, columns, max(sizes, default=0),
        )  # fmt: skip


def compile_criteria_points() -> CompiledCriteria:
    """Points alone (a knockout-only format has no table to rank)."""
    return compile_criteria(Criteria((("points",),), (False,), "drawing of lots"))


@dataclass
class Counts:
    """What a batch of simulations found, as counts that add up across chunks.

    ``reached[team, stage]`` counts the simulations in which a team reached a stage;
    ``positions[team, p]`` those in which it finished ``p + 1``-th of its table;
    ``points`` sums its points; ``lots`` counts simulations that needed a drawing of
    lots; ``opponents[r, a, b]`` those in which ``a`` met ``b`` in round ``r``;
    ``watched[w, o, team, target]`` the simulations in which watched match ``w`` ended
    ``o`` (home win, draw, away win) and the team reached the target (a stage, or a
    league's zone: ``Plan.targets``), ``outcomes[w, o]`` how often each result came up.
    """

    sims: int
    reached: Ints
    positions: Ints
    points: Floats
    lots: int
    opponents: Ints
    watched: Ints
    outcomes: Ints

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.sims + other.sims, self.reached + other.reached, self.positions + other.positions,
            self.points + other.points, self.lots + other.lots, self.opponents + other.opponents,
            self.watched + other.watched, self.outcomes + other.outcomes,
        )  # fmt: skip


def simulate_chunk(plan: Plan, task: tuple[int, int, int]) -> Counts:
    """Run simulations ``task = (seed, chunk index, how many)`` of ``plan`` and count what happened."""
    seed, chunk, sims = task
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(chunk,))))
    lay = plan._layout
    n, stages = plan.n, plan.stages
    # 1. scores of the matches still to play
    uniforms = rng.random((sims, len(plan.unplayed)))
    home_goals = np.broadcast_to(plan.home_goals, (sims, len(plan.home))).copy()
    away_goals = np.broadcast_to(plan.away_goals, (sims, len(plan.home))).copy()
    _draw_scores(plan.cdf, uniforms, plan.unplayed, plan.size, home_goals, away_goals)
    # 2. the tables, and the drawing of lots where the data cannot separate teams
    lots = rng.random((sims, n))
    pos_team = np.full((sims, len(plan.tables), lay.max_size), -1, np.int64)
    stats = np.zeros((sims, n, N_STATS))
    drawn = np.zeros(sims, np.bool_)
    if plan.tables:
        c: CompiledCriteria = lay.criteria
        _rank_tables(
            home_goals, away_goals, plan.home, plan.away, lay.table_teams, lay.team_start, lay.table_matches,
            lay.match_start, lay.points, c.codes, c.starts, c.lengths, c.reapply, lots, pos_team, stats, drawn,
        )  # fmt: skip
    if not plan.tables:  # a knockout only: places are the order of entry
        pos_team = np.broadcast_to(np.arange(n), (sims, 1, n))
    reached = np.zeros((sims, n, len(stages)), np.bool_)
    positions = np.zeros((n, lay.max_size), np.int64)
    rows = np.arange(sims)[:, None]
    for t, teams in enumerate(plan.tables):
        for p in range(len(teams)):
            positions[:, p] += np.bincount(pos_team[:, t, p], minlength=n)
    league = plan.format.league
    if league is not None:
        for band in league.stages:
            reached[rows, pos_team[:, 0, band.first - 1 : band.last], stages.index(band.name)] = True
    thirds = _thirds(plan, pos_team, stats, lots, drawn)
    # 3. the knockout rounds
    ko = rng.random((sims, sum(r.size for r in plan.format.rounds)))
    shuffles = rng.random((sims, sum(2 * r.size for r in plan.format.rounds)))
    draw_seed = int(rng.integers(2**31))
    opponents = np.zeros((len(plan.format.rounds), n, n), np.int64)
    results: dict[str, tuple[Ints, Ints]] = {}
    offset = 0
    for r, round_ in enumerate(plan.format.rounds):
        u_shuffle = shuffles[:, 2 * offset : 2 * (offset + round_.size)]
        home, away = _pairings(plan, round_, pos_team, thirds, results, u_shuffle, draw_seed + r)
        reached[rows, home, stages.index(round_.stage)] = True
        reached[rows, away, stages.index(round_.stage)] = True
        won = ko[:, offset : offset + round_.size] < plan.advance[round_.rules.name][home, away]
        winners, losers = np.where(won, home, away), np.where(won, away, home)
        for t, tie in enumerate(round_.ties):
            results[tie.id] = (winners[:, t], losers[:, t])
        opponents[r] = np.bincount((home * n + away).ravel(), minlength=n * n).reshape(n, n)
        opponents[r] += opponents[r].T.copy()
        offset += round_.size
        if r == len(plan.format.rounds) - 1:
            reached[rows, winners, stages.index("winner")] = True
    # 4. the counts, and each watched match's result against every stage and zone
    outcome = np.sign(home_goals[:, plan.watch] - away_goals[:, plan.watch]) if len(plan.watch) else None
    targets = reached
    if league is not None and league.zones:
        in_zone = np.zeros((sims, n, len(league.zones)), np.bool_)
        for z, zone in enumerate(league.zones):
            in_zone[rows, pos_team[:, 0, zone.first - 1 : zone.last], z] = True
        targets = np.concatenate([reached, in_zone], axis=2)
    watched = np.zeros((len(plan.watch), 3, n, targets.shape[2]), np.int64)
    outcomes = np.zeros((len(plan.watch), 3), np.int64)
    for w in range(len(plan.watch)):
        assert outcome is not None
        for o, sign in enumerate((1, 0, -1)):
            mask = outcome[:, w] == sign
            outcomes[w, o] = int(mask.sum())
            watched[w, o] = targets[mask].sum(0)
    return Counts(
        sims, reached.sum(0).astype(np.int64), positions, stats[:, :, 0].sum(0), int(drawn.sum()), opponents,
        watched, outcomes,
    )  # fmt: skip


def _thirds(plan: Plan, pos_team: Ints, stats: Floats, lots: Floats, drawn: NDArray[np.bool_]) -> dict[str, Ints]:
    """The third-placed team filling each ``3[...]`` slot, by the column (the team it meets) of the table."""
    lay, fmt = plan._layout, plan.format
    if lay.thirds is None or fmt.thirds is None:
        return {}
    c = lay.thirds
    mask = np.zeros(len(pos_team), np.int64)
    _rank_thirds(pos_team, stats, lay.team_table, fmt.thirds.count, lay.points, c.codes, c.starts, c.lengths,
                 c.reapply, lots, mask, drawn)  # fmt: skip
    row = lay.third_rows[mask]
    rows = np.arange(len(pos_team))
    return {col: pos_team[rows, lay.third_groups[row, j], 2] for j, col in enumerate(lay.third_columns)}


def _pairings(
    plan: Plan,
    round_: Round,
    pos_team: Ints,
    thirds: Mapping[str, Ints],
    results: Mapping[str, tuple[Ints, Ints]],
    shuffle: Floats,
    seed: int,
) -> tuple[Ints, Ints]:
    """Who meets whom in each tie of the round, in every simulation: two ``(sims, ties)`` arrays."""
    sims = len(pos_team)
    draw = round_.draw
    if draw is not None:
        pots = draw.pots or (draw.open[0::2], draw.open[1::2])  # type: ignore[index]
        first = np.stack([_team(plan, s, pos_team, thirds, results, "") for s in pots[0]], axis=1)
        second = np.stack([_team(plan, s, pos_team, thirds, results, "") for s in pots[1]], axis=1)
        groups = np.array([[ord(s.group or "?") for s in pot] for pot in pots], np.int64)
        keep_apart = "association" in draw.avoid and len(plan.association) > 0
        association = plan.association if keep_apart else np.full(plan.n, -1, np.int64)
        if draw.open is not None:
            _draw_open(first, second, groups, "group" in draw.avoid, association, seed)
        else:
            _draw_pots(first, second, groups, "group" in draw.avoid, association, seed)
        if (first < 0).any():
            apart = " and ".join(a if a == "group" else "country" for a in draw.avoid)
            raise FormatError(f"{plan.format.name}: the {round_.stage} draw cannot keep teams of one {apart} apart "
                              "in some simulations; no pairing is allowed")  # fmt: skip
        return first, second
    home = np.empty((sims, round_.size), np.int64)
    away = np.empty((sims, round_.size), np.int64)
    columns: dict[str, int] = {}  # each drawn slot's first column in ``shuffle``
    taken: dict[str, int] = {}  # how many of the round's ties have taken one of its places
    for t, tie in enumerate(round_.ties):
        for side, slot, other in ((home, tie.home, tie.away), (away, tie.away, tie.home)):
            if slot.kind == "drawn":  # the ties naming these places take one each, in a random order
                start = columns.setdefault(slot.text, sum(len(s.split("/")) for s in columns))
                k = taken.get(slot.text, 0)
                taken[slot.text] = k + 1
                order = np.argsort(shuffle[:, start : start + len(slot.positions)], axis=1)[:, k]
                places = np.array(slot.positions, np.int64) - 1
                side[:, t] = pos_team[np.arange(sims), 0, places[order]]
            else:
                side[:, t] = _team(plan, slot, pos_team, thirds, results, other.text)
    return home, away


def _team(
    plan: Plan,
    slot: Slot,
    pos_team: Ints,
    thirds: Mapping[str, Ints],
    results: Mapping[str, tuple[Ints, Ints]],
    opponent: str,
) -> Ints:
    """The team filling ``slot`` in every simulation (``opponent``: the slot it meets, for thirds)."""
    if slot.kind == "group":
        assert plan.format.groups is not None
        return pos_team[:, plan.format.groups.names.index(slot.group), slot.position - 1]
    if slot.kind == "third":
        return thirds[opponent]
    if slot.kind == "position":
        return pos_team[:, 0, slot.position - 1]
    winners, losers = results[slot.tie]
    return winners if slot.kind == "winner" else losers


@numba.njit(cache=True)
def _draw_scores(cdf: Floats, uniforms: Floats, unplayed: Ints, size: int, home_goals: Ints, away_goals: Ints) -> None:
    """Each unplayed match's score in every simulation: the first cell whose cumulative probability passes the uniform.

    The same cell as ``np.searchsorted(cdf[j], u, side="right")`` (capped at the last cell),
    in one pass that writes the goals in place, simulation by simulation.
    """
    last = cdf.shape[1] - 1
    for s in range(uniforms.shape[0]):
        for j in range(unplayed.shape[0]):
            u = uniforms[s, j]
            lo, hi = 0, cdf.shape[1]
            while lo < hi:
                mid = (lo + hi) >> 1
                if cdf[j, mid] <= u:
                    lo = mid + 1
                else:
                    hi = mid
            cell = min(lo, last)
            home_goals[s, unplayed[j]] = cell // size
            away_goals[s, unplayed[j]] = cell % size


@numba.njit(cache=True)
def _rank_tables(
    home_goals: Ints, away_goals: Ints, home: Ints, away: Ints, table_teams: Ints, team_start: Ints,
    table_matches: Ints, match_start: Ints, points: Ints, codes: Ints, starts: Ints, lengths: Ints,
    reapply: NDArray[np.bool_], lots: Floats, pos_team: Ints, stats: Floats, drawn: NDArray[np.bool_],
) -> None:  # fmt: skip
    """Rank every table of every simulation into ``pos_team[sim, table, place]``.

    Nothing is allocated per simulation: the tables' teams and matches are sliced once, each
    simulation's goals are copied into two buffers, and the ranking works in scratch arrays.
    """
    order = np.empty(pos_team.shape[2], np.int64)
    stack, member, h2h, space = rank_space(pos_team.shape[2], stats.shape[1], lengths)
    table_home, table_away = home[table_matches], away[table_matches]
    gh = np.empty(table_matches.shape[0], np.int64)
    ga = np.empty(table_matches.shape[0], np.int64)
    for s in range(home_goals.shape[0]):
        for i in range(table_matches.shape[0]):
            gh[i] = home_goals[s, table_matches[i]]
            ga[i] = away_goals[s, table_matches[i]]
        for t in range(team_start.shape[0] - 1):
            teams = table_teams[team_start[t] : team_start[t + 1]]
            m0, m1 = match_start[t], match_start[t + 1]
            h, a, hg, ag = table_home[m0:m1], table_away[m0:m1], gh[m0:m1], ga[m0:m1]
            table_stats(h, a, hg, ag, points, teams, stats[s])
            if rank_table_in(teams, h, a, hg, ag, points, stats[s], codes, starts, lengths, reapply, lots[s], order,
                             stack, member, h2h, space):  # fmt: skip
                drawn[s] = True
            pos_team[s, t, : teams.shape[0]] = order[: teams.shape[0]]


@numba.njit(cache=True)
def _rank_thirds(
    pos_team: Ints, stats: Floats, team_table: Ints, count: int, points: Ints, codes: Ints, starts: Ints,
    lengths: Ints, reapply: NDArray[np.bool_], lots: Floats, mask: Ints, drawn: NDArray[np.bool_],
) -> None:  # fmt: skip
    """Rank the third-placed teams across groups; ``mask[sim]`` has a bit for each group whose third went through.

    Only who goes through matters (the allocation table reads the set), so a drawing of
    lots counts only where it decided that set: where the reversed keys would have
    sent another third through.
    """
    groups = pos_team.shape[1]
    order = np.empty(groups, np.int64)
    none = np.zeros(0, np.int64)
    thirds = np.empty(groups, np.int64)
    stack, member, h2h, space = rank_space(groups, stats.shape[1], lengths)
    for s in range(pos_team.shape[0]):
        thirds[:] = pos_team[s, :, 2]
        drew = rank_table_in(thirds, none, none, none, none, points, stats[s], codes, starts, lengths, reapply,
                             lots[s], order, stack, member, h2h, space)  # fmt: skip
        bits = 0
        for i in range(count):
            bits |= 1 << team_table[order[i]]
        mask[s] = bits
        if drew:  # did the lots decide who is through? then reversed keys send another third through
            rank_table_in(thirds, none, none, none, none, points, stats[s], codes, starts, lengths, reapply,
                          -lots[s], order, stack, member, h2h, space)  # fmt: skip
            other = 0
            for i in range(count):
                other |= 1 << team_table[order[i]]
            if other != bits:
                drawn[s] = True


@numba.njit(cache=True)
def _allowed(a: int, b: int, group_a: int, group_b: int, avoid_group: bool, association: Ints) -> bool:
    """Whether a draw may pair ``a`` with ``b``: not one group (with ``avoid_group``), not one known country."""
    if avoid_group and group_a == group_b:
        return False
    return not (association[a] >= 0 and association[a] == association[b])


@numba.njit(cache=True)
def _draw_pots(first: Ints, second: Ints, groups: Ints, avoid_group: bool, association: Ints, seed: int) -> None:
    """Pair each team of the first pot with one of the second, uniformly among the pairings allowed.

    Allowed: not from the same group (with ``avoid_group``), not from the same country
    (where ``association`` knows both). Random orders of the second pot are drawn until one
    is allowed (rejection sampling gives every allowed pairing the same chance); ``second``
    is reordered in place. UEFA's own draw is sequential, with a computer checking that
    each pick leaves a way to finish, which is close to but not exactly uniform. A
    simulation where no order is found is marked by ``first[s, 0] = -1``.
    """
    np.random.seed(seed)
    k = first.shape[1]
    perm = np.arange(k)
    row = np.empty(k, np.int64)
    for s in range(first.shape[0]):
        ok = False
        for _attempt in range(ATTEMPTS):
            np.random.shuffle(perm)
            ok = True
            for i in range(k):
                if not _allowed(first[s, i], second[s, perm[i]], groups[0, i], groups[1, perm[i]], avoid_group,
                                association):  # fmt: skip
                    ok = False
                    break
            if ok:
                break
        if not ok:
            first[s, 0] = -1
        for i in range(k):
            row[i] = second[s, perm[i]]
        second[s, :] = row


@numba.njit(cache=True)
def _draw_open(first: Ints, second: Ints, groups: Ints, avoid_group: bool, association: Ints, seed: int) -> None:
    """An open draw: the ``2k`` teams (``first`` then ``second``) paired at random, uniformly among the allowed.

    Random orders of all the teams are drawn, each taken as the pairs (1st v 2nd, 3rd v
    4th, ...), until every pair is allowed; the pairs are written back, the first named
    at home. Unmarked failures as in :func:`_draw_pots`.
    """
    np.random.seed(seed)
    k = first.shape[1]
    perm = np.arange(2 * k)
    team = np.empty(2 * k, np.int64)
    group = np.empty(2 * k, np.int64)
    for s in range(first.shape[0]):
        team[:k], team[k:] = first[s], second[s]
        group[:k], group[k:] = groups[0], groups[1]
        ok = False
        for _attempt in range(ATTEMPTS):
            np.random.shuffle(perm)
            ok = True
            for i in range(k):
                x, y = perm[2 * i], perm[2 * i + 1]
                if not _allowed(team[x], team[y], group[x], group[y], avoid_group, association):
                    ok = False
                    break
            if ok:
                break
        for i in range(k):
            first[s, i], second[s, i] = team[perm[2 * i]], team[perm[2 * i + 1]]
        if not ok:
            first[s, 0] = -1


def simulate(
    plan: Plan,
    sims: int,
    seed: int,
    *,
    scheduler: str | None = "inline",
    on_done: ProgressCallback | None = None,
) -> Counts:
    """Run ``sims`` simulations of ``plan`` in chunks of :data:`CHUNK` and add up their counts.

    ``scheduler`` is :func:`remontada.evaluation.parallel.run`'s: ``"inline"`` (the
    default: one core, no start-up cost), ``"processes"`` or a Dask scheduler's address.
    The answer for a seed is the same whichever runs it.
    """
    if sims < 1:
        raise ValueError(f"sims must be at least 1, not {sims}")
    tasks = [(seed, i, min(CHUNK, sims - i * CHUNK)) for i in range(-(-sims // CHUNK))]
    counts = run(simulate_chunk, tasks, shared=plan, scheduler=scheduler, on_done=on_done)
    total = counts[0]
    for more in counts[1:]:
        total = total + more
    return total
