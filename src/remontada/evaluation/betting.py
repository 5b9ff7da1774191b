"""The value-betting rule, backtested: back what a model rates above the bookmaker's price.

The usual first test of a model against the market: bet when the model's
probability times the price beats one by a margin, and count the money — with flat
stakes, or a fraction of the Kelly (1956) stake on one compounding bankroll. It is a
backtest on historical prices (see :func:`value_bets`).

References
----------
J. L. Kelly, "A new interpretation of information rate", Bell System Technical
Journal 35 (1956), 917-926.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from remontada.errors import DataError

__all__ = ["BacktestSummary", "ValueBets", "value_bets"]

FloatArray = NDArray[np.float64]
_SHOWN = 10  # bad rows named in one error message


@dataclass(frozen=True)
class BacktestSummary:
    """Totals of a value-betting backtest.

    Attributes
    ----------
    bets
        Number of bets placed (at most one per match).
    staked
        Total stakes, in units (flat) or in bankrolls (Kelly: each stake is a
        fraction of the bankroll at the time).
    profit
        Total profit, in the same units.
    roi
        ``profit / staked`` (NaN with no bets).
    final_bankroll
        Kelly: the bankroll after the last bet, starting from 1. Flat: None.
    max_drawdown
        Largest fall from a running peak: flat, in units of profit (the peak
        starting at 0); Kelly, as a fraction of the peak bankroll (starting at 1).
    """

    bets: int
    staked: float
    profit: float
    roi: float
    final_bankroll: float | None
    max_drawdown: float


@dataclass(frozen=True)
class ValueBets:
    """Per-bet rows and totals of :func:`value_bets`.

    ``bets`` has one row per bet: ``match`` (row number in the input),
    ``selection`` (label or column index), ``price``, ``model_prob``,
    ``expected_value`` (``model_prob * price - 1``), ``stake``, ``won``, ``profit``
    and ``cumulative_profit``.
    """

    bets: pd.DataFrame
    summary: BacktestSummary


def value_bets(
    model_probs: ArrayLike,
    odds: ArrayLike,
    *,
    outcome: ArrayLike,
    edge: float = 0.0,
    stake: Literal["flat", "kelly"] = "flat",
    kelly_fraction: float = 0.25,
    selections: Sequence[str] | None = None,
) -> ValueBets:
    """Backtest the value-betting rule: back what the model rates above the price.

    This is a backtest on historical prices. It assumes every bet was accepted at
    the quoted price and at any size, and ignores stake limits, when the price was
    available (opening or closing, and whether the model's forecast existed then),
    and how the bookmaker's margin and prices would have moved in answer to the
    bets. Its profit is an upper bound on what the rule would have earned.

    For each match (row), the expected value of a unit stake on selection ``i`` is
    ``model_probs[i] * odds[i] - 1``. The rule backs the selection with the
    largest expected value if it exceeds ``edge`` (so ``p * o > 1 + edge``), at
    most one bet per match, the first selection on ties.

    Parameters
    ----------
    model_probs
        The model's probabilities, shape ``(n, k)``, each row summing to one.
    odds
        The decimal prices on offer, shape ``(n, k)``; NaN where a selection had no
        price (it is not bet on).
    outcome
        The index (``0..k-1``) of the selection that won each match, shape ``(n,)``.
    edge
        The expected value a bet must beat, 0 or more (0.05: more than 5% of the
        stake).
    stake
        ``"flat"``: one unit per bet. ``"kelly"``: fractional Kelly (Kelly 1956) on
        one compounding bankroll that starts at 1: each bet stakes
        ``kelly_fraction * (p * o - 1) / (o - 1)`` of the bankroll as it stands
        after the previous bet. Bets are settled in row order, so the rows must be
        in date order; matches played at the same time are treated as if one
        followed the other.
    kelly_fraction
        The fraction of the full Kelly stake, in ``(0, 1]``; a quarter by default,
        since full Kelly on an over-confident model ruins quickly.
    selections
        Optional labels for the ``k`` selections (e.g. ``("home", "draw", "away")``),
        used in the ``selection`` column instead of the index.

    Returns
    -------
    ValueBets
        The bets, one row each, and the :class:`BacktestSummary`.

    Raises
    ------
    DataError
        Mismatched shapes, probabilities outside ``[0, 1]`` or rows not summing to
        one, prices not above 1.0, outcomes out of range, or bad settings.
    """
    probs = np.asarray(model_probs, dtype=np.float64)
    prices = np.asarray(odds, dtype=np.float64)
    won_index = np.asarray(outcome)
    _check_backtest(probs, prices, won_index, edge, stake, kelly_fraction, selections)
    n, k = probs.shape

    with np.errstate(invalid="ignore"):
        value = np.where(np.isnan(prices), -np.inf, probs * prices - 1.0)
    best = np.argmax(value, axis=1)
    rows = np.nonzero(value[np.arange(n), best] > edge)[0]
    chosen = best[rows]
    price = prices[rows, chosen]
    p = probs[rows, chosen]
    won = won_index[rows] == chosen
    # Return on a unit stake: o - 1 if the selection won, else -1.
    unit_return = np.where(won, price - 1.0, -1.0)

    if stake == "flat":
        stakes = np.ones(len(rows))
        profit = unit_return
        cumulative = np.cumsum(profit)
        peak = np.maximum.accumulate(np.concatenate([[0.0], cumulative]))[1:]
        drawdown = float(np.max(peak - cumulative, initial=0.0))
        final_bankroll: float | None = None
    else:
        fraction = kelly_fraction * (p * price - 1.0) / (price - 1.0)
        bankroll = np.cumprod(1.0 + fraction * unit_return)
        before = np.concatenate([[1.0], bankroll[:-1]])
        stakes = fraction * before
        profit = stakes * unit_return
        cumulative = bankroll - 1.0
        peak = np.maximum.accumulate(np.concatenate([[1.0], bankroll]))[1:]
        drawdown = float(np.max((peak - bankroll) / peak, initial=0.0))
        final_bankroll = float(bankroll[-1]) if len(bankroll) else 1.0

    labels: NDArray[Any] = np.asarray(selections, dtype=object)[chosen] if selections is not None else chosen
    bets = pd.DataFrame(
        {
            "match": rows,
            "selection": labels,
            "price": price,
            "model_prob": p,
            "expected_value": p * price - 1.0,
            "stake": stakes,
            "won": won,
            "profit": profit,
            "cumulative_profit": cumulative,
        }
    )
    staked = float(stakes.sum())
    total = float(profit.sum())
    summary = BacktestSummary(
        bets=len(rows),
        staked=staked,
        profit=total,
        roi=total / staked if staked > 0 else math.nan,
        final_bankroll=final_bankroll,
        max_drawdown=drawdown,
    )
    return ValueBets(bets=bets, summary=summary)


def _check_backtest(
    probs: FloatArray,
    prices: FloatArray,
    outcome: NDArray[Any],
    edge: float,
    stake: str,
    kelly_fraction: float,
    selections: Sequence[str] | None,
) -> None:
    if probs.ndim != 2 or probs.shape != prices.shape:
        raise DataError(f"model_probs {probs.shape} and odds {prices.shape} must be the same (matches, selections)")
    n, k = probs.shape
    if outcome.shape != (n,):
        raise DataError(f"outcome has shape {outcome.shape}; expected ({n},), one winner per match")
    if stake not in ("flat", "kelly"):
        raise DataError(f"stake {stake!r}: choose 'flat' or 'kelly'")
    if not 0.0 < kelly_fraction <= 1.0:
        raise DataError(f"kelly_fraction {kelly_fraction}: must be in (0, 1]")
    if not edge >= 0.0:
        raise DataError(f"edge {edge}: must be 0 or more (a bet needs a positive expected value)")
    if selections is not None and len(selections) != k:
        raise DataError(f"{len(selections)} selection labels for {k} selections")
    bad_probs = ~np.isfinite(probs).all(axis=1) | (probs < 0).any(axis=1) | (probs > 1).any(axis=1)
    bad_probs = bad_probs | (np.abs(probs.sum(axis=1) - 1.0) > 1e-6)
    if bad_probs.any():
        raise DataError(f"model probabilities in row(s) {_rows(bad_probs)} are not in [0, 1] or do not sum to 1")
    with np.errstate(invalid="ignore"):
        bad_prices = (~np.isnan(prices) & ~(prices > 1.0)).any(axis=1)
    if bad_prices.any():
        raise DataError(f"prices in row(s) {_rows(bad_prices)} are not above 1.0 (NaN marks a missing price)")
    unknown = ~np.isin(outcome, np.arange(k))
    if unknown.any():
        raise DataError(f"outcome in row(s) {_rows(unknown)} is not a selection index 0..{k - 1}")


def _rows(mask: ArrayLike) -> str:
    rows = np.nonzero(np.atleast_1d(mask))[0]
    shown = ", ".join(str(int(r)) for r in rows[:_SHOWN])
    return shown + (f" and {len(rows) - _SHOWN} more" if len(rows) > _SHOWN else "")
