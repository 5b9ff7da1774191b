"""More than goals: what shots and earlier prices say about the goals a match "deserved".

A score is a noisy measure of how well two sides played: a 1-0 won with two shots
against twenty says less about the winner than the result suggests. Two other
measures of the same thing are often at hand, and :class:`~remontada.models.dixon_coles.DixonColesModel`
can learn from a blend of them instead of from goals alone:

* **Shots.** Each side's *shot-based expected goals* ``a * on target + b * off target``,
  with ``a`` and ``b`` the goals per shot on and off target fitted (least squares,
  with the fit's time weights) on the matches in the fit's window that have shots:
  about 0.3 and 0.02. Shot-based expected goals predict a side's future goals better
  than its past goals do (Pollard, Ensum & Taylor 2004; Wheatcroft 2020), and
  FiveThirtyEight's club ratings blend the two (Boice 2017, "How our club soccer
  predictions work").
* **Earlier prices.** A past match's de-vigged 1X2 prices (and over/under 2.5 goals
  where there are some) are inverted into the pair of Poisson rates whose outcome
  probabilities they are (Gauss-Newton on the rates' logs; Egidi, Pauli & Torelli
  2018 feed such implied rates into a goals model). Those rates are the market's
  view of that match's expected goals, a far less noisy observation than its score.
  Only the prices of matches *before* a forecast's date enter its fit, never a
  match's own: the fit uses rows strictly before its ``as_of``.

Each measure is a Poisson pseudo-observation of the match's expected goals with a
weight of its own: the goals ``w``, the shots ``ws * v``, the prices ``wm * v``, where
``w`` and ``v`` are time decays (the shots and prices, less noisy, may be given a
shorter memory) and ``ws``/``wm`` are zero where the match lacks that measure. The
terms of one match add up to one Poisson term with their weighted mean as the target
and their summed weight; the low-score correction of Dixon and Coles still reads the
actual score with the goals' weight. A Poisson log-likelihood is proper for
non-integer targets too (a quasi-likelihood, McCullagh & Nelder 1989, ch. 9), and a
team whose matches have no prices is fitted on its results, match by match, so it
moves smoothly as prices appear, without a jump.

Input that cannot be used is kept out and counted in the fit's report (the
model's ``evidence_``): shot counts that are negative, not numbers, or fewer shots
than shots on target; prices whose margin is negative (an arbitrage) or above
:data:`ABSURD_MARGIN`, or that no pair of Poisson rates can produce. More goals than
shots on target is not an error (own goals are nobody's shot).

References
----------
R. Pollard, J. Ensum and S. Taylor, "Estimating the probability of a shot resulting in
a goal: the effects of distance, angle and space", International Journal of Soccer
and Science 2 (2004), 50-55.
E. Wheatcroft, "Forecasting football matches by predicting match statistics",
Journal of Sports Analytics 7 (2021), 77-97.
L. Egidi, F. Pauli and N. Torelli, "Combining historical data and bookmakers' odds in
modelling football scores", Statistical Modelling 18 (2018), 436-459.
P. McCullagh and J. A. Nelder, Generalized Linear Models, 2nd ed. (1989).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["ABSURD_MARGIN", "NO_PRICES", "Evidence", "blend", "implied_rates", "shot_xg"]

Array = NDArray[np.float64]
ABSURD_MARGIN = 0.30
"""A 1X2 market whose inverse prices add up to more than 130% is not one bookmaker's market."""
_FIT_TOLERANCE = 0.06
"""Prices whose outcome probabilities no Poisson pair comes within this of are kept out."""
_GOALS = np.arange(16)
_PRICES = ("price_home", "price_draw", "price_away", "price_over", "price_under")
"""The price columns of a training frame (:data:`remontada.data.queries.PRICE_COLUMNS`)."""


@dataclass
class Evidence:
    """Each match's blended targets, which measures it used, and what was kept out, by reason."""

    home: Array
    away: Array
    weight: Array
    """Each match's weight in the Poisson terms: its goals' plus its other measures'."""
    goal_weight: Array
    """Each match's goals' weight (in the low-score correction too)."""
    shots: NDArray[np.bool_]
    prices: NDArray[np.bool_]
    rejected: dict[str, int] = field(default_factory=dict)


def _column(frame: pd.DataFrame, name: str) -> Array:
    if name not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name].astype(object), errors="coerce").to_numpy(dtype=float)


