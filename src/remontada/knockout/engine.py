"""Exact chances of going through a knockout tie, from score grids and the rules.

A two-legged tie is a small sum. Side A is at home in leg 1, side B in leg 2. After
leg 1 A leads by ``s = a1 - b1`` goals and B has scored ``b1`` away goals. In leg 2,
which B hosts, the score is ``i`` (B) - ``j`` (A), so over the tie A finishes
``s + j - i`` ahead:

* ``s + j - i > 0``: A is through in 90 minutes, ``< 0``: B is;
* level: under away-goals rules A is through if ``j > b1`` (more goals away from
  home), B if ``j < b1``; otherwise (or with no away goals) extra time;
* extra time is a third, shorter match at B's ground (30 minutes, its own goal-rate
  factor): the side ahead after it goes through; level with away goals counting in
  extra time, A goes through if it scored in extra time (B cannot score away goals);
* then a shootout that A wins with probability ``shootout_a``, or a replay (a
  play-off or a cup replay) played until somebody wins it.

Only three numbers of leg 2 matter for a given ``(s, b1)``: ``P(j - i > -s)``,
``P(j - i = -s)`` and, for the level case, where ``j`` stands against ``b1``. The
engine therefore reduces each leg-2 grid to its goal-difference distribution and its
diagonals once, then reads every leg-1 score (a played one, or every cell of a
leg-1 grid, weighted) from those tables: O(G^2) per tie either way, vectorised over
a batch, with no sampling. A single match is the same sum with a level start.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike, NDArray

from remontada.data.rules import Rules
from remontada.models.grid import DEFAULT_MAX_GOALS, ScoreGrid, poisson_grid

__all__ = [
    "EXTRA_TIME_MINUTES",
    "TieProbabilities",
    "extra_time_grid",
    "in_extra_time",
    "second_leg_outcomes",
    "single_match",
    "two_legs",
    "two_legs_from_rates",
]

Array = NDArray[np.float64]
EXTRA_TIME_MINUTES = 30


@dataclass(frozen=True)
class TieProbabilities:
    """P(each side goes through), split by the route that settles the tie.

    Arrays have the batch shape (floats for one tie). ``*_90`` includes away goals
    after 90 minutes, ``*_extra_time`` away goals in extra time; ``*_replay`` is the
    play-off or replay of the older rules. The eight routes sum to one.
    """

    a_90: Array
    a_extra_time: Array
    a_penalties: Array
    a_replay: Array
    b_90: Array
    b_extra_time: Array
    b_penalties: Array
    b_replay: Array
    p_extra_time: Array
    """P(extra time is played)."""

    @property
    def p_a(self) -> Array:
        """P(side A goes through)."""
        out: Array = self.a_90 + self.a_extra_time + self.a_penalties + self.a_replay
        return out

    @property
    def p_b(self) -> Array:
        """P(side B goes through)."""
        out: Array = self.b_90 + self.b_extra_time + self.b_penalties + self.b_replay
        return out

    @property
    def p_penalties(self) -> Array:
        """P(a shootout settles it)."""
        out: Array = self.a_penalties + self.b_penalties
        return out

    @property
    def p_replay(self) -> Array:
        """P(a replay or play-off is needed)."""
        out: Array = self.a_replay + self.b_replay
        return out

    def __getitem__(self, index: int | slice | NDArray[np.int64]) -> TieProbabilities:
        """One tie, or a sub-batch, of a batch."""
        return TieProbabilities(*(np.asarray(getattr(self, f.name))[index] for f in fields(self)))

    def as_dict(self) -> dict[str, float]:
        """One tie's numbers as plain floats (routes, totals)."""
        if np.ndim(self.a_90):
            raise ValueError("as_dict is for one tie; index the batch first")
        names = [f.name for f in fields(self)] + ["p_a", "p_b", "p_penalties", "p_replay"]
        return {name: float(getattr(self, name)) for name in names}


