"""Walk-forward evaluation: forecast each match or tie from data strictly before it.

:func:`walk_forward` refits a model at the start of every period (a day, week or
month) on everything before that day and forecasts the period's matches — exactly
what a forecaster could have said at the time; :mod:`remontada.evaluation.metrics`
scores the forecasts.

For knockout ties ("side A goes through", A at home in the first leg), two
walk-forward baselines that know only the first leg's result, the first a table and
the second a logistic regression that also knows the sides' Elo ratings, say what a
tie model must beat: the first leg's score and the sides' strength are what studies
of two-legged ties regress the outcome on (Page & Page 2007; Eugster, Gertheiss &
Kaiser 2011). Each baseline forecasts a tie from the ties whose second leg was
played strictly before its own, so neither ever sees its own or a later outcome.

References
----------
L. Page and K. Page, "The second leg home advantage: evidence from European football
cup competitions", Journal of Sports Sciences 25 (2007), 1547-1556.
M. J. A. Eugster, J. Gertheiss and S. Kaiser, "Having the second leg at home:
advantage in the UEFA Champions League knockout phase?", Journal of Quantitative
Analysis in Sports 7 (2011).
S. le Cessie and J. C. van Houwelingen, "Ridge estimators in logistic regression",
Applied Statistics 41 (1992), 191-201.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from remontada.models.base import MatchModel

__all__ = [
    "TIE_COLUMNS",
    "fit_logistic",
    "tie_logistic_baseline",
    "tie_rate_baseline",
    "walk_forward",
]

_FREQ = {"daily": "D", "weekly": "W-SUN", "monthly": "M"}
TIE_COLUMNS = ("date", "goal_diff", "through")
"""What the tie baselines read: the second leg's ``date``, the first leg's ``goal_diff``
from A's side (A at home), and ``through`` (1 if A went through, 0 if not, missing if
unknown: such a tie is forecast but never learned from)."""


def walk_forward(
    model: Callable[[], MatchModel] | MatchModel,
    history: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    refit: str = "weekly",
    on_step: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Forecast every row of ``targets``, refitting on ``history`` at each period start.

    ``model`` is a fitted-in-place model (reused, so ``warm_start`` can speed refits)
    or a factory. Each period's forecasts use only ``history`` rows strictly before the
    period's first day. Returns ``targets`` with ``p_home``, ``p_draw``, ``p_away``,
    ``xg_home``, ``xg_away`` and ``fitted_as_of`` added.
    """
    if refit not in _FREQ:
        raise ValueError(f"refit must be one of {sorted(_FREQ)}")
    targets = targets.sort_values("date")
    periods = targets["date"].dt.to_period(_FREQ[refit])
    starts = periods.dt.start_time
    groups = list(targets.groupby(starts, sort=True))
    out = []
    for step, (start, rows) in enumerate(groups):
        instance = model() if callable(model) and not isinstance(model, MatchModel) else model
        instance.fit(history, start.date())
        european = rows["competition_kind"].eq("continental") if "competition_kind" in rows else False
        pred = instance.predict(
            rows["home_id"].to_numpy(), rows["away_id"].to_numpy(), rows["neutral"].to_numpy(), np.asarray(european)
        )
        pred.index = rows.index
        out.append(rows.join(pred.drop(columns="prior_only")).assign(fitted_as_of=start.date()))
        if on_step is not None:
            on_step(step + 1, len(groups))
    return pd.concat(out).sort_index()


def _tie_arrays(ties: pd.DataFrame) -> tuple[NDArray[np.datetime64], NDArray[np.int64], NDArray[np.float64]]:
    """The :data:`TIE_COLUMNS` of ``ties`` as arrays (dates, goal differences, outcomes), checked."""
    missing = [c for c in TIE_COLUMNS if c not in ties.columns]
    if missing:
        raise ValueError(f"ties lack column(s) {', '.join(missing)} (need {', '.join(TIE_COLUMNS)})")
    dates = pd.to_datetime(ties["date"]).to_numpy(dtype="datetime64[ns]")
    if np.isnat(dates).any():
        raise ValueError("every tie needs its second leg's date")
    diff = ties["goal_diff"].to_numpy(dtype=float)
    if not np.all(np.isfinite(diff)) or np.any(diff != np.round(diff)):
        raise ValueError("goal_diff must be whole numbers (and not missing)")
    through = pd.to_numeric(ties["through"]).to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(through)
    if not np.all((through[known] == 0) | (through[known] == 1)):
        raise ValueError("through must be 1 (A went through), 0 (B did) or missing")
    return dates, diff.astype(np.int64), through


