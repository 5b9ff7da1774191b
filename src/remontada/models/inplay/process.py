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

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from remontada.models.grid import DEFAULT_MAX_GOALS, ScoreGrid
from remontada.models.inplay import kernels
from remontada.models.inplay.kernels import MINUTES, STATES, state_index
from remontada.models.numerics import numerical_hessian

__all__ = [
    "MINUTES",
    "SLOTS",
    "STATES",
    "Intensity",
    "LiveTable",
    "final_score_grid",
    "fit_intensity",
    "live_table",
    "match_spread",
    "state_index",
]

Array = NDArray[np.float64]
SLOTS = ((1, 15), (16, 30), (31, 44), (45, 45), (46, 60), (61, 75), (76, 89), (90, 90))
"""The minutes sharing one time-profile value; 45 and 90 stand for their stoppage time too."""


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
    side by the side's own state (margin -2..2, level = 0 by definition).
    ``match_sd`` is the spread of the day's balance between the sides around the
    forecast (log scale, see :func:`fit_intensity`). ``se_*`` are standard errors;
    ``matches`` and ``goals`` what they were fitted on.
    """

    profile: Array
    home_state: Array
    away_state: Array
    se_home_state: Array
    se_away_state: Array
    matches: int
    goals: int
    match_sd: float = 0.0
    se_match_sd: float = 0.0

    @classmethod
    def flat(cls) -> Intensity:
        """Constant rates whatever the minute or the score: the chain is then plain Poisson."""
        zero = np.zeros(STATES)
        return cls(np.ones(MINUTES), zero, zero, zero, zero, 0, 0)


def _design() -> tuple[Array, NDArray[np.intp], NDArray[np.intp]]:
    """Cells (side, slot, state) -> parameters ``[home, away, slots 2.., home states, away states, log sd]``."""
    n_slots = len(SLOTS)
    rows = np.arange(2 * n_slots * STATES)
    side = rows // (n_slots * STATES)
    slot_of_row = (rows // STATES) % n_slots
    state_of_row = rows % STATES
    columns = [side == 0, side == 1]
    columns += [slot_of_row == k for k in range(1, n_slots)]
    columns += [(side == 0) & (state_of_row == s) for s in range(STATES) if s != 2]
    columns += [(side == 1) & (state_of_row == s) for s in range(STATES) if s != 2]
    return np.column_stack(columns).astype(float), side, rows


def fit_intensity(
    match: NDArray[np.intp],
    minute: NDArray[np.intp],
    home_side: NDArray[np.bool_],
    home_rate: ArrayLike,
    away_rate: ArrayLike,
) -> Intensity:
    """Maximum-likelihood time profile, state effects and match-day spread from goal timelines.

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
    A goal in minute ``m`` is scored in the state at the start of that minute. Each
    side's rate is its pre-match rate times log-linear slot, state and side terms,
    and on the day the balance between the sides is off the forecast by a factor
    ``exp(e)`` for the home side and ``exp(-e)`` for the away side, with ``e`` normal
    (standard deviation ``match_sd``): the form, line-ups and luck no rating sees.
    Without it a side two goals up seems to score more *because* it is two up, when
    it is two up because it is having the better day. The likelihood integrates ``e``
    out by 20-point Gauss-Hermite quadrature. The side terms absorb the baseline's
    overall calibration and are dropped (the chain rescales to the match model's
    rates). Standard errors are from the observed information (numerical Hessian).
    """
    rh, ra = np.asarray(home_rate, dtype=float), np.asarray(away_rate, dtype=float)
    n = len(rh)
    goals_h = np.zeros((n, MINUTES))
    goals_a = np.zeros((n, MINUTES))
    np.add.at(goals_h, (match[home_side], minute[home_side] - 1), 1.0)
    np.add.at(goals_a, (match[~home_side], minute[~home_side] - 1), 1.0)
    margin = (np.cumsum(goals_h, 1) - goals_h) - (np.cumsum(goals_a, 1) - goals_a)  # at each minute's start
    slot = _slot_of_minute()[None, :]
    n_cells = len(SLOTS) * STATES
    state_h = (np.clip(margin, -2, 2) + 2).astype(np.intp)

    def per_match(goals: Array, rate: Array, state: NDArray[np.intp]) -> tuple[Array, Array]:
        """Goals and exposure (pre-match rate per minute) per match and cell."""
        index = (np.arange(n)[:, None] * n_cells + slot * STATES + state).ravel()
        count: Array = np.bincount(index, goals.ravel(), n * n_cells).reshape(n, n_cells).astype(float)
        weights = np.broadcast_to(rate[:, None] / MINUTES, goals.shape).ravel()
        exposure: Array = np.bincount(index, weights, n * n_cells).reshape(n, n_cells).astype(float)
        return count, exposure

    y_h, e_h = per_match(goals_h, rh, state_h)
    y_a, e_a = per_match(goals_a, ra, (4 - state_h).astype(np.intp))
    y = np.concatenate([y_h, y_a], axis=1)
    x, side, _ = _design()
    diff = y_h.sum(1) - y_a.sum(1)
    y_cells = y.sum(0)
    nodes, weights = np.polynomial.hermite.hermgauss(20)
    log_w = np.log(weights / np.sqrt(np.pi))
    ridge = 1e-4  # keeps states never visited finite

    def objective(params: Array) -> tuple[float, Array]:
        beta, log_sd = params[:-1], params[-1]
        eps = np.sqrt(2) * np.exp(log_sd) * nodes  # (K,)
        rate = np.exp(x @ beta)  # per cell
        home_int = e_h @ rate[side == 0]  # (n,)
        away_int = e_a @ rate[side == 1]
        ll = (y @ (x @ beta))[:, None] + diff[:, None] * eps - np.exp(eps) * home_int[:, None]
        ll = ll - np.exp(-eps) * away_int[:, None] + log_w
        top = ll.max(1, keepdims=True)
        post = np.exp(ll - top)
        total = post.sum(1, keepdims=True)
        value = -float(np.sum(top[:, 0] + np.log(total[:, 0]))) + 0.5 * ridge * float(beta @ beta)
        post /= total
        up, down = post @ np.exp(eps), post @ np.exp(-eps)  # posterior means of exp(+-e) per match
        expected = np.concatenate([e_h.T @ up, e_a.T @ down]) * rate
        grad_beta = -(x.T @ (y_cells - expected)) + ridge * beta
        d_eps = diff[:, None] - np.exp(eps) * home_int[:, None] + np.exp(-eps) * away_int[:, None]
        grad_sd = -float(np.sum(post * d_eps * eps))  # d/dlog_sd: eps is linear in sd
        return value, np.concatenate([grad_beta, [grad_sd]])

    start = np.concatenate([np.zeros(x.shape[1]), [np.log(0.2)]])
    from scipy.optimize import minimize  # slow to import: only when fitting

    fit = minimize(objective, start, jac=True, method="L-BFGS-B", options={"gtol": 1e-9, "maxiter": 2000})
    params = fit.x
    hessian = numerical_hessian(lambda p: objective(p)[1], params)
    se = np.sqrt(np.clip(np.diag(np.linalg.pinv(hessian)), 0.0, None))
    n_slots = len(SLOTS)
    slots = np.concatenate([[0.0], params[2 : 1 + n_slots]])
    profile = np.exp(slots[_slot_of_minute()])
    profile /= profile.mean()

    def states(offset: int) -> tuple[Array, Array]:
        est, err = np.zeros(STATES), np.zeros(STATES)
        others = [s for s in range(STATES) if s != 2]
        est[others] = params[offset : offset + 4]
        err[others] = se[offset : offset + 4]
        return est, err

    home, se_home = states(1 + n_slots)
    away, se_away = states(5 + n_slots)
    sd = float(np.exp(params[-1]))
    return Intensity(profile, home, away, se_home, se_away, n, int(y.sum()), sd, sd * float(se[-1]))


def match_spread(
    home_goals: ArrayLike, away_goals: ArrayLike, home_rate: ArrayLike, away_rate: ArrayLike
) -> tuple[float, float]:
    """Maximum-likelihood spread of the day's balance from final scores and pre-match rates.

    The same random effect as in :func:`fit_intensity` (home rate times ``exp(e)``,
    away rate times ``exp(-e)``, ``e`` normal), estimated from full-time scores
    alone: how much more often than Poisson forecasts allow do matches end lopsided
    one way or the other. Returns the standard deviation and its standard error.
    """
    yh, ya = np.asarray(home_goals, dtype=float), np.asarray(away_goals, dtype=float)
    lam, mu = np.asarray(home_rate, dtype=float), np.asarray(away_rate, dtype=float)
    nodes, weights = np.polynomial.hermite.hermgauss(20)
    log_w = np.log(weights / np.sqrt(np.pi))

    def negative(log_sd: float) -> float:
        eps = np.sqrt(2) * np.exp(log_sd) * nodes
        ll = (yh - ya)[:, None] * eps - lam[:, None] * np.exp(eps) - mu[:, None] * np.exp(-eps) + log_w
        top = ll.max(1, keepdims=True)
        return -float(np.sum(top[:, 0] + np.log(np.exp(ll - top).sum(1))))

    from scipy.optimize import minimize_scalar

    best = float(minimize_scalar(negative, bounds=(np.log(0.01), np.log(2.0)), method="bounded").x)
    step = 1e-3
    curvature = (negative(best + step) - 2 * negative(best) + negative(best - step)) / step**2
    sd = float(np.exp(best))
    return sd, sd / np.sqrt(curvature) if curvature > 0 else float("nan")


def _run(
    start_probs: Array,
    rate_h: Array,
    rate_a: Array,
    intensity: Intensity,
    lead: NDArray[np.int64],
    away_rule: NDArray[np.bool_],
    away_goals_home: NDArray[np.int64],
    start: int,
    stop: int = MINUTES,
) -> tuple[ScoreGrid, Array]:
    probs = np.ascontiguousarray(start_probs, dtype=float).copy()

    def run() -> dict[str, NDArray[Any]]:
        tail = np.zeros(len(probs))
        expected = np.zeros((len(probs), 2))
        kernels.chain(
            probs, tail, expected, rate_h, rate_a, intensity.profile, intensity.home_state, intensity.away_state,
            lead, away_rule, away_goals_home, start, stop,
        )  # fmt: skip
        return {"probs": probs, "tail": tail, "expected": expected}

    inputs = (probs, rate_h, rate_a, intensity, lead, away_rule, away_goals_home, start, stop)
    out = kernels.kept("chain", inputs, run)
    return ScoreGrid(out["probs"], out["tail"]), out["expected"]


def _kickoff(n: int, size: int) -> Array:
    out = np.zeros((n, size, size))
    out[:, 0, 0] = 1.0
    return out


def _node_rates(home_rate: Array, away_rate: Array, intensity: Intensity, size: int) -> tuple[Array, Array, Array]:
    """Quadrature weights over the day's balance and each fixture's per-minute base rates at each node.

    Rates come back flattened fixture-major (``n * k``), rescaled so that an ordinary
    match from kick-off has the model's expected goals on average over the nodes.
    """
    if intensity.match_sd > 0:
        x, w = np.polynomial.hermite.hermgauss(QUADRATURE)
        eps, prior = np.sqrt(2) * intensity.match_sd * x, w / np.sqrt(np.pi)
    else:
        eps, prior = np.zeros(1), np.ones(1)
    n, k = len(home_rate), len(eps)
    base_h = np.repeat(home_rate, k) / MINUTES * np.exp(np.tile(eps, n))
    base_a = np.repeat(away_rate, k) / MINUTES * np.exp(-np.tile(eps, n))
    zeros = np.zeros(n * k, np.int64)
    _, plain = _run(_kickoff(n * k, size), base_h, base_a, intensity, zeros, zeros.astype(bool), zeros, 0)
    mixed = np.einsum("nkc,k->nc", plain.reshape(n, k, 2), prior)
    base_h = base_h * np.repeat(home_rate / np.maximum(mixed[:, 0], 1e-12), k)
    base_a = base_a * np.repeat(away_rate / np.maximum(mixed[:, 1], 1e-12), k)
    return prior, base_h, base_a


QUADRATURE = 7
"""Gauss-Hermite points over the day's balance between the sides."""


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
    home_factor: ArrayLike = 1.0,
    away_factor: ArrayLike = 1.0,
    max_goals: int = DEFAULT_MAX_GOALS,
) -> ScoreGrid:
    """The distribution of a match's final (90-minute) score, from ``minute`` at ``score``.

    Parameters
    ----------
    home_rate, away_rate
        The match model's pre-match expected goals (arrays for a batch).
    intensity
        The time profile, state effects and match-day spread (:func:`fit_intensity`).
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
    home_factor, away_factor
        Multipliers on each side's scoring rate from ``minute`` on: a red card
        (:mod:`remontada.models.inplay.red_cards`), or a side choosing to attack or sit back.

    Notes
    -----
    The day's balance ``e`` between the sides is integrated out by Gauss-Hermite
    quadrature; during a match its weights are updated by the chance of the score
    so far under each ``e`` (a side two up after 30 minutes is probably having the
    better day). The rates are rescaled so that an ordinary match (no tie state)
    from kick-off has the model's expected goals.
    """
    rh, ra, ld, rule, agh, h0, a0, fh, fa = np.broadcast_arrays(
        np.asarray(home_rate, dtype=float), np.asarray(away_rate, dtype=float),
        np.asarray(lead, dtype=np.int64), np.asarray(away_rule, dtype=bool),
        np.asarray(away_goals_home, dtype=np.int64), np.asarray(score[0], dtype=np.int64),
        np.asarray(score[1], dtype=np.int64), np.asarray(home_factor, dtype=float),
        np.asarray(away_factor, dtype=float),
    )  # fmt: skip
    shape = rh.shape
    if not 0 <= minute <= MINUTES:
        raise ValueError(f"minute {minute} is outside 0..{MINUTES}")
    if np.any(h0 < 0) or np.any(a0 < 0) or np.any(h0 > max_goals) or np.any(a0 > max_goals):
        raise ValueError(f"a score must be between 0 and {max_goals} goals a side")
    if np.any(fh <= 0) or np.any(fa <= 0):
        raise ValueError("a rate factor must be positive")
    rh1, ra1, ld1, rule1, agh1, h01, a01 = (np.ascontiguousarray(v.ravel()) for v in (rh, ra, ld, rule, agh, h0, a0))
    size = max_goals + 1
    n = len(rh1)
    prior, base_h, base_a = _node_rates(rh1, ra1, intensity, size)
    k = len(prior)

    def each(v: NDArray[Any]) -> NDArray[Any]:
        return np.ascontiguousarray(np.repeat(v, k))

    lead_k, rule_k, agh_k = each(ld1), each(rule1), each(agh1)
    weights = np.broadcast_to(prior, (n, k)).copy()
    if minute > 0 and k > 1:  # how likely the score so far is under each balance
        so_far, _ = _run(_kickoff(n * k, size), base_h, base_a, intensity, lead_k, rule_k, agh_k, 0, minute)
        likely = so_far.probs.reshape(n, k, size, size)[np.arange(n), :, h01, a01]
        weights = np.where(likely.sum(1, keepdims=True) > 0, weights * likely, weights)
        weights /= weights.sum(1, keepdims=True)
    start = np.zeros((n * k, size, size))
    start[np.arange(n * k), each(h01), each(a01)] = 1.0
    now_h, now_a = base_h * each(fh.ravel()), base_a * each(fa.ravel())
    grid, _ = _run(start, now_h, now_a, intensity, lead_k, rule_k, agh_k, minute)
    probs = np.einsum("nkij,nk->nij", grid.probs.reshape(n, k, size, size), weights)
    tail = np.einsum("nk,nk->n", grid.tail.reshape(n, k), weights)
    return ScoreGrid(probs.reshape(shape + (size, size)), tail.reshape(shape))