def extra_time_grid(
    home_rate: ArrayLike, away_rate: ArrayLike, factor: ArrayLike = 1.0, *, max_goals: int = 8
) -> ScoreGrid:
    """The score grid of 30 minutes of extra time after a 90-minute match with these rates.

    Extra-time goals are Poisson at ``factor`` times the match's rate per minute: a
    factor below one says tired, careful teams score less often than in the first 90
    (it is fitted from the a.e.t. matches in the store, see ``remontada.knockout.extra_time``).
    Eight goals in half an hour is far enough for any real rate (the tail is reported).
    """
    scale = np.asarray(factor, dtype=float) * EXTRA_TIME_MINUTES / 90
    return poisson_grid(np.asarray(home_rate) * scale, np.asarray(away_rate) * scale, max_goals=max_goals)


@functools.cache
def _diagonals(size: int) -> tuple[Array, NDArray[np.int64]]:
    """For a ``size x size`` grid flattened (plus one zero cell at the end): which difference each cell has.

    Returns the indicator matrix ``cell -> e = j - i`` for ``e`` in ``-size..size``
    (the two end columns are always empty), and for each ``e`` the flat index of the
    cell ``(i = j - e, j)`` for ``j`` in ``0..size`` (the zero cell where there is none,
    and at ``j = size``, which stands for any away score beyond the grid).
    """
    j = np.arange(size + 1)
    e = np.arange(-size, size + 1)
    i = j[None, :] - e[:, None]
    valid = (i >= 0) & (i < size) & (j[None, :] < size)
    cells = np.where(valid, i * size + j[None, :], size * size)
    indicator = np.zeros((size * size + 1, 2 * size + 1))
    indicator[cells[valid], np.nonzero(valid)[0]] = 1.0
    return indicator[:-1], cells


def _leg2_lookup(
    probs: Array, e: NDArray[np.int64], b: NDArray[np.int64], away_goals: bool
) -> tuple[Array, Array, Array, Array, Array]:
    """What leg 2 (rows: home side B's goals ``i``; columns: A's goals ``j``) says for each leg-1 situation.

    ``e`` indexes the difference ``j - i`` that leaves the tie level (``e - G``, with
    ``-G`` and ``G`` standing for leads the grid cannot overturn), ``b`` is B's away
    goals from leg 1 (``G`` for more than the grid holds). Both have the batch shape
    plus one axis of situations, or just that axis when every tie shares them (the
    cells of a leg-1 grid). Returns ``P(j - i`` beats it), ``P(level)``, and among
    level results ``P(j > b)``, ``P(j < b)``, ``P(j = b)``.
    """
    shared = e.ndim == 1 and probs.ndim > 2

    def pick(table: Array, index: NDArray[np.int64]) -> Array:
        out: Array = table[..., index] if shared else np.take_along_axis(table, index, axis=-1)
        return out

    size = probs.shape[-1]
    indicator, cells = _diagonals(size)
    flat = probs.reshape(probs.shape[:-2] + (-1,))
    by_diff = flat @ indicator  # (..., 2G + 1)
    above = by_diff.sum(-1, keepdims=True) - np.cumsum(by_diff, axis=-1)
    a_wins, p_level = pick(above, e), pick(by_diff, e)
    if not away_goals:
        zero = np.zeros_like(p_level)
        return a_wins, p_level, zero, zero, p_level
    padded = np.concatenate([flat, np.zeros(flat.shape[:-1] + (1,))], axis=-1)
    at = b[..., None]
    if e.shape[-1] >= cells.shape[0]:  # many situations (a leg-1 grid): tabulate every diagonal once
        level = padded[..., cells]  # (..., 2G + 1, G + 1)
        cum = np.cumsum(level, axis=-1)
        where = e * (size + 1) + b
        upto = pick(cum.reshape(cum.shape[:-2] + (-1,)), where)
        still = pick(level.reshape(level.shape[:-2] + (-1,)), where)
    else:  # a played first leg: only its own diagonal
        rows = np.take_along_axis(padded[..., None, :], cells[e], axis=-1) if e.ndim > 1 else padded[cells[e]]
        cum = np.cumsum(rows, axis=-1)
        upto = np.take_along_axis(cum, at, axis=-1)[..., 0]
        still = np.take_along_axis(rows, at, axis=-1)[..., 0]
    return a_wins, p_level, p_level - upto, upto - still, still


