"""Goals over the minutes of a match, and the final score from any point of it.

A match is not 90 minutes of one constant scoring rate. Goals are rarer in the first
minutes and commoner late (minutes 45 and 90 also carry their stoppage time), and a
side plays to the score: behind, it pushes, scores more and leaves space behind;
ahead, it sits back. Dixon & Robinson (1998, "A birth process model for association
football matches", The Statistician 47(3), 523-538) model each side's goals as a
Poisson process whose rate is the pre-match rate times a time profile times a factor
for the current state of the game; :class:`Intensity` holds the profile and the
state factors, :func:`fit_intensity` estimates them by maximum likelihood from
minute-by-minute goal timelines (a Poisson regression on minute exposures with the
pre-match rates as offsets).

In a knockout tie the state that matters is the tie, not the match: in Bergamo at
1-0 to Liverpool they still trailed 1-3 on aggregate and kept pushing, and before
2021 a level aggregate was won or lost on away goals. A side's state is its margin
in the tie (match margin plus the lead it brought from the first leg, a level tie
counted as one goal either way when away goals would settle it), clipped to -2..2.

:func:`final_score_grid` runs the birth process forward exactly, minute by minute,
over every score, from any minute and score to the final whistle (a Markov chain on
scores, each minute's goals Poisson at that minute's rates, no sampling). The
pre-match rates are first rescaled so that in an ordinary match (no tie state) the
chain's expected goals are the match model's, so the models keep their calibration
and the state effects only move goals between situations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize

from remontada.grid import DEFAULT_MAX_GOALS, ScoreGrid

__all__ = ["MINUTES", "SLOTS", "STATES", "Intensity", "fit_intensity", "final_score_grid", "state_of"]

Array = NDArray[np.float64]
MINUTES = 90
STATES = 5
"""A side's state is its margin in the match or tie, clipped to -2..2 (index margin + 2)."""
SLOTS = ((1, 15), (16, 30), (31, 44), (45, 45), (46, 60), (61, 75), (76, 89), (90, 90))
"""The minutes sharing one time-profile value; 45 and 90 stand for their stoppage time too."""
_MAX_PER_MINUTE = 3  # goals one side can score in one minute in the chain (the rest of the mass is put on 3)


def _slot_of_minute() -> NDArray[np.intp]:
    out = np.empty(MINUTES, dtype=np.intp)
    for k, (first, last) in enumerate(SLOTS):
        out[first - 1 : last] = k
    return out


@dataclass(frozen=True)
class Intensity:
    """How scoring varies with the minute and the state of the game.

    ``profile`` is the relative scoring rate in each of the 90 minutes (mean 1).
    ``home_state`` and ``away_state`` are log rate factors of the home and the away
    side by the side's own state (margin -2..2, level = 0 by definition). ``se_*``
    are their standard errors; ``matches`` and ``goals`` what they were fitted on.
    """

    profile: Array
    home_state: Array
    away_state: Array
    se_home_state: Array
    se_away_state: Array
    matches: int
    goals: int

    @classmethod
    def flat(cls) -> Intensity:
        """Constant rates whatever the minute or the score: the chain is then plain Poisson."""
        zero = np.zeros(STATES)
        return cls(np.ones(MINUTES), zero, zero, zero, zero, 0, 0)


def state_of(
    lead: ArrayLike, away_rule: ArrayLike, away_goals_home: ArrayLike, away_goals: ArrayLike
) -> NDArray[np.intp]:
    """The home side's state index (0..4) given its lead in the tie and the away goals.

    ``lead`` is the home side's margin over the tie so far (this match's score plus
    what it brought from the first leg); under the away-goals rule a level tie counts
    as +1 or -1 by who has the more away goals (``away_goals_home``: the home side's
    from the first leg; ``away_goals``: the away side's in this match).
    """
    d = np.asarray(lead, dtype=np.int64)
    tiebreak = np.sign(np.asarray(away_goals_home) - np.asarray(away_goals)) * np.asarray(away_rule, dtype=bool)
    d = np.where(d == 0, tiebreak, d)
    out: NDArray[np.intp] = (np.clip(d, -2, 2) + 2).astype(np.intp)
    return out


