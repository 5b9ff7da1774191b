"""League tables and their tie-breakers, compiled for numba and run once per simulation.

A table ranks teams by points, then by the format's criteria in order
(:class:`~remontada.tournaments.formats.Criteria`). Overall criteria (goal difference,
goals, wins, away goals, away wins, the opponents' points, goal difference and goals) are
taken over all of a team's matches in the table. Head-to-head criteria are taken together
on the matches among the teams still level: UEFA's and FIFA's regulations re-apply them to a
smaller set still level afterwards (``reapply``), and move on to the overall criteria only
when they separate no one. Teams level on every criterion the data can decide are ordered
by a seeded drawing of lots (standing in for disciplinary points or a ranking), and the
table says so.

The ranking walks a stack of level blocks instead of recursing: pop a block and the
criterion it has reached, sort the block by that criterion, and push each run still level
with the criterion it goes on with (the same head-to-head entry if it is re-applied, else
the next one). Every function is plain numba over small arrays, so a 100,000-simulation
World Cup ranks its 1.2 million group tables in about a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from numpy.typing import NDArray

from remontada.tournaments.formats import HEAD_TO_HEAD, OVERALL, Criteria

__all__ = ["STAT", "CompiledCriteria", "compile_criteria", "rank_space", "rank_table", "rank_table_in", "table_stats"]

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]

STAT = {name: i for i, name in enumerate(("points", *OVERALL))}
"""The columns of a table's statistics array: points, then each overall criterion."""
N_STATS = len(STAT)
H2H = {name: 16 + i for i, name in enumerate(HEAD_TO_HEAD)}
"""Codes of the head-to-head criteria (16 and up, so a code below 16 is a column of the stats)."""


@dataclass(frozen=True)
class CompiledCriteria:
    """:class:`Criteria` as flat arrays numba can read: entry ``i`` is ``codes[starts[i]:starts[i] + lengths[i]]``."""

    codes: Ints
    starts: Ints
    lengths: Ints
    reapply: NDArray[np.bool_]


def compile_criteria(criteria: Criteria) -> CompiledCriteria:
    """Flatten a format's criteria into the codes :func:`rank_table` reads."""
    codes: list[int] = []
    starts, lengths = [], []
    for entry in criteria.entries:
        starts.append(len(codes))
        lengths.append(len(entry))
        codes += [H2H[name] if name in H2H else STAT[name] for name in entry]
    return CompiledCriteria(
        np.array(codes, np.int64), np.array(starts, np.int64), np.array(lengths, np.int64),
        np.array(criteria.reapply, np.bool_),
    )  # fmt: skip


@numba.njit(cache=True)
def table_stats(
    home: Ints, away: Ints, home_goals: Ints, away_goals: Ints, points: Ints, teams: Ints, stats: Floats
) -> None:
    """Fill ``stats[team]`` (points, then the overall criteria) for ``teams`` from the table's matches."""
    for t in teams:
        stats[t, :] = 0.0
    for m in range(home.shape[0]):
        h, a, gh, ga = home[m], away[m], home_goals[m], away_goals[m]
        ph = points[0] if gh > ga else (points[1] if gh == ga else points[2])
        pa = points[0] if ga > gh else (points[1] if gh == ga else points[2])
        stats[h, 0] += ph
        stats[a, 0] += pa
        stats[h, 1] += gh - ga
        stats[a, 1] += ga - gh
        stats[h, 2] += gh
        stats[a, 2] += ga
        if gh > ga:
            stats[h, 3] += 1
        elif ga > gh:
            stats[a, 3] += 1
            stats[a, 5] += 1
        stats[a, 4] += ga
    for m in range(home.shape[0]):  # what each team's opponents did over the whole table
        h, a = home[m], away[m]
        for col in range(3):
            stats[h, 6 + col] += stats[a, col]
            stats[a, 6 + col] += stats[h, col]


@numba.njit(cache=True)
def _block_keys(
    order: Ints, s: int, e: int, codes: Ints, first: int, length: int, stats: Floats,
    home: Ints, away: Ints, home_goals: Ints, away_goals: Ints, points: Ints,
    member: NDArray[np.int64], h2h: Floats, space: Floats,
) -> Floats:  # fmt: skip
    """The values of one criteria entry for the teams of ``order[s:e]``: one row per team, larger is better.

    The rows are a view into ``space`` (at least ``e - s`` by ``length``), which is overwritten.
    """
    keys = space[: e - s, :length]
    if codes[first] < 16:
        for i in range(s, e):
            for j in range(length):
                keys[i - s, j] = stats[order[i], codes[first + j]]
        return keys
    for i in range(s, e):
        member[order[i]] = i - s + 1
        h2h[i - s, :] = 0.0
    for m in range(home.shape[0]):
        hi, ai = member[home[m]], member[away[m]]
        if hi == 0 or ai == 0:
            continue
        gh, ga = home_goals[m], away_goals[m]
        h2h[hi - 1, 0] += points[0] if gh > ga else (points[1] if gh == ga else points[2])
        h2h[ai - 1, 0] += points[0] if ga > gh else (points[1] if gh == ga else points[2])
        h2h[hi - 1, 1] += gh - ga
        h2h[ai - 1, 1] += ga - gh
        h2h[hi - 1, 2] += gh
        h2h[ai - 1, 2] += ga
        h2h[ai - 1, 3] += ga
    for i in range(s, e):
        member[order[i]] = 0
        for j in range(length):
            keys[i - s, j] = h2h[i - s, codes[first + j] - 16]
    return keys


