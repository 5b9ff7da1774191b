"""What a red card does to the scoring rates, fitted from match counts whose card minutes are unknown.

A sent-off player is not replaced: the side plays the rest of the match with ten,
scores less and concedes more. Ridder, Cramer & Hopstaken (1994, "Down to ten:
estimating the effect of a red card in soccer", JASA 89(427), 1124-1127) model each
side's goals as a Poisson process whose rate changes by a constant factor from the
card on, and estimate the factors by maximum likelihood. :class:`RedCardEffect`
holds two log factors: ``own`` on the rate of a side per red card it has had, and
``opponent`` on the rate of a side per red card its opponent has had;
:meth:`RedCardEffect.factors` turns the cards so far into multipliers on the two
sides' rates for the rest of a match.

:func:`fit_red_cards` estimates them from the data the store has: football-data's
counts of red cards per side (``HR``/``AR``) with the half-time and final scores,
but not the minutes of the cards, nor of the goals. The unknown minute is integrated
out of the likelihood exactly (see the function's notes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import logsumexp, xlogy

from remontada.models.inplay.process import MINUTES
from remontada.models.numerics import numerical_hessian

__all__ = ["MAX_REDS", "RedCardEffect", "fit_red_cards"]

Array = NDArray[np.float64]
MAX_REDS = 4
"""Red cards one side can have: a fifth would leave it with six players, and the match is abandoned."""
_HALF = MINUTES // 2


@dataclass(frozen=True)
class RedCardEffect:
    """Log factors on scoring rates per red card, with their standard errors.

    ``own`` is the log factor on a side's scoring rate per red card it has had (its
    attack weakened), ``opponent`` the log factor on a side's rate per red card its
    opponent has had (the weakened side's defence). ``se_own``, ``se_opponent`` are
    standard errors; ``matches`` and ``reds`` what the fit used (matches, and red
    cards among them).
    """

    own: float
    opponent: float
    se_own: float
    se_opponent: float
    matches: int
    reds: int

    @classmethod
    def none(cls) -> RedCardEffect:
        """No effect: red cards leave the rates as they are."""
        return cls(0.0, 0.0, 0.0, 0.0, 0, 0)

    def factors(self, home_red: int, away_red: int) -> tuple[float, float]:
        """Multipliers on the home and the away side's scoring rates, given each side's red cards so far.

        ``k`` cards act as ``k`` times the log effect: the home side's rate is
        multiplied by ``exp(own * home_red + opponent * away_red)``, the away side's
        by ``exp(own * away_red + opponent * home_red)``. Counts must be whole
        numbers from 0 to :data:`MAX_REDS`.
        """
        for side, count in (("home", home_red), ("away", away_red)):
            if not (0 <= count <= MAX_REDS) or count != int(count):
                raise ValueError(
                    f"{side} side: {count!r} red cards is impossible (0 to {MAX_REDS}: "
                    "a side with fewer than seven players is abandoned)"
                )
        home = math.exp(self.own * home_red + self.opponent * away_red)
        away = math.exp(self.own * away_red + self.opponent * home_red)
        return home, away


def _exposures(profile: Array) -> tuple[Array, Array]:
    """Profile mass before and after the card, by (score kind, period, card minute).

    Kind 0 has half-time scores (periods: minutes 1-45 and 46-90), kind 1 only the
    final score (one period, 1-90, and an empty one). A card in minute ``T`` (1..90)
    acts from minute ``T + 1``. The mass is per 90 minutes (a full match sums to the
    profile's mean).
    """
    cum = np.concatenate([[0.0], np.cumsum(profile)]) / MINUTES  # cum[k]: minutes 1..k
    card = np.arange(1, MINUTES + 1)
    first = cum[np.minimum(card, _HALF)]
    second = cum[np.maximum(card, _HALF)] - cum[_HALF]
    pre = np.zeros((2, 2, MINUTES))
    post = np.zeros((2, 2, MINUTES))
    pre[0, 0], post[0, 0] = first, cum[_HALF] - first
    pre[0, 1], post[0, 1] = second, cum[MINUTES] - cum[_HALF] - second
    pre[1, 0], post[1, 0] = cum[card], cum[MINUTES] - cum[card]
    return pre, post


def _column(name: str, values: ArrayLike) -> Array:
    out = np.asarray(values, dtype=float)
    if out.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    return out


def fit_red_cards(
    ht_home: ArrayLike,
    ht_away: ArrayLike,
    home_goals: ArrayLike,
    away_goals: ArrayLike,
    home_red: ArrayLike,
    away_red: ArrayLike,
    home_rate: ArrayLike,
    away_rate: ArrayLike,
    profile: ArrayLike,
) -> RedCardEffect:
    """Maximum-likelihood red-card effects from half-time and final scores and red-card counts.

    Parameters
    ----------
    ht_home, ht_away
        Half-time scores; NaN where unknown (a half-time score above the final
        score is treated as unknown too).
    home_goals, away_goals
        Final scores (90 minutes).
    home_red, away_red
        Red cards each side had; NaN where unknown (the match is left out).
    home_rate, away_rate
        Each match's pre-match expected goals, from a model fitted before it.
    profile
        The relative scoring rate in each of the 90 minutes (an
        :class:`~remontada.models.inplay.process.Intensity`'s ``profile``; ``np.ones(90)`` for flat).

    Notes
    -----
    Each side's goals in minute ``m`` are Poisson with rate ``rate / 90 * profile[m]
    * c_side * exp(own * own_reds + opponent * opponent_reds)``, the counts being the
    cards so far. ``c_home`` and ``c_away`` are calibration scalars fitted alongside
    (they absorb the pre-match model's bias on these matches) and dropped. With
    half-time scores the data are four Poisson counts per match (each side's goals
    in each half), else the two final counts.

    The minute ``T`` of the card is unknown. It is taken as uniform over minutes
    1..90 (a card in minute ``T`` acts from ``T + 1``) and integrated out exactly:
    a match's likelihood is the mean of its likelihood over the 90 possible minutes.
    How the goals split between the halves says a little about when the card came
    (the posterior over ``T`` given the goals weights each match's exposures).

    Matches with no red card (they fix ``c``) and with exactly one are fitted on;
    matches with two or more are left out (their cards' order and minutes would
    need a joint distribution). In forecasting, ``k`` cards act as ``k`` times the
    log effect. Standard errors are from the observed information (central
    differences of the analytic gradient); they take the Poisson model at its word
    (no spread of the day's balance as in
    :func:`~remontada.models.inplay.process.fit_intensity`), so they are somewhat optimistic.

    Two caveats. Real red cards come later than uniform (second yellows pile up
    late): if so, the exposure after the card is overstated and the per-minute
    effects are understated (biased towards zero). And a card is not random: a
    side under pressure, or chasing the game, commits more fouls. The pre-match
    rates control for the sides' strength but not for the state of the game, so
    the estimates mix the card's effect with whatever led to it.
    """
    hth, hta = _column("ht_home", ht_home), _column("ht_away", ht_away)
    hg, ag = _column("home_goals", home_goals), _column("away_goals", away_goals)
    hr, ar = _column("home_red", home_red), _column("away_red", away_red)
    lam, mu = _column("home_rate", home_rate), _column("away_rate", away_rate)
    if len({len(a) for a in (hth, hta, hg, ag, hr, ar, lam, mu)}) != 1:
        raise ValueError("every column must have one value per match")
    shape = np.asarray(profile, dtype=float)
    if shape.shape != (MINUTES,) or not np.all(np.isfinite(shape) & (shape > 0)):
        raise ValueError(f"profile must be {MINUTES} positive numbers")
    if not np.all(np.isfinite(hg) & np.isfinite(ag) & (hg >= 0) & (ag >= 0)):
        raise ValueError("final scores must be known and non-negative")
    if not np.all(np.isfinite(lam) & np.isfinite(mu) & (lam > 0) & (mu > 0)):
        raise ValueError("pre-match rates must be positive")
    if np.any(hr < 0) or np.any(ar < 0):
        raise ValueError("red-card counts must be non-negative")

    reds = hr + ar  # NaN where either count is unknown
    zero, one = reds == 0, reds == 1
    used = int(zero.sum() + one.sum())
    if not one.any():
        raise ValueError("no match with exactly one red card to fit on")
    mass = float(shape.sum()) / MINUTES

    # matches without a card: each side's goals are Poisson(c * rate * mass) in all
    goals0 = np.array([hg[zero].sum(), ag[zero].sum()])
    exposure0 = np.array([lam[zero].sum(), mu[zero].sum()]) * mass

    # matches with one card: columns (carded side, other side) x (first, second period)
    away_carded = ar[one] == 1
    side = np.column_stack([away_carded, ~away_carded]).astype(np.intp)  # 0 home, 1 away
    halves = np.isfinite(hth[one]) & np.isfinite(hta[one]) & (hth[one] >= 0) & (hta[one] >= 0)
    halves &= (hth[one] <= hg[one]) & (hta[one] <= ag[one])
    final = np.take_along_axis(np.column_stack([hg[one], ag[one]]), side, 1)
    first = np.where(halves[:, None], np.take_along_axis(np.column_stack([hth[one], hta[one]]), side, 1), final)
    y = np.stack([first, final - first], axis=2).reshape(-1, 4)
    rate = np.take_along_axis(np.column_stack([lam[one], mu[one]]), side, 1)
    column_side = np.repeat(side, 2, axis=1)  # (match, column) -> 0 home, 1 away
    rate_column = np.repeat(rate, 2, axis=1)
    pre, post = (np.tile(a, (1, 2, 1)) for a in _exposures(shape))  # (kind, column, card minute)
    by_kind = [np.flatnonzero(halves), np.flatnonzero(~halves)]
    goals1 = np.bincount(column_side.ravel(), y.ravel(), 2)

    def objective(params: Array) -> tuple[float, Array]:
        """Minus the log-likelihood and its gradient in ``(log c_home, log c_away, own, opponent)``.

        Given the card minute a column's expected goals are ``base * whole``: ``base``
        the match's rate times ``c``, ``whole`` the profile mass before the card plus
        ``exp(effect)`` times the mass after it, the same for every match of a kind.
        """
        c = np.exp(params[:2])
        after = np.repeat(np.exp(params[2:]), 2)[None, :, None] * post
        whole = pre + after
        log_whole = np.log(np.where(whole > 0, whole, 1.0))  # an empty period has no goals
        share = np.divide(after, whole, out=np.zeros_like(whole), where=whole > 0)
        base = rate_column * c[column_side]
        ll = np.empty((len(y), MINUTES))
        for k, rows in enumerate(by_kind):
            ll[rows] = y[rows] @ log_whole[k] - base[rows] @ whole[k]
        total = logsumexp(ll, axis=1)
        weight = np.exp(ll - total[:, None])  # the card minute's posterior
        fitted, gained, lost = np.empty_like(y), np.empty_like(y), np.empty_like(y)
        for k, rows in enumerate(by_kind):
            fitted[rows] = weight[rows] @ whole[k].T
            gained[rows] = weight[rows] @ share[k].T
            lost[rows] = weight[rows] @ after[k].T
        exposure1 = np.bincount(column_side.ravel(), (rate_column * fitted).ravel(), 2)
        grad_c = goals0 + goals1 - c * (exposure0 + exposure1)
        grad_effect = (y * gained - base * lost).reshape(-1, 2, 2).sum(axis=(0, 2))
        value = float(total.sum()) + float(np.sum(xlogy(y, base))) + float(goals0 @ params[:2] - c @ exposure0)
        return -value, -np.concatenate([grad_c, grad_effect])

    goals_all = goals0 + goals1
    exposure_all = exposure0 + np.bincount(side.ravel(), rate.ravel(), 2) * mass
    start = np.concatenate([np.log(np.maximum(goals_all, 0.5) / exposure_all), [0.0, 0.0]])
    from scipy.optimize import minimize  # slow to import: only when fitting

    fit = minimize(objective, start, jac=True, method="L-BFGS-B", options={"gtol": 1e-8, "maxiter": 500})
    hessian = numerical_hessian(lambda p: objective(p)[1], fit.x)
    se = np.sqrt(np.clip(np.diag(np.linalg.pinv(hessian)), 0.0, None))
    return RedCardEffect(
        own=float(fit.x[2]),
        opponent=float(fit.x[3]),
        se_own=float(se[2]),
        se_opponent=float(se[3]),
        matches=used,
        reds=int(one.sum()),
    )