def _settle_level(
    p_level: Array,
    rules: Rules,
    extra_time: ScoreGrid | None,
    shootout_a: Array,
    replay: ScoreGrid | None,
    *,
    away_scorer_wins_extra_time: bool,
) -> dict[str, Array]:
    """Share out the probability of a tie still level after 90 minutes (and away goals)."""
    zero = np.zeros_like(p_level)
    routes = {"a_extra_time": zero, "b_extra_time": zero, "p_extra_time": zero}
    undecided = p_level
    if rules.extra_time:
        if extra_time is None:
            raise ValueError(f"rules {rules.name!r} play extra time: pass its score grid")
        home_ahead, draw, away_ahead = (extra_time.home_win, extra_time.draw, extra_time.away_win)
        total = home_ahead + draw + away_ahead
        a_scores_level = draw - extra_time.probs[..., 0, 0] if away_scorer_wins_extra_time else 0.0
        a_share = (away_ahead + a_scores_level) / total
        b_share = home_ahead / total
        routes = {"a_extra_time": p_level * a_share, "b_extra_time": p_level * b_share, "p_extra_time": p_level}
        undecided = p_level * (1.0 - a_share - b_share)
    return routes | _after_extra_time(undecided, rules, shootout_a, replay)


def _after_extra_time(undecided: Array, rules: Rules, shootout_a: Array, replay: ScoreGrid | None) -> dict[str, Array]:
    """Share out a tie still level when the playing is over: a shootout, or a replay played until someone wins."""
    zero = np.zeros_like(undecided)
    if rules.penalties:
        return {"a_penalties": undecided * shootout_a, "b_penalties": undecided * (1.0 - shootout_a)} | {
            "a_replay": zero,
            "b_replay": zero,
        }
    if replay is None:
        raise ValueError(f"rules {rules.name!r} replay a level tie: pass the replay's score grid (A's goals first)")
    won_a, won_b = replay.home_win, replay.away_win
    share = undecided / (won_a + won_b)
    return {"a_replay": share * won_a, "b_replay": share * won_b, "a_penalties": zero, "b_penalties": zero}


def in_extra_time(
    remaining: ScoreGrid,
    rules: Rules,
    *,
    lead: ArrayLike,
    a_has_scored: ArrayLike = False,
    shootout_a: ArrayLike = 0.5,
    replay: ScoreGrid | None = None,
) -> TieProbabilities:
    """P(each side goes through) during extra time, from the goals still to come in it.

    ``remaining`` is the grid of the rest of extra time with the home side B on the
    rows and A on the columns, as in :func:`two_legs` (for a single match, pass the
    grid swapped so that A reads as the away side). ``lead`` is A's lead in the tie
    now (0 when extra time begins); ``a_has_scored`` whether A has scored in extra
    time already, which under away goals in extra time (``rules.away_goals_in_extra_time``)
    wins a tie that ends level. Every route is extra time, penalties or a replay.
    """
    if not rules.extra_time:
        raise ValueError(f"rules {rules.name!r} play no extra time")
    size = remaining.max_goals + 1
    goals = np.arange(size)
    margin = np.asarray(lead)[..., None, None] + goals[None, :] - goals[:, None]  # A's final lead, per cell
    probs = remaining.probs
    a_ahead = np.sum(probs * (margin > 0), axis=(-2, -1))
    b_ahead = np.sum(probs * (margin < 0), axis=(-2, -1))
    level = probs * (margin == 0)
    p_level = level.sum(axis=(-2, -1))
    if rules.away_goals_in_extra_time:  # A scores now, or has scored, and wins a level tie
        scored_now = level[..., :, 1:].sum(axis=(-2, -1))
        a_level = np.where(np.asarray(a_has_scored, dtype=bool), p_level, scored_now)
        a_ahead, p_level = a_ahead + a_level, p_level - a_level
    p_level = p_level + np.asarray(remaining.tail)  # beyond the grid: unknowable, shared like a level tie
    one = np.ones_like(a_ahead)
    routes = {"a_90": 0 * one, "b_90": 0 * one, "a_extra_time": a_ahead, "b_extra_time": b_ahead, "p_extra_time": one}
    return _finish(routes | _after_extra_time(p_level, rules, np.asarray(shootout_a, dtype=float), replay))


