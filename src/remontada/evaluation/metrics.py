"""Scores of probability forecasts: of 1X2 match forecasts and of binary events such as "A goes through".

Match forecasts are scored with the ranked probability score (Epstein 1969; for
football Constantinou & Fenton 2012), the 1X2 log-loss, the Brier score and
accuracy, with a calibration (reliability) table and its expected calibration
error. A knockout tie is one binary event, "side A goes through" (A at home in the
first leg), scored with the Brier score (Brier 1950), the log-loss (the logarithmic
score of Good 1952) and a reliability table (Murphy & Winkler 1977). Making the
forecasts that are scored is :mod:`remontada.evaluation.walk_forward`.

References
----------
E. S. Epstein, "A scoring system for probability forecasts of ranked categories",
Journal of Applied Meteorology 8 (1969), 985-987.
A. C. Constantinou and N. E. Fenton, "Solving the problem of inadequate scoring rules
for assessing probabilistic football forecast models", Journal of Quantitative
Analysis in Sports 8 (2012).
G. W. Brier, "Verification of forecasts expressed in terms of probability", Monthly
Weather Review 78 (1950), 1-3.
I. J. Good, "Rational decisions", Journal of the Royal Statistical Society B 14
(1952), 107-114.
A. H. Murphy and R. L. Winkler, "Reliability of subjective probability forecasts of
precipitation and temperature", Applied Statistics 26 (1977), 41-47.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "EPS",
    "OUTCOMES",
    "brier",
    "calibration",
    "calibration_error",
    "log_loss",
    "outcome_index",
    "outcome_log_loss",
    "paired_differences",
    "reliability",
    "rps",
    "score",
]

OUTCOMES = ("p_home", "p_draw", "p_away")
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