@numba.njit(cache=True)
def _before(keys: Floats, i: int, j: int) -> int:
    """1 if row ``i`` ranks above row ``j``, -1 if below, 0 if level on every column."""
    for c in range(keys.shape[1]):
        if keys[i, c] > keys[j, c]:
            return 1
        if keys[i, c] < keys[j, c]:
            return -1
    return 0


@numba.njit(cache=True)
def rank_table(
    teams: Ints, home: Ints, away: Ints, home_goals: Ints, away_goals: Ints, points: Ints, stats: Floats,
    codes: Ints, starts: Ints, lengths: Ints, reapply: NDArray[np.bool_], lots: Floats, order: Ints,
) -> bool:  # fmt: skip
    """Rank ``teams`` into ``order`` (first place first); True if the drawing of lots was needed.

    ``stats`` holds each team's points and overall criteria (:func:`table_stats`);
    ``home``/``away``/goals are the table's matches (for head-to-head criteria); ``lots``
    a random key per team, used only where every criterion leaves teams level.
    """
    k = teams.shape[0]
    space = rank_space(k, stats.shape[0], lengths)
    return rank_table_in(
        teams, home, away, home_goals, away_goals, points, stats, codes, starts, lengths, reapply, lots, order,
        space[0], space[1], space[2], space[3],
    )  # fmt: skip


@numba.njit(cache=True)
def rank_space(k: int, n: int, lengths: Ints) -> tuple[Ints, Ints, Floats, Floats]:
    """Scratch arrays for :func:`rank_table_in` on tables of up to ``k`` of ``n`` teams: stack, member, h2h, keys."""
    width = 1
    for length in lengths:
        width = max(width, length)
    cap = 4 * k * (lengths.shape[0] + 2) + 8
    return np.empty((cap, 3), np.int64), np.zeros(n, np.int64), np.zeros((k, 4)), np.empty((k, width))


@numba.njit(cache=True)
def rank_table_in(
    teams: Ints, home: Ints, away: Ints, home_goals: Ints, away_goals: Ints, points: Ints, stats: Floats,
    codes: Ints, starts: Ints, lengths: Ints, reapply: NDArray[np.bool_], lots: Floats, order: Ints,
    stack: Ints, member: Ints, h2h: Floats, space: Floats,
) -> bool:  # fmt: skip
    """:func:`rank_table` in scratch arrays from :func:`rank_space` (``member`` all zero), reused from call to call.

    A simulation ranks a table of a few teams in microseconds, so allocating these for
    every table would cost as much as the ranking itself.
    """
    k = teams.shape[0]
    order[:k] = teams
    entries = starts.shape[0]
    stack[0, 0], stack[0, 1], stack[0, 2] = 0, k, 0
    top = 1
    drawn = False
    while top > 0:
        top -= 1
        s, e, c = stack[top, 0], stack[top, 1], stack[top, 2]
        if e - s <= 1:
            continue
        if c == entries:  # level on everything: the drawing of lots
            drawn = True
            for i in range(s + 1, e):
                j = i
                while j > s and lots[order[j]] > lots[order[j - 1]]:
                    order[j], order[j - 1] = order[j - 1], order[j]
                    j -= 1
            continue
        keys = _block_keys(
            order,
            s,
            e,
            codes,
            starts[c],
            lengths[c],
            stats,
            home,
            away,
            home_goals,
            away_goals,
            points,
            member,
            h2h,
            space,
        )
        for i in range(1, e - s):  # insertion sort of the block, keys alongside
            j = i
            while j > 0 and _before(keys, j, j - 1) > 0:
                order[s + j], order[s + j - 1] = order[s + j - 1], order[s + j]
                for col in range(keys.shape[1]):
                    keys[j, col], keys[j - 1, col] = keys[j - 1, col], keys[j, col]
                j -= 1
        run = 0
        if _before(keys, 0, e - s - 1) == 0:  # separated no one: the next criterion
            stack[top, 0], stack[top, 1], stack[top, 2] = s, e, c + 1
            top += 1
            continue
        for i in range(1, e - s + 1):
            if i == e - s or _before(keys, run, i) != 0:
                if i - run > 1:
                    stack[top, 0], stack[top, 1] = s + run, s + i
                    stack[top, 2] = c if reapply[c] else c + 1
                    top += 1
                run = i
    return drawn
