"""Walk-forward evaluation: forecast each match from data strictly before it, then score.

:func:`walk_forward` refits a model at the start of every period (a day, week or
month) on everything before that day and forecasts the period's matches — exactly
what a forecaster could have said at the time. The scores are the ranked probability
score (Epstein 1969; for football Constantinou & Fenton 2012), the 1X2 log-loss, the
Brier score, accuracy, and a calibration (reliability) table with its expected
calibration error.

Knockout ties are scored as one binary event, "side A goes through" (A at home in
the first leg), with the Brier score (Brier 1950), the log-loss (the logarithmic
score of Good 1952) and a reliability table (Murphy & Winkler 1977). Two
walk-forward baselines that know only the first leg's result, the first a table and
the second a logistic regression that also knows the sides' Elo ratings, say what a
tie model must beat: the first leg's score and the sides' strength are what studies
of two-legged ties regress the outcome on (Page & Page 2007; Eugster, Gertheiss &
Kaiser 2011). Each baseline forecasts a tie from the ties whose second leg was
played strictly before its own, so neither ever sees its own or a later outcome.

References
----------
G. W. Brier, "Verification of forecasts expressed in terms of probability", Monthly
Weather Review 78 (1950), 1-3.
I. J. Good, "Rational decisions", Journal of the Royal Statistical Society B 14
(1952), 107-114.
A. H. Murphy and R. L. Winkler, "Reliability of subjective probability forecasts of
precipitation and temperature", Applied Statistics 26 (1977), 41-47.
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
    "OUTCOMES",
    "TIE_COLUMNS",
    "brier",
    "calibration",
    "calibration_error",
    "fit_logistic",
    "log_loss",
    "outcome_index",
    "outcome_log_loss",
    "paired_differences",
    "reliability",
    "rps",
    "score",
    "tie_logistic_baseline",
    "tie_rate_baseline",
    "walk_forward",
]

OUTCOMES = ("p_home", "p_draw", "p_away")
_FREQ = {"daily": "D", "weekly": "W-SUN", "monthly": "M"}
TIE_COLUMNS = ("date", "goal_diff", "through")
"""What the tie baselines read: the second leg's ``date``, the first leg's ``goal_diff``
from A's side (A at home), and ``through`` (1 if A went through, 0 if not, missing if
unknown: such a tie is forecast but never learned from)."""
EPS = 1e-12
"""Forecasts are clipped to ``[EPS, 1 - EPS]`` for the log-loss."""


def outcome_index(home_goals: pd.Series, away_goals: pd.Series) -> np.ndarray:
    """0 for a home win, 1 for a draw, 2 for an away win."""
    diff = home_goals.to_numpy(dtype=int) - away_goals.to_numpy(dtype=int)
    out: np.ndarray = np.where(diff > 0, 0, np.where(diff == 0, 1, 2))
    return out


def rps(probs: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Ranked probability score of ordered 1X2 forecasts (lower is better, 0 is perfect)."""
    observed = np.zeros_like(probs)
    observed[np.arange(len(outcome)), outcome] = 1.0
    cum = np.cumsum(probs, axis=1)[:, :-1] - np.cumsum(observed, axis=1)[:, :-1]
    out: np.ndarray = np.sum(cum**2, axis=1) / (probs.shape[1] - 1)
    return out