def fit_intensity(
    match: NDArray[np.intp],
    minute: NDArray[np.intp],
    home_side: NDArray[np.bool_],
    home_rate: ArrayLike,
    away_rate: ArrayLike,
) -> Intensity:
    """Maximum-likelihood time profile and state effects from goal timelines.

    Parameters
    ----------
    match, minute, home_side
        One entry per goal of normal time: the match's index into the rate arrays,
        the minute (1..90; stoppage time counted in 45 and 90) and whether the home
        side scored it (own goals count for the side they were scored for).
    home_rate, away_rate
        Each match's pre-match expected goals (from any match model, fitted before
        it); matches without goals count, as exposure.

    Notes
    -----
    A goal in minute ``m`` is scored in the state at the start of that minute. The
    likelihood is a Poisson regression of each side's goals per (time slot, state)
    on the summed pre-match rate per minute spent there, with log-linear slot,
    state and side terms; the side terms absorb the baseline's overall calibration
    and are dropped (the chain rescales to the match model's rates).
    """
    rh, ra = np.asarray(home_rate, dtype=float), np.asarray(away_rate, dtype=float)
    n = len(rh)
    goals_h = np.zeros((n, MINUTES))
    goals_a = np.zeros((n, MINUTES))
    np.add.at(goals_h, (match[home_side], minute[home_side] - 1), 1.0)
    np.add.at(goals_a, (match[~home_side], minute[~home_side] - 1), 1.0)
    margin = (np.cumsum(goals_h, 1) - goals_h) - (np.cumsum(goals_a, 1) - goals_a)  # at each minute's start
    slot = np.broadcast_to(_slot_of_minute(), (n, MINUTES))
    n_slots = len(SLOTS)

    def cells(goals: Array, rate: Array, state: NDArray[np.intp]) -> tuple[Array, Array]:
        index = (slot * STATES + state).ravel()
        count: Array = np.bincount(index, goals.ravel(), n_slots * STATES).astype(float)
        weights = np.broadcast_to(rate[:, None] / MINUTES, goals.shape).ravel()
        exposure: Array = np.bincount(index, weights, n_slots * STATES).astype(float)
        return count, exposure

    state_h = (np.clip(margin, -2, 2) + 2).astype(np.intp)
    y_h, e_h = cells(goals_h, rh, state_h)
    y_a, e_a = cells(goals_a, ra, (4 - state_h).astype(np.intp))
    y = np.concatenate([y_h, y_a])
    exposure = np.concatenate([e_h, e_a])
    # design: side intercept (2), slots (all but the first), home states and away states (all but level)
    rows = np.arange(2 * n_slots * STATES)
    side = rows // (n_slots * STATES)
    slot_of_row = (rows // STATES) % n_slots
    state_of_row = rows % STATES
    columns = [side == 0, side == 1]
    columns += [slot_of_row == k for k in range(1, n_slots)]
    columns += [(side == 0) & (state_of_row == s) for s in range(STATES) if s != 2]
    columns += [(side == 1) & (state_of_row == s) for s in range(STATES) if s != 2]
    x = np.column_stack(columns).astype(float)
    keep = exposure > 0
    x, y, exposure = x[keep], y[keep], exposure[keep]
    ridge = 1e-4  # keeps states never visited finite

    def objective(beta: Array) -> tuple[float, Array]:
        mu = exposure * np.exp(x @ beta)
        value = float(np.sum(mu - y * np.log(mu)) + 0.5 * ridge * beta @ beta)
        grad: Array = x.T @ (mu - y) + ridge * beta
        return value, grad

    beta = minimize(objective, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", options={"gtol": 1e-10}).x
    mu = exposure * np.exp(x @ beta)
    covariance = np.linalg.pinv(x.T @ (x * mu[:, None]) + ridge * np.eye(x.shape[1]))
    se = np.sqrt(np.diag(covariance))
    slots = np.concatenate([[0.0], beta[2 : 1 + n_slots]])
    profile = np.exp(slots[_slot_of_minute()])
    profile /= profile.mean()

    def states(offset: int) -> tuple[Array, Array]:
        est, err = np.zeros(STATES), np.zeros(STATES)
        others = [s for s in range(STATES) if s != 2]
        est[others] = beta[offset : offset + 4]
        err[others] = se[offset : offset + 4]
        return est, err

    home, se_home = states(1 + n_slots)
    away, se_away = states(5 + n_slots)
    return Intensity(profile, home, away, se_home, se_away, n, int(y.sum()))


@njit(cache=True)
def _chain(
    probs: Array,
    tail: Array,
    expected: Array,
    rate_h: Array,
    rate_a: Array,
    profile: Array,
    home_state: Array,
    away_state: Array,
    lead: NDArray[np.int64],
    away_rule: NDArray[np.bool_],
    away_goals_home: NDArray[np.int64],
    start: int,
) -> None:  # pragma: no cover - compiled; checked through final_score_grid
    """Advance each fixture's score distribution from minute ``start`` to 90, in place.

    Mass leaving the grid goes to ``tail``; ``expected`` adds up each side's expected
    goals over the minutes run (exact, whatever the grid truncates).
    """
    n, size = probs.shape[0], probs.shape[1]
    k_max = _MAX_PER_MINUTE
    ph = np.empty(k_max + 1)
    pa = np.empty(k_max + 1)
    for f in range(n):
        grid = probs[f]
        for minute in range(start, MINUTES):
            new = np.zeros((size, size))
            for h in range(size):
                for a in range(size):
                    p = grid[h, a]
                    if p == 0.0:
                        continue
                    d = lead[f] + h - a
                    if d == 0 and away_rule[f]:
                        if a > away_goals_home[f]:
                            d = -1
                        elif a < away_goals_home[f]:
                            d = 1
                    s = min(max(d, -2), 2) + 2
                    lam = rate_h[f] * profile[minute] * np.exp(home_state[s])
                    mu = rate_a[f] * profile[minute] * np.exp(away_state[4 - s])
                    expected[f, 0] += p * lam
                    expected[f, 1] += p * mu
                    ph[0], pa[0] = np.exp(-lam), np.exp(-mu)
                    for k in range(1, k_max + 1):
                        ph[k] = ph[k - 1] * lam / k
                        pa[k] = pa[k - 1] * mu / k
                    ph[k_max] = 1.0 - ph[:k_max].sum()
                    pa[k_max] = 1.0 - pa[:k_max].sum()
                    for k in range(k_max + 1):
                        for m in range(k_max + 1):
                            q = p * ph[k] * pa[m]
                            if h + k < size and a + m < size:
                                new[h + k, a + m] += q
                            else:
                                tail[f] += q
            grid[:, :] = new


def _run(
    start_probs: Array,
    rate_h: Array,
    rate_a: Array,
    intensity: Intensity,
    lead: NDArray[np.int64],
    away_rule: NDArray[np.bool_],
    away_goals_home: NDArray[np.int64],
    start: int,
) -> tuple[ScoreGrid, Array]:
    probs = np.ascontiguousarray(start_probs, dtype=float).copy()
    tail = np.zeros(len(probs))
    expected = np.zeros((len(probs), 2))
    _chain(
        probs, tail, expected, rate_h, rate_a, intensity.profile, intensity.home_state, intensity.away_state,
        lead, away_rule, away_goals_home, start,
    )  # fmt: skip
    return ScoreGrid(probs, tail), expected


def final_score_grid(
    home_rate: ArrayLike,
    away_rate: ArrayLike,
    intensity: Intensity,
    *,
    minute: int = 0,
    score: tuple[ArrayLike, ArrayLike] = (0, 0),
    lead: ArrayLike = 0,
    away_rule: ArrayLike = False,
    away_goals_home: ArrayLike = 0,
    max_goals: int = DEFAULT_MAX_GOALS,
) -> ScoreGrid:
    """The distribution of a match's final (90-minute) score, from ``minute`` at ``score``.

    Parameters
    ----------
    home_rate, away_rate
        The match model's pre-match expected goals (arrays for a batch).
    intensity
        The time profile and state effects (:func:`fit_intensity`).
    minute
        Minutes played, 0..90 (90: the final whistle; the score is then final).
    score
        The score at that minute (home, away).
    lead
        The home side's lead in the tie brought into this match (0 for a single match
        or a first leg): for a second leg, its first-leg goals minus the away side's.
    away_rule, away_goals_home
        Whether away goals settle a level tie, and the home side's away goals from
        the first leg.
    """
    rh, ra, ld, rule, agh, h0, a0 = np.broadcast_arrays(
        np.asarray(home_rate, dtype=float), np.asarray(away_rate, dtype=float),
        np.asarray(lead, dtype=np.int64), np.asarray(away_rule, dtype=bool),
        np.asarray(away_goals_home, dtype=np.int64), np.asarray(score[0], dtype=np.int64),
        np.asarray(score[1], dtype=np.int64),
    )  # fmt: skip
    shape = rh.shape
    if not 0 <= minute <= MINUTES:
        raise ValueError(f"minute {minute} is outside 0..{MINUTES}")
    if np.any(h0 < 0) or np.any(a0 < 0) or np.any(h0 > max_goals) or np.any(a0 > max_goals):
        raise ValueError(f"a score must be between 0 and {max_goals} goals a side")
    flat = [np.ascontiguousarray(v.ravel()) for v in (rh, ra, ld, rule, agh, h0, a0)]
    rh1, ra1, ld1, rule1, agh1, h01, a01 = flat
    size = max_goals + 1
    n = len(rh1)
    # rescale the rates so that an ordinary match from kick-off has the model's expected goals
    kickoff = np.zeros((n, size, size))
    kickoff[:, 0, 0] = 1.0
    base_h, base_a = rh1 / MINUTES, ra1 / MINUTES
    _, plain = _run(
        kickoff, base_h, base_a, intensity, np.zeros(n, np.int64), np.zeros(n, bool), np.zeros(n, np.int64), 0
    )
    base_h = base_h * rh1 / np.maximum(plain[:, 0], 1e-12)
    base_a = base_a * ra1 / np.maximum(plain[:, 1], 1e-12)
    start = np.zeros((n, size, size))
    start[np.arange(n), h01, a01] = 1.0
    grid, _ = _run(start, base_h, base_a, intensity, ld1, rule1, agh1, minute)
    return ScoreGrid(grid.probs.reshape(shape + (size, size)), grid.tail.reshape(shape))