def _shots(frame: pd.DataFrame, rejected: dict[str, int]) -> tuple[Array, Array, NDArray[np.bool_]]:
    """Shots on and off target per side, ``(n, 2)`` each, and which matches have usable shots for both sides.

    A blank count leaves the match to its other measures; a count that is no number,
    negative, or below the side's shots on target keeps the match's shots out, counted.
    """
    names = ("home_shots_on_target", "away_shots_on_target", "home_shots", "away_shots")
    values = np.column_stack([_column(frame, c) for c in names])
    given = np.column_stack([frame[c].notna().to_numpy() if c in frame else np.zeros(len(frame), bool) for c in names])
    on, total = values[:, :2], values[:, 2:]
    problems = {  # each match counted under its first problem
        "shots: not a number": np.any(given & np.isnan(values), axis=1),
        "shots: negative": np.any(values < 0, axis=1),
        "shots: more on target than shots": np.any(on > total, axis=1),
    }
    bad = np.zeros(len(frame), bool)
    for reason, mask in problems.items():
        if (mask & ~bad).any():
            rejected[reason] = int((mask & ~bad).sum())
        bad |= mask
    ok = np.all(np.isfinite(values), axis=1) & ~bad
    return on, total - on, ok


def shot_xg(goals: Array, on: Array, off: Array, weight: Array) -> tuple[float, float]:
    """Goals per shot on target and per shot off it: weighted least squares through the origin.

    ``goals``, ``on`` and ``off`` are one row per side and match; ``weight`` the
    match's weight in the fit. Negative coefficients (possible on a handful of
    matches) are clipped to zero.
    """
    x = np.column_stack([on, off])
    xtw = x.T * weight
    coef = np.linalg.lstsq(xtw @ x, xtw @ goals, rcond=None)[0]
    return max(float(coef[0]), 0.0), max(float(coef[1]), 0.0)


def _outcomes(lam: Array, mu: Array) -> tuple[Array, Array, Array]:
    """P(home win), P(away win) and P(over 2.5 goals) of independent Poisson scores."""
    log_k = np.cumsum(np.log(np.maximum(_GOALS, 1)))
    p = np.exp(_GOALS * np.log(lam)[:, None] - lam[:, None] - log_k)
    q = np.exp(_GOALS * np.log(mu)[:, None] - mu[:, None] - log_k)
    below_q = np.cumsum(q, axis=1) - q  # P(away < k)
    below_p = np.cumsum(p, axis=1) - p
    total = lam + mu
    under = np.exp(-total) * (1 + total + total**2 / 2)
    return np.sum(p * below_q, axis=1), np.sum(q * below_p, axis=1), 1 - under


def implied_rates(prices: Array) -> tuple[Array, Array, NDArray[np.object_]]:
    """The Poisson rates each match's prices imply, and why a match has none (``""`` where it has).

    ``prices`` is ``(n, 5)``: home, draw, away, over 2.5, under 2.5 (NaN where
    missing). A 1X2 market is de-vigged by normalising the inverse prices (the
    multiplicative method) and needs all three; over/under 2.5, de-vigged the same
    way, is used where present. The rates minimise the squared differences between
    the Poisson outcome probabilities and the market's (Gauss-Newton on
    ``log rate`` with a numerical Jacobian, all matches at once). The reason is
    :data:`NO_PRICES` for a match without a 1X2 market, else a reject's reason.
    Memoised on the prices' content: a walk-forward refits on the same history often.
    """
    key = hashlib.sha1(np.ascontiguousarray(prices).tobytes()).hexdigest()
    if key not in _IMPLIED:
        if len(_IMPLIED) >= 4:
            _IMPLIED.pop(next(iter(_IMPLIED)))
        _IMPLIED[key] = _implied_rates(prices)
    return _IMPLIED[key]


_IMPLIED: dict[str, tuple[Array, Array, NDArray[np.object_]]] = {}
NO_PRICES = "no prices"