def outcome_log_loss(probs: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Log-loss of each 1X2 forecast: minus the log of the probability it gave what happened.

    ``probs`` has one row ``[P(home), P(draw), P(away)]`` per match and ``outcome``
    is :func:`outcome_index`; probabilities are clipped below at 1e-15. Per match, so
    two forecasters can be compared match by match (a paired difference).
    """
    p = np.asarray(probs, dtype=float)
    out: np.ndarray = -np.log(np.clip(p[np.arange(len(p)), np.asarray(outcome)], 1e-15, 1.0))
    return out


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


def score(predictions: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Mean RPS, log-loss, Brier and accuracy of 1X2 forecasts, overall or per group."""
    frame = predictions.copy()
    probs = frame[list(OUTCOMES)].to_numpy(dtype=float)
    outcome = outcome_index(frame["home_goals"], frame["away_goals"])
    frame["rps"] = rps(probs, outcome)
    frame["log_loss"] = outcome_log_loss(probs, outcome)
    onehot = np.eye(3)[outcome]
    frame["brier"] = np.sum((probs - onehot) ** 2, axis=1)
    frame["accuracy"] = (probs.argmax(axis=1) == outcome).astype(float)
    metrics = ["rps", "log_loss", "brier", "accuracy"]
    if by:
        table = frame.groupby(by)[metrics].mean()
        table["n"] = frame.groupby(by).size()
        return table.reset_index()
    return pd.DataFrame([{**frame[metrics].mean().to_dict(), "n": len(frame)}])


def calibration(predictions: pd.DataFrame, bins: int = 10) -> tuple[pd.DataFrame, float]:
    """Reliability table of all three outcome probabilities, and the expected calibration error.

    Each forecast probability (home, draw and away alike) is binned; per bin, the mean
    forecast against how often that outcome happened. The ECE is the match-weighted
    mean absolute gap.
    """
    probs = predictions[list(OUTCOMES)].to_numpy(dtype=float)
    outcome = outcome_index(predictions["home_goals"], predictions["away_goals"])
    hit = np.eye(3)[outcome]
    table = reliability(probs, hit, bins)
    renamed = table.rename(columns={"mean_forecast": "forecast"})
    return renamed[["low", "high", "forecast", "observed", "n"]], _ece(table)


def calibration_error(p: ArrayLike, y: ArrayLike, bins: int = 10) -> float:
    """Expected calibration error of binary forecasts (0 for a calibrated forecaster, at most 1).

    The mean ``|mean forecast - observed|`` over the :func:`reliability` bins,
    weighted by the number of forecasts in each.
    """
    return _ece(reliability(p, y, bins))


def _ece(table: pd.DataFrame) -> float:
    gap = (table["mean_forecast"] - table["observed"]).abs()
    return float(np.sum(table["n"] * gap) / table["n"].sum())


def _binary(p: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Forecasts and 0/1 outcomes as float arrays of one length, checked."""
    pa, ya = np.asarray(p, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    if pa.shape != ya.shape:
        raise ValueError(f"{len(pa)} forecasts but {len(ya)} outcomes")
    if not np.all((pa >= 0) & (pa <= 1)):
        raise ValueError("forecasts must be probabilities in [0, 1] (and not missing)")
    if not np.all((ya == 0) | (ya == 1)):
        raise ValueError("outcomes must be 0 or 1 (and not missing)")
    return pa, ya


def brier(p: ArrayLike, y: ArrayLike) -> float:
    """Mean Brier score of forecasts ``p`` of a binary event against outcomes ``y`` (0 or 1).

    The mean of ``(p - y) ** 2`` (Brier 1950, for one event rather than both
    categories, so a constant forecast of 1/2 scores 0.25); lower is better.
    """
    pa, ya = _binary(p, y)
    return float(np.mean((pa - ya) ** 2))


def log_loss(p: ArrayLike, y: ArrayLike) -> float:
    """Mean negative log-likelihood (natural log) of forecasts ``p`` of a binary event.

    ``p`` is clipped to ``[1e-12, 1 - 1e-12]`` so that a certain forecast proved
    wrong costs about 27.6, not infinity. A constant 1/2 scores ``ln 2`` (0.693).
    """
    return float(np.mean(_log_losses(*_binary(p, y))))


def _log_losses(p: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    q = np.clip(p, EPS, 1 - EPS)
    out: NDArray[np.float64] = -(y * np.log(q) + (1 - y) * np.log1p(-q))
    return out


def paired_differences(p: ArrayLike, q: ArrayLike, y: ArrayLike) -> dict[str, float]:
    """How much worse forecasts ``q`` score than ``p`` on the same binary events, with standard errors.

    Per event, ``q``'s Brier and log-loss minus ``p``'s; returns their means
    (``brier``, ``log_loss``: positive when ``p`` is better) and the standard errors
    of those means (``brier_se``, ``log_loss_se``). Pairing removes the events'
    common difficulty, so small differences between close forecasters show.
    """
    pa, ya = _binary(p, y)
    qa, _ = _binary(q, y)
    db = (qa - ya) ** 2 - (pa - ya) ** 2
    dl = _log_losses(qa, ya) - _log_losses(pa, ya)

    def se(d: NDArray[np.float64]) -> float:
        return float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else float("nan")

    return {"brier": float(db.mean()), "brier_se": se(db), "log_loss": float(dl.mean()), "log_loss_se": se(dl)}


def reliability(p: ArrayLike, y: ArrayLike, bins: int = 10) -> pd.DataFrame:
    """Reliability table of binary forecasts: per forecast bin, the mean forecast and the observed rate.

    Bins have fixed width (``[0, 0.1)``, ..., ``[0.9, 1]`` for ten), so a calibrated
    forecaster's ``observed`` is close to its ``mean_forecast`` in every bin
    (Murphy & Winkler 1977). Empty bins are left out.

    Returns
    -------
    pd.DataFrame
        ``bin`` (0-based), its ``low`` and ``high`` edges, ``n``, ``mean_forecast``
        and ``observed``.
    """
    if bins < 1:
        raise ValueError("bins must be at least 1")
    pa, ya = _binary(p, y)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(pa, edges) - 1, 0, bins - 1)
    table = (
        pd.DataFrame({"bin": which, "p": pa, "y": ya})
        .groupby("bin")
        .agg(n=("p", "size"), mean_forecast=("p", "mean"), observed=("y", "mean"))
        .reset_index()
    )
    table["low"], table["high"] = edges[table["bin"]], edges[table["bin"] + 1]
    return table[["bin", "low", "high", "n", "mean_forecast", "observed"]]


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
