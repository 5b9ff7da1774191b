"""Bookmakers' margins: turn a market's decimal prices into probabilities.

A bookmaker's *decimal price* ``o`` (read by :mod:`remontada.evaluation.prices`) has
as its inverse ``q = 1/o`` is the *implied probability*. Over one
market (home/draw/away, over/under a line) the inverses add up to more than one;
the excess ``sum(q) - 1`` is the *overround* (the margin, the "vig"). Turning a
market's prices into probabilities means choosing how the margin was spread over
the outcomes, and the methods below differ only in that choice:

============== ========================================================= ==========
method         bookmaker's inverse price ``q_i`` from the chance ``p_i``  parameter
============== ========================================================= ==========
multiplicative ``q_i = (1 + overround) p_i``                             none
additive       ``q_i = p_i + overround / k``                             none
power          ``q_i = p_i ** (1 / kappa)``                              ``kappa``
shin           ``q_i = sqrt(z p_i + (1-z) p_i**2) * sum_j sqrt(...)``    ``z``
odds_ratio     ``q_i / (1 - q_i) = c p_i / (1 - p_i)``                   ``c``
============== ========================================================= ==========

The last three load more of the margin onto long shots, as the favourite-longshot
bias says bookmakers do. Each is solved per row for its one parameter by a
safeguarded Newton iteration that runs on all rows at once (no Python loop over
matches), to machine precision.

Betting on those prices is :mod:`remontada.evaluation.betting`.

References
----------
H. S. Shin, "Optimal betting odds against insider traders", Economic Journal 101
(1991), 1179-1185.
H. S. Shin, "Measuring the incidence of insider trading in a market for
state-contingent claims", Economic Journal 103 (1993), 1141-1153.
B. Jullien and B. Salanié, "Measuring the incidence of insider trading: a comment on
Shin", Economic Journal 104 (1994), 1418-1419.
E. Štrumbelj, "On determining probability forecasts from betting odds",
International Journal of Forecasting 30 (2014), 934-943.
V. Vovk and F. Zhdanov, "Prediction with expert advice for the Brier game", Journal
of Machine Learning Research 10 (2009), 2445-2471.
S. R. Clarke, S. Kovalchik and M. Ingram, "Adjusting bookmaker's odds to allow for
overround", American Journal of Sports Science 5(6) (2017), 45-49.
K. Cheung, "Fixed-odds betting and traditional odds", Sports Trading Network (2015);
described in J. Buchdahl, "Using the wisdom of the crowd to find value in a football
match betting market", football-data.co.uk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, overload

import numpy as np
from numpy.typing import ArrayLike

from remontada.errors import DataError
from remontada.evaluation.prices import SHOWN, Errors, FloatArray, ReasonArray, check_errors

__all__ = ["MAX_OVERROUND", "Method", "implied_probabilities", "overround", "shin_z"]

Method = Literal["multiplicative", "additive", "power", "shin", "odds_ratio"]

MAX_OVERROUND = 0.30
"""A market whose inverse prices add up to more than 130% is not one market."""

_METHODS = ("multiplicative", "additive", "power", "shin", "odds_ratio")
_FAIR = 1e-12  # an overround down to -1e-12 is rounding in a fair book, not an arbitrage


def overround(odds: ArrayLike) -> FloatArray:
    """The bookmaker's margin of each market: ``sum(1 / odds) - 1`` over the last axis.

    Plain arithmetic, no validation: 0 is a fair book, 0.05 a 5% margin, and a
    negative value an arbitrage (backing every outcome in proportion to ``1/o_i``
    wins whatever happens).
    """
    inverse = 1.0 / np.asarray(odds, dtype=np.float64)
    result: FloatArray = inverse.sum(axis=-1) - 1.0
    return result


@overload
def implied_probabilities(
    odds: ArrayLike,
    method: Method = ...,
    *,
    errors: Literal["raise"] = ...,
    max_overround: float = ...,
) -> FloatArray: ...


@overload
def implied_probabilities(
    odds: ArrayLike,
    method: Method = ...,
    *,
    errors: Literal["mask"],
    max_overround: float = ...,
) -> tuple[FloatArray, ReasonArray]: ...


def implied_probabilities(
    odds: ArrayLike,
    method: Method = "multiplicative",
    *,
    errors: Errors = "raise",
    max_overround: float = MAX_OVERROUND,
) -> FloatArray | tuple[FloatArray, ReasonArray]:
    r"""The probabilities a market's prices imply once the margin is taken out.

    Parameters
    ----------
    odds
        Decimal odds, shape ``(k,)`` for one market or ``(n, k)`` for ``n`` markets
        of ``k`` outcomes (any leading shape works; the outcomes are the last axis).
    method
        How the margin is assumed to be spread (with ``q_i = 1/o_i``, ``k`` outcomes):

        ``"multiplicative"``
            In proportion to the probability (the basic normalisation):
            ``p_i = q_i / sum(q)``.
        ``"additive"``
            The same amount off every inverse price: ``p_i = q_i - (sum(q) - 1)/k``.
            With a big margin and a long shot this goes negative; such
            probabilities are clipped to 0 and the common amount is re-solved over
            the other outcomes so they still sum to one (so each outcome loses the
            same amount unless it hits zero: the Euclidean projection of ``q`` onto
            the probability simplex).
        ``"power"``
            ``p_i = q_i ** kappa`` with ``kappa`` (> 1 when there is a margin) such
            that ``sum(p) = 1`` (Vovk & Zhdanov 2009; Clarke, Kovalchik & Ingram 2017).
            Buchdahl calls it the "logarithmic" method.
        ``"shin"``
            Shin's (1991, 1993) model: a fraction ``z`` of the money comes from
            insiders who know the result, and the bookmaker sets
            :math:`q_i = \sqrt{z p_i + (1-z) p_i^2}\,\sum_j \sqrt{z p_j + (1-z) p_j^2}`,
            which inverts to
            :math:`p_i = \left(\sqrt{z^2 + 4(1-z) q_i^2/\sum_j q_j} - z\right) / (2(1-z))`
            (Jullien & Salanié 1994; Štrumbelj 2014); ``z`` is the root of
            ``sum(p) = 1`` in ``(0, 1)`` (see :func:`shin_z`). It is evaluated as
            ``2 b_i / (sqrt(z^2 + 4(1-z) b_i) + z)``, ``b_i = q_i^2/sum(q)``, the same
            value without the cancellation that would lose long shots' probabilities.
            With two outcomes Shin's probabilities equal the additive ones.
        ``"odds_ratio"``
            Cheung (2015): the bookmaker's odds of each outcome are the true odds
            times one constant, ``q_i/(1-q_i) = c p_i/(1-p_i)``, so
            ``p_i = q_i / (c + q_i - c q_i)`` with ``c`` (> 1) such that
            ``sum(p) = 1``. The same as subtracting ``log c`` from every log-odds.
    errors
        ``"raise"`` (the default) raises :class:`DataError` naming every bad row;
        ``"mask"`` returns ``(probabilities, reasons)`` with NaN probabilities and a
        reason for each bad row (``""`` for good rows; shape ``odds.shape[:-1]``).
    max_overround
        Rows whose overround exceeds this (default 0.30) are errors: no real
        market carries a 30% margin, so such prices belong to different markets or
        are mistyped. A negative overround (an arbitrage) is an error too.

    Returns
    -------
    numpy.ndarray
        Probabilities of the same shape as ``odds``, each row summing to one (to
        rounding), in the same order as the prices (the shortest price gets the
        highest probability). With zero overround every method returns ``1/odds``.

    Raises
    ------
    DataError
        A price missing or not above 1.0, an overround below 0 or above
        ``max_overround``, fewer than two outcomes, or an unknown method.

    Examples
    --------
    >>> implied_probabilities([2.0, 3.4, 4.2]).round(4).tolist()
    [0.4844, 0.2849, 0.2307]
    """
    if method not in _METHODS:
        raise DataError(f"method {method!r}: choose {', '.join(_METHODS)}")
    check_errors(errors)
    prices, reasons = _checked_markets(odds, max_overround)
    q = 1.0 / prices
    probs = np.full(prices.shape, np.nan)
    good = reasons == ""
    if good.any():
        probs[good] = _METHOD_FUNCTIONS[method](q[good])
    return _finish(probs, reasons, np.shape(odds), errors)


@overload
def shin_z(odds: ArrayLike, *, errors: Literal["raise"] = ..., max_overround: float = ...) -> FloatArray: ...


@overload
def shin_z(
    odds: ArrayLike, *, errors: Literal["mask"], max_overround: float = ...
) -> tuple[FloatArray, ReasonArray]: ...


def shin_z(
    odds: ArrayLike, *, errors: Errors = "raise", max_overround: float = MAX_OVERROUND
) -> FloatArray | tuple[FloatArray, ReasonArray]:
    r"""Shin's insider fraction ``z`` for each market (0 for a fair book).

    ``z`` is the share of the money that Shin's (1993) model attributes to bettors
    who know the result; the bookmaker's margin is his protection against them.
    It solves :math:`\sum_i p_i(z) = 1` with
    :math:`p_i(z) = \left(\sqrt{z^2 + 4(1-z) q_i^2/\sum_j q_j} - z\right)/(2(1-z))`
    (Jullien & Salanié 1994; Štrumbelj 2014), found here by a safeguarded Newton
    iteration on every row at once. Validation and ``errors`` are as in
    :func:`implied_probabilities`; the result has shape ``odds.shape[:-1]``.
    """
    check_errors(errors)
    prices, reasons = _checked_markets(odds, max_overround)
    z = np.full(reasons.shape, np.nan)
    good = reasons == ""
    if good.any():
        z[good] = _shin_solve(1.0 / prices[good])
    shape = np.shape(odds)[:-1]
    z, reasons = z.reshape(shape), reasons.reshape(shape)
    if errors == "mask":
        return z, reasons
    _raise_for_rows(reasons)
    return z


def _checked_markets(odds: ArrayLike, max_overround: float) -> tuple[FloatArray, ReasonArray]:
    """Prices as ``(rows, k)`` and a reason per row, ``""`` for good rows."""
    prices = np.asarray(odds, dtype=np.float64)
    if prices.ndim == 0 or prices.shape[-1] < 2:
        raise DataError(f"a market needs at least two outcomes on its last axis, got shape {prices.shape}")
    prices = prices.reshape(-1, prices.shape[-1])
    reasons: ReasonArray = np.full(prices.shape[0], "", dtype=object)
    with np.errstate(invalid="ignore", divide="ignore"):
        margin = (1.0 / prices).sum(axis=1) - 1.0
    for row in np.nonzero(np.isnan(prices).any(axis=1))[0]:
        reasons[row] = f"missing price in column {int(np.argmax(np.isnan(prices[row])))}"
    unusable = ~(np.isfinite(prices) & (prices > 1))
    for row in np.nonzero(~np.isnan(prices).any(axis=1) & unusable.any(axis=1))[0]:
        column = int(np.argmax(unusable[row]))
        reasons[row] = f"price {prices[row, column]:g} in column {column} is not a finite number above 1.0"
    for row in np.nonzero((reasons == "") & (margin < -_FAIR))[0]:
        reasons[row] = f"overround {margin[row]:.2%} is negative: an arbitrage, not one bookmaker's market"
    for row in np.nonzero((reasons == "") & (margin > max_overround))[0]:
        reasons[row] = f"overround {margin[row]:.2%} is above {max_overround:.0%}: not one market's prices"
    return prices, reasons


def _finish(
    values: FloatArray, reasons: ReasonArray, shape: tuple[int, ...], errors: Errors
) -> FloatArray | tuple[FloatArray, ReasonArray]:
    values = values.reshape(shape)
    reasons = reasons.reshape(shape[:-1])
    if errors == "mask":
        return values, reasons
    _raise_for_rows(reasons)
    return values


def _raise_for_rows(reasons: ReasonArray) -> None:
    bad = np.nonzero(np.atleast_1d(reasons) != "")[0]
    if len(bad):
        flat = np.atleast_1d(reasons)
        named = "; ".join(f"row {int(row)}: {flat[row]}" for row in bad[:SHOWN])
        more = f"; and {len(bad) - SHOWN} more" if len(bad) > SHOWN else ""
        raise DataError(f"{len(bad)} bad market(s): {named}{more}")


def _normalised(p: FloatArray) -> FloatArray:
    result: FloatArray = p / p.sum(axis=1, keepdims=True)
    return result


def _multiplicative(q: FloatArray) -> FloatArray:
    return _normalised(q)


def _additive(q: FloatArray) -> FloatArray:
    # Subtract one amount m from every q_i, flooring at zero: m solves
    # sum(max(q_i - m, 0)) = 1. Over the outcomes sorted by q (descending), the
    # ones that stay positive are the first r where q_(r) > (cumsum_r - 1) / r.
    k = q.shape[1]
    ordered = -np.sort(-q, axis=1)
    cumulative = np.cumsum(ordered, axis=1)
    counts = np.arange(1, k + 1)
    keeps = ordered - (cumulative - 1.0) / counts > 0
    kept = k - np.argmax(keeps[:, ::-1], axis=1)  # the last True, counted from 1
    shift = (cumulative[np.arange(len(q)), kept - 1] - 1.0) / kept
    return _normalised(np.maximum(q - shift[:, None], 0.0))


def _power(q: FloatArray) -> FloatArray:
    log_q = np.log(q)

    def excess(kappa: FloatArray) -> tuple[FloatArray, FloatArray]:
        # log(sum(q^kappa)): convex and decreasing like sum(q^kappa) itself, but
        # nearly linear, so Newton from kappa = 1 takes a few steps, not dozens.
        powered = np.exp(kappa[:, None] * log_q)
        total = powered.sum(axis=1)
        return np.log(total), (powered * log_q).sum(axis=1) / total

    # sum(q^kappa) falls from sum(q) >= 1 at kappa = 1 to <= 1 once
    # k * max(q)^kappa <= 1.
    low = np.ones(len(q))
    high = np.maximum(1.0, np.log(q.shape[1]) / -np.log(q.max(axis=1)))
    kappa = _solve_decreasing(excess, low, high)
    return _normalised(np.exp(kappa[:, None] * log_q))


def _odds_ratio_probabilities(q: FloatArray, c: FloatArray) -> FloatArray:
    result: FloatArray = q / (c[:, None] + q - c[:, None] * q)
    return result


def _odds_ratio(q: FloatArray) -> FloatArray:
    def excess(c: FloatArray) -> tuple[FloatArray, FloatArray]:
        denominator = q + c[:, None] * (1.0 - q)
        return (q / denominator).sum(axis=1) - 1.0, -(q * (1.0 - q) / denominator**2).sum(axis=1)

    # sum(p) is sum(q) >= 1 at c = 1, and below sum(q / (c (1 - q))) <= 1 beyond.
    low = np.ones(len(q))
    high = np.maximum(1.0, (q / (1.0 - q)).sum(axis=1))
    return _normalised(_odds_ratio_probabilities(q, _solve_decreasing(excess, low, high)))


def _shin_probabilities(q: FloatArray, z: FloatArray) -> FloatArray:
    # (sqrt(z^2 + 4(1-z)b) - z) / (2(1-z)) rationalised to 2b / (sqrt(z^2 + 4(1-z)b) + z):
    # no cancellation for long shots (4(1-z)b << z^2) and no 0/0 as z -> 1.
    b = q**2 / q.sum(axis=1, keepdims=True)
    zc = z[:, None]
    result: FloatArray = 2.0 * b / (np.sqrt(zc**2 + 4.0 * (1.0 - zc) * b) + zc)
    return result


def _shin_solve(q: FloatArray) -> FloatArray:
    b = q**2 / q.sum(axis=1, keepdims=True)

    def excess(z: FloatArray) -> tuple[FloatArray, FloatArray]:
        zc = z[:, None]
        root = np.sqrt(zc**2 + 4.0 * (1.0 - zc) * b)
        p = 2.0 * b / (root + zc)
        dp = -2.0 * b * ((zc - 2.0 * b) / root + 1.0) / (root + zc) ** 2
        return p.sum(axis=1) - 1.0, dp.sum(axis=1)

    # sum(p) is sqrt(sum(q)) >= 1 at z = 0 and sum(q^2)/sum(q) < 1 at z = 1.
    return _solve_decreasing(excess, np.zeros(len(q)), np.ones(len(q)))


def _shin(q: FloatArray) -> FloatArray:
    return _normalised(_shin_probabilities(q, _shin_solve(q)))


_METHOD_FUNCTIONS: dict[str, Callable[[FloatArray], FloatArray]] = {
    "multiplicative": _multiplicative,
    "additive": _additive,
    "power": _power,
    "shin": _shin,
    "odds_ratio": _odds_ratio,
}


def _solve_decreasing(
    excess: Callable[[FloatArray], tuple[FloatArray, FloatArray]],
    low: FloatArray,
    high: FloatArray,
    *,
    iterations: int = 200,
) -> FloatArray:
    """Roots of row-wise functions ``f(x) = 0`` with ``f(low) >= 0 > f(high)``.

    Newton steps that stay inside the bracket, bisection otherwise
    (``rtsafe``, Press et al., *Numerical Recipes*, section 9.4); every row at once.
    ``excess`` returns ``(f(x), f'(x))``. Rows with ``f(low) <= 0`` (a fair
    book, to rounding) stay at ``low``.
    """
    low, high = low.copy(), high.copy()
    x = low.copy()
    value, slope = excess(x)
    done = value <= 0.0
    for _ in range(iterations):
        if done.all():
            break
        low = np.where(value > 0.0, x, low)
        high = np.where(value < 0.0, x, high)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = x - value / slope
        inside = np.isfinite(newton) & (newton >= low) & (newton <= high)
        proposal = np.where(inside, newton, 0.5 * (low + high))
        # Newton converges quadratically, so once its step is below 1e-13 the step
        # taken leaves an error far below rounding; a bisection ends when the
        # bracket is that narrow.
        tolerance = 1e-13 * np.maximum(1.0, np.abs(x))
        converged = (inside & (np.abs(newton - x) <= tolerance)) | (high - low <= tolerance) | (value == 0.0)
        x = np.where(done, x, proposal)
        done = done | converged
        value, slope = excess(x)
    return x