def _implied_rates(prices: Array) -> tuple[Array, Array, NDArray[np.object_]]:
    inverse = 1.0 / prices
    reason = np.full(len(prices), "", dtype=object)
    has_1x2 = np.all(np.isfinite(inverse[:, :3]), axis=1)
    margin = np.sum(inverse[:, :3], axis=1) - 1
    reason[~has_1x2] = NO_PRICES
    reason[has_1x2 & ((margin < -1e-9) | (margin > ABSURD_MARGIN))] = (
        f"prices: margin below 0 or above {ABSURD_MARGIN:.0%}"
    )
    use = reason == ""
    n = int(use.sum())
    lam, mu = np.full(len(prices), np.nan), np.full(len(prices), np.nan)
    if n == 0:
        return lam, mu, reason
    p = inverse[use, :3] / np.sum(inverse[use, :3], axis=1, keepdims=True)
    ou = inverse[use, 3:]
    has_ou = np.all(np.isfinite(ou), axis=1) & (np.sum(ou, axis=1) > 1) & (np.sum(ou, axis=1) < 1 + ABSURD_MARGIN)
    over = np.where(has_ou, ou[:, 0] / np.where(has_ou, np.sum(ou, axis=1), 1.0), 0.0)
    target = np.column_stack([p[:, 0], p[:, 2], over])
    mask = np.column_stack([np.ones(n), np.ones(n), has_ou.astype(float)])

    def residual(z: Array) -> Array:
        h, a, o = _outcomes(np.exp(z[:, 0]), np.exp(z[:, 1]))
        out: Array = (np.column_stack([h, a, o]) - target) * mask
        return out

    z = np.full((n, 2), np.log(1.3))
    step = 1e-5
    for _ in range(12):
        r = residual(z)
        jac = np.stack([(residual(z + step * np.eye(2)[k]) - r) / step for k in range(2)], axis=2)  # (n, 3, 2)
        jtj = np.einsum("nri,nrj->nij", jac, jac) + 1e-9 * np.eye(2)
        delta = np.linalg.solve(jtj, -np.einsum("nri,nr->ni", jac, r)[..., None])[..., 0]
        z = np.clip(z + np.clip(delta, -1.0, 1.0), np.log(0.02), np.log(8.0))
    fitted = np.max(np.abs(residual(z)), axis=1) < _FIT_TOLERANCE
    index = np.flatnonzero(use)
    reason[index[~fitted]] = "prices: no Poisson score distribution gives them"
    lam[index[fitted]], mu[index[fitted]] = np.exp(z[fitted, 0]), np.exp(z[fitted, 1])
    return lam, mu, reason


def blend(
    frame: pd.DataFrame,
    rows: NDArray[np.intp],
    weight: Array,
    evidence_weight: Array,
    shots_weight: float,
    market_weight: float,
) -> Evidence:
    """The target goals of ``frame``'s rows ``rows`` (the fit's window): see the module docstring.

    ``weight`` is each match's goals' weight in the fit, ``evidence_weight`` what its
    other measures' weights are multiples of (they may age faster); a match with prices
    ages at that pace as a whole, its goals too: the prices already hold what the goals
    said, so the old goals of a side with prices would only anchor it to its past form.
    A match's target is the weighted mean of its measures, its weight in the Poisson
    terms their sum.

    Prices are read (and inverted, memoised) for the whole ``frame``, so that refits
    on one history share the work; only the window's rows are used and counted.
    With both weights zero the targets are the goals, and nothing else is read.
    """
    window = frame.iloc[rows]
    home = window["home_goals"].to_numpy(dtype=float)
    away = window["away_goals"].to_numpy(dtype=float)
    n = len(window)
    evidence = Evidence(home, away, weight, weight, np.zeros(n, bool), np.zeros(n, bool))
    if shots_weight <= 0 and market_weight <= 0:
        return evidence
    measures = []  # (matches, weight relative to the goals', expected goals (n, 2))
    if shots_weight > 0:
        on, off, ok = _shots(window, evidence.rejected)
        if ok.any():
            goals = np.concatenate([home[ok], away[ok]])
            a, b = shot_xg(goals, on[ok].T.ravel(), off[ok].T.ravel(), np.concatenate([weight[ok], weight[ok]]))
            measures.append((ok, shots_weight, a * on + b * off))
            evidence.shots = ok
    if market_weight > 0:
        prices = np.column_stack([_column(frame, c) for c in _PRICES])
        lam, mu, reason = implied_rates(prices)
        lam, mu, reason = lam[rows], mu[rows], reason[rows]
        ok = reason == ""
        found, counts = np.unique(reason[~ok & (reason != NO_PRICES)].astype(str), return_counts=True)
        evidence.rejected.update({str(k): int(v) for k, v in zip(found, counts, strict=True)})
        measures.append((ok, market_weight, np.column_stack([lam, mu])))
        evidence.prices = ok
    goal_weight = np.where(evidence.prices, evidence_weight, weight)
    total = goal_weight.copy()
    sums = np.column_stack([home, away]) * goal_weight[:, None]
    for ok, relative, xg in measures:
        w = relative * evidence_weight[ok]
        sums[ok] += w[:, None] * xg[ok]
        total[ok] += w
    evidence.home, evidence.away = sums[:, 0] / total, sums[:, 1] / total
    evidence.weight, evidence.goal_weight = total, goal_weight
    return evidence
