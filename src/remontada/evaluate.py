"""Walk-forward evaluation: forecast each match from data strictly before it, then score.

:func:`walk_forward` refits a model at the start of every period (a day, week or
month) on everything before that day and forecasts the period's matches — exactly
what a forecaster could have said at the time. The scores are the ranked probability
score (Epstein 1969; for football Constantinou & Fenton 2012), the 1X2 log-loss, the
Brier score, accuracy, and a calibration (reliability) table with its expected
calibration error.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from remontada.models.base import MatchModel

__all__ = ["OUTCOMES", "calibration", "outcome_index", "rps", "score", "walk_forward"]

OUTCOMES = ("p_home", "p_draw", "p_away")
_FREQ = {"daily": "D", "weekly": "W-SUN", "monthly": "M"}


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
        pred = instance.predict(rows["home_id"].to_numpy(), rows["away_id"].to_numpy(), rows["neutral"].to_numpy())
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
    frame["log_loss"] = -np.log(np.clip(probs[np.arange(len(probs)), outcome], 1e-15, 1.0))
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
    p, y = probs.ravel(), hit.ravel()
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    table = (
        pd.DataFrame({"bin": which, "forecast": p, "observed": y})
        .groupby("bin")
        .agg(forecast=("forecast", "mean"), observed=("observed", "mean"), n=("forecast", "size"))
        .reset_index()
    )
    table["low"], table["high"] = edges[table["bin"]], edges[table["bin"] + 1]
    ece = float(np.sum(table["n"] * (table["forecast"] - table["observed"]).abs()) / table["n"].sum())
    return table[["low", "high", "forecast", "observed", "n"]], ece