def _finish(routes: dict[str, Array]) -> TieProbabilities:
    """Normalise away the grids' tails so that the routes sum to exactly one."""
    names = [f.name for f in fields(TieProbabilities) if f.name != "p_extra_time"]
    clipped = {n: np.clip(routes[n], 0.0, None) for n in (*names, "p_extra_time")}  # rounding can dip below 0
    total = sum(clipped[n] for n in names)
    return TieProbabilities(**{n: np.asarray(clipped[n] / total, dtype=float) for n in clipped})


def two_legs(
    leg2: ScoreGrid,
    rules: Rules,
    *,
    leg1_score: tuple[ArrayLike, ArrayLike] | None = None,
    leg1: ScoreGrid | None = None,
    extra_time: ScoreGrid | None = None,
    shootout_a: ArrayLike = 0.5,
    replay: ScoreGrid | None = None,
) -> TieProbabilities:
    """P(each side goes through) a two-legged tie, before it or between the legs.

    Parameters
    ----------
    leg2
        The second leg's grid, B at home: rows are B's goals, columns A's.
    rules
        How a level tie is settled (:mod:`remontada.data.rules`).
    leg1_score
        The first leg's score ``(A's goals, B's goals)`` once played (arrays for a batch).
    leg1
        Otherwise its grid, A at home: rows A's goals, columns B's.
    extra_time
        The grid of extra time at B's ground (:func:`extra_time_grid`), if the rules play it.
    shootout_a
        P(A wins a shootout) (B is at home).
    replay
        For rules that replay a level tie: the replay's grid with A's goals on the rows.
    """
    if rules.legs != 2:
        raise ValueError(f"rules {rules.name!r} are for a single match: use single_match()")
    if (leg1_score is None) == (leg1 is None):
        raise ValueError("give either the first leg's score or its grid")
    size = leg2.max_goals + 1
    batch = leg2.shape
    if leg1_score is not None:
        a1 = np.asarray(leg1_score[0])
        b1 = np.asarray(leg1_score[1])
        if np.any(a1 < 0) or np.any(b1 < 0):
            raise ValueError("a first-leg score cannot be negative")
        lead = np.broadcast_to(a1 - b1, batch)[..., None].astype(np.int64)
        away = np.broadcast_to(b1, batch)[..., None].astype(np.int64)
        weight: Array = np.ones(batch + (1,))
    else:
        assert leg1 is not None
        g1 = leg1.max_goals + 1
        a1, b1 = np.meshgrid(np.arange(g1), np.arange(g1), indexing="ij")
        lead = (a1 - b1).ravel().astype(np.int64)  # the same leg-1 scores for every tie: shared indices
        away = b1.ravel().astype(np.int64)
        weight = np.broadcast_to(leg1.probs, batch + (g1, g1)).reshape(batch + (-1,))
    e = np.clip(-lead, -size, size) + size  # leg 2 must finish e = j - i = -lead for a level tie
    b = np.minimum(away, size)
    a_wins, p_level, a_away, b_away, still = _leg2_lookup(leg2.probs, e, b, rules.away_goals)
    b_wins = 1.0 - a_wins - p_level
    routes = {
        "a_90": np.sum(weight * (a_wins + a_away), -1),
        "b_90": np.sum(weight * (b_wins + b_away), -1),
    }
    routes["b_90"] -= np.asarray(leg2.tail) * np.sum(weight, -1)  # b_wins took in leg 2's tail: drop it
    p_et = np.sum(weight * still, -1)
    routes |= _settle_level(
        p_et, rules, extra_time, np.asarray(shootout_a, dtype=float), replay,
        away_scorer_wins_extra_time=rules.away_goals_in_extra_time,
    )  # fmt: skip
    return _finish(routes)