def _before(dates: NDArray[np.datetime64]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The chronological order of ``dates``, and for each row how many rows are strictly earlier."""
    order = np.argsort(dates, kind="stable")
    return order, np.searchsorted(dates[order], dates, side="left")


def tie_rate_baseline(ties: pd.DataFrame, *, clip: int = 4, prior: float = 1.0) -> NDArray[np.float64]:
    """P(A goes through) from the first leg's goal difference: its past rate, walk-forward.

    For each tie, among the ties whose second leg was strictly before its own and
    whose outcome is known: how often the side at home in the first leg went
    through after the same first-leg goal difference (clipped to ``[-clip, clip]``,
    from that side's point of view). Every tie's A was at home in the first leg, so
    the venue is the same in every cell. The rate is shrunk toward the pooled rate
    over all differences with ``prior`` pseudo-ties (a Beta prior with mean the pooled
    rate and strength ``prior``), so a difference not seen yet gets the pooled rate;
    the pooled rate itself is ``(wins + 1/2) / (ties + 1)`` (1/2 with no ties at all).

    Parameters
    ----------
    ties
        The :data:`TIE_COLUMNS`, in any order; other columns are ignored.
    clip
        Larger first-leg margins count as this one.
    prior
        Pseudo-ties at the pooled rate added to each goal difference's record.

    Returns
    -------
    np.ndarray
        One forecast per row of ``ties``, in its order.
    """
    if clip < 0 or prior < 0:
        raise ValueError("clip and prior must not be negative")
    dates, diff, through = _tie_arrays(ties)
    order, earlier = _before(dates)
    known = ~np.isnan(through[order])
    won = np.where(known, through[order], 0.0)
    cell = np.clip(diff[order], -clip, clip) + clip
    onehot = np.zeros((len(order), 2 * clip + 1))
    onehot[np.arange(len(order)), cell] = 1.0
    # running totals over the ties in date order, with a row of zeros for "no tie before"
    seen = np.vstack([np.zeros(2 * clip + 1), np.cumsum(onehot * known[:, None], axis=0)])
    wins = np.vstack([np.zeros(2 * clip + 1), np.cumsum(onehot * won[:, None], axis=0)])
    mine = np.clip(diff, -clip, clip) + clip
    pooled = (wins[earlier].sum(axis=1) + 0.5) / (seen[earlier].sum(axis=1) + 1.0)
    n, w = seen[earlier, mine], wins[earlier, mine]
    out: NDArray[np.float64] = (w + prior * pooled) / (n + prior)
    return out


def fit_logistic(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    *,
    ridge: float = 1e-2,
    start: NDArray[np.float64] | None = None,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> NDArray[np.float64]:
    """Coefficients of a logistic regression of ``y`` (0/1) on the columns of ``x``, by Newton's method.

    Maximises ``sum(y * eta - log(1 + exp(eta))) - ridge / 2 * |beta|^2`` with
    ``eta = x @ beta``; ``x`` carries its own intercept column (penalised like the
    rest: a tiny ``ridge`` keeps a fit on a handful of separable rows finite, le
    Cessie & van Houwelingen 1992, and is negligible beside thousands). Newton steps
    (iteratively reweighted least squares) are halved until the objective improves.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    beta = np.zeros(x.shape[1]) if start is None else np.asarray(start, dtype=float).copy()
    eye = ridge * np.eye(x.shape[1])

    def objective(b: NDArray[np.float64]) -> float:
        eta = x @ b
        return float(np.sum(np.logaddexp(0.0, eta) - y * eta) + 0.5 * ridge * b @ b)

    current = objective(beta)
    for _ in range(max_iter):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        grad = x.T @ (p - y) + ridge * beta
        hess = (x * (p * (1 - p))[:, None]).T @ x + eye
        step = np.linalg.solve(hess, grad)
        scale = 1.0
        while scale > 1e-6:
            candidate = beta - scale * step
            value = objective(candidate)
            if value <= current:
                break
            scale /= 2
        else:
            break
        beta, previous, current = candidate, current, value
        if np.max(np.abs(scale * step)) < tol or previous - current < tol:
            break
    return beta


def tie_logistic_baseline(
    ties: pd.DataFrame,
    elo_diff: ArrayLike,
    *,
    clip: int = 4,
    elo_scale: float = 400.0,
    ridge: float = 1e-2,
) -> NDArray[np.float64]:
    """P(A goes through) from a logistic regression on the first leg's margin and the Elo gap, walk-forward.

    ``logit P = b0 + b1 * goal_diff + b2 * elo_diff / elo_scale``, with ``goal_diff``
    clipped to ``[-clip, clip]`` and ``elo_diff`` A's rating minus B's before the
    second leg (the caller must take it from ratings strictly before that day). The
    regression is refitted (:func:`fit_logistic`, starting from the previous fit) for
    every second-leg date on all ties with a known outcome whose second leg was
    strictly earlier; a tie with no earlier tie at all gets 1/2.

    Returns
    -------
    np.ndarray
        One forecast per row of ``ties``, in its order.
    """
    dates, diff, through = _tie_arrays(ties)
    gap = np.asarray(elo_diff, dtype=float).ravel()
    if gap.shape != diff.shape:
        raise ValueError(f"{len(diff)} ties but {len(gap)} Elo differences")
    if not np.all(np.isfinite(gap)):
        raise ValueError("elo_diff must be finite for every tie")
    x = np.column_stack([np.ones(len(diff)), np.clip(diff, -clip, clip), gap / elo_scale])
    order, earlier = _before(dates)
    out = np.full(len(diff), 0.5)
    beta: NDArray[np.float64] | None = None
    fitted_on = -1
    for first in np.unique(earlier):  # each group of rows with the same number of earlier ties: one date
        rows = np.flatnonzero(earlier == first)
        used = order[:first]
        used = used[~np.isnan(through[used])]
        if len(used) == 0:
            continue
        if len(used) != fitted_on:
            beta = fit_logistic(x[used], through[used], ridge=ridge, start=beta)
            fitted_on = len(used)
        assert beta is not None
        out[rows] = 1.0 / (1.0 + np.exp(-(x[rows] @ beta)))
    return out