@dataclass(frozen=True)
class LiveTable:
    """What a match is worth at every minute and score: the backward pass of the birth process.

    ``values[k, m, h, a]`` is the expected ``terminal`` value (e.g. 1 if side A goes
    through) from score ``h``-``a`` after ``m`` minutes, at quadrature node ``k`` of
    the day's balance. Built once (:func:`live_table`), it answers any live update
    with a lookup and a reweighting of the nodes by how likely the score so far is.
    """

    values: Array
    reached: Array
    """``reached[k, m, h, a]``: P(score ``h``-``a`` after ``m`` minutes) at node ``k``, from kick-off."""
    prior: Array

    def at(self, minute: int, home_goals: int, away_goals: int) -> float:
        """The value after ``minute`` minutes (0..90) at this score."""
        size = self.values.shape[-1]
        if not 0 <= minute <= MINUTES:
            raise ValueError(f"minute {minute} is outside 0..{MINUTES}")
        if not (0 <= home_goals < size and 0 <= away_goals < size):
            raise ValueError(f"a score must be between 0 and {size - 1} goals a side")
        likely = self.reached[:, minute, home_goals, away_goals]
        total = float(self.prior @ likely)
        weights = self.prior * likely / total if total > 0 else self.prior
        return float(weights @ self.values[:, minute, home_goals, away_goals])