def single_match(
    grid: ScoreGrid,
    rules: Rules,
    *,
    extra_time: ScoreGrid | None = None,
    shootout_a: ArrayLike = 0.5,
    replay: ScoreGrid | None = None,
) -> TieProbabilities:
    """A knockout decided in one match: A is the home side of ``grid`` (or the first named, if neutral).

    ``extra_time`` is that match's extra-time grid with A at home; ``shootout_a`` is
    P(A wins a shootout); ``replay`` the replay's grid with A's goals on the rows.
    """
    if rules.legs != 1:
        raise ValueError(f"rules {rules.name!r} are for two legs: use two_legs()")
    total = grid.home_win + grid.draw + grid.away_win
    routes = {"a_90": grid.home_win / total, "b_90": grid.away_win / total}
    # the extra-time grid has A at home here: swap it so that A reads as the away side, as in two_legs
    et = extra_time.swap() if extra_time is not None else None
    routes |= _settle_level(
        grid.draw / total, rules, et, np.asarray(shootout_a, dtype=float), replay, away_scorer_wins_extra_time=False
    )
    return _finish(routes)


def two_legs_from_rates(
    leg2_home_rate: ArrayLike,
    leg2_away_rate: ArrayLike,
    rules: Rules,
    *,
    rho: ArrayLike = 0.0,
    leg1_score: tuple[ArrayLike, ArrayLike] | None = None,
    leg1_rates: tuple[ArrayLike, ArrayLike] | None = None,
    extra_time_factor: ArrayLike = 1.0,
    shootout_a: ArrayLike = 0.5,
    max_goals: int = DEFAULT_MAX_GOALS,
) -> TieProbabilities:
    """:func:`two_legs` from goal rates: leg 2 (B at home, then A), and leg 1's score or rates (A, then B)."""
    leg2 = poisson_grid(leg2_home_rate, leg2_away_rate, rho, max_goals=max_goals)
    leg1 = None
    if leg1_rates is not None:
        leg1 = poisson_grid(leg1_rates[0], leg1_rates[1], rho, max_goals=max_goals)
    extra = extra_time_grid(leg2_home_rate, leg2_away_rate, extra_time_factor) if rules.extra_time else None
    replay = None
    if rules.replays:  # a play-off on neutral ground: each side's average of its home and away rates
        first = leg1_rates if leg1_rates is not None else (leg2_away_rate, leg2_home_rate)
        replay = poisson_grid(
            (np.asarray(first[0]) + np.asarray(leg2_away_rate)) / 2,
            (np.asarray(first[1]) + np.asarray(leg2_home_rate)) / 2,
            rho,
            max_goals=max_goals,
        )
    return two_legs(
        leg2, rules, leg1_score=leg1_score, leg1=leg1, extra_time=extra, shootout_a=shootout_a, replay=replay
    )


def second_leg_outcomes(
    leg1_a: int, leg1_b: int, rules: Rules, *, max_goals: int = DEFAULT_MAX_GOALS
) -> NDArray[np.int8]:
    """Who each second-leg score sends through: rows B's goals, columns A's.

    ``1``: A after 90 minutes, ``-1``: B, ``0``: still level (extra time, then
    penalties or a replay).
    """
    goals = np.arange(max_goals + 1)
    i, j = goals[:, None], goals[None, :]
    lead = (leg1_a - leg1_b) + j - i
    if rules.away_goals:
        lead = np.where(lead == 0, j - leg1_b, lead)
    out: NDArray[np.int8] = np.sign(lead).astype(np.int8)
    return out