def live_table(
    home_rate: float,
    away_rate: float,
    intensity: Intensity,
    terminal: Array,
    *,
    lead: int = 0,
    away_rule: bool = False,
    away_goals_home: int = 0,
    home_factor: float = 1.0,
    away_factor: float = 1.0,
) -> LiveTable:
    """The :class:`LiveTable` of one match whose final scores are worth ``terminal[h, a]``.

    Same rates, state and rescaling as :func:`final_score_grid`, so at minute 0 the
    table's value is the final-score grid's expectation of ``terminal``. The factors
    multiply the rates of the minutes to come, not those the score so far came from
    (build a new table when a red card changes them).
    """
    inputs = (home_rate, away_rate, intensity, terminal, lead, away_rule, away_goals_home, home_factor, away_factor)
    out = kernels.kept(
        "live-table",
        (*inputs, QUADRATURE),
        lambda: dataclasses.asdict(_live_table(*inputs)),
        code=(_live_table, _node_rates, _run, _kickoff),
    )
    return LiveTable(out["values"], out["reached"], out["prior"])


def _live_table(
    home_rate: float,
    away_rate: float,
    intensity: Intensity,
    terminal: Array,
    lead: int,
    away_rule: bool,
    away_goals_home: int,
    home_factor: float,
    away_factor: float,
) -> LiveTable:
    size = terminal.shape[0]
    prior, base_h, base_a = _node_rates(np.array([home_rate], float), np.array([away_rate], float), intensity, size)
    k = len(prior)
    values = np.empty((k, MINUTES + 1, size, size))
    for node in range(k):
        values[node, MINUTES] = terminal
        kernels.values(
            values[node], float(base_h[node] * home_factor), float(base_a[node] * away_factor), intensity.profile,
            intensity.home_state, intensity.away_state, int(lead), bool(away_rule), int(away_goals_home),
        )  # fmt: skip
    reached = np.empty((k, MINUTES + 1, size, size))
    probs, tail, expected = _kickoff(k, size), np.zeros(k), np.zeros((k, 2))
    state = np.full(k, lead, np.int64), np.full(k, bool(away_rule)), np.full(k, away_goals_home, np.int64)
    reached[:, 0] = probs
    for minute in range(MINUTES):
        kernels.chain(
            probs, tail, expected, base_h, base_a, intensity.profile, intensity.home_state, intensity.away_state,
            *state, minute, minute + 1,
        )  # fmt: skip
        reached[:, minute + 1] = probs
    return LiveTable(values, reached, prior)
