"""What every match model is: fitted on matches before a date, it gives goal rates.

The interface follows scikit-learn's conventions: hyperparameters in ``__init__``
only; :meth:`MatchModel.fit` validates its input, uses only matches strictly before
``as_of``, and returns the model; learned values end in ``_``; predicting before
fitting raises :class:`NotFittedError`. Models know nothing of files or the store:
they take a :data:`MATCH_COLUMNS` frame (see :func:`remontada.models.data.training_matches`).

A fitted model turns fixtures (team ids, venue) into goal rates and a ``rho`` (the
Dixon-Coles low-score dependence, 0 for models without it); :meth:`MatchModel.grids`
turns those into :class:`~remontada.grid.ScoreGrid` batches, all vectorised.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from typing import ClassVar, Self

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from remontada.errors import RemontadaError
from remontada.grid import DEFAULT_MAX_GOALS, ScoreGrid, poisson_grid

__all__ = ["MATCH_COLUMNS", "MatchModel", "NotFittedError", "Rates", "select_before"]

MATCH_COLUMNS = ("date", "home_id", "away_id", "home_goals", "away_goals", "neutral", "competition_id")
"""The columns a model's training frame must have (``date`` as datetime64)."""


class NotFittedError(RemontadaError):
    """A model was asked to predict before it was fitted."""


class Rates:
    """Goal rates for a batch of fixtures.

    ``home`` and ``away`` are expected goals, ``rho`` the low-score dependence, and
    ``known`` is False where a side was never seen in fitting (a prior-based rate).
    """

    def __init__(self, home: NDArray[np.float64], away: NDArray[np.float64], rho: float, known: NDArray[np.bool_]):
        self.home = home
        self.away = away
        self.rho = rho
        self.known = known


def select_before(matches: pd.DataFrame, as_of: dt.date | None) -> pd.DataFrame:
    """Validate a training frame and keep only matches strictly before ``as_of``."""
    missing = [c for c in MATCH_COLUMNS if c not in matches.columns]
    if missing:
        raise ValueError(f"training matches lack columns: {', '.join(missing)}")
    if as_of is None:
        return matches
    return matches[matches["date"] < pd.Timestamp(as_of)]


class MatchModel(ABC):
    """A model of match scores; see the module docstring."""

    name: ClassVar[str]

    @abstractmethod
    def fit(self, matches: pd.DataFrame, as_of: dt.date | None = None) -> Self:
        """Learn from ``matches`` strictly before ``as_of`` (all of them if ``None``)."""

    @abstractmethod
    def rates(
        self, home: ArrayLike, away: ArrayLike, neutral: ArrayLike = False, continental: ArrayLike = False
    ) -> Rates:
        """Expected goals for fixtures given as team-id arrays (broadcast together).

        ``continental`` marks European-cup fixtures, where home advantage is larger
        than in domestic football (models that learn it apply it; others ignore it).
        """

    @abstractmethod
    def ratings(self) -> pd.DataFrame:
        """The fitted team ratings, indexed by team id, strongest first."""

    def grids(
        self,
        home: ArrayLike,
        away: ArrayLike,
        neutral: ArrayLike = False,
        continental: ArrayLike = False,
        *,
        max_goals: int = DEFAULT_MAX_GOALS,
    ) -> ScoreGrid:
        """Score grids for a batch of fixtures."""
        r = self.rates(home, away, neutral, continental)
        return poisson_grid(r.home, r.away, r.rho, max_goals=max_goals)

    def predict(
        self, home: ArrayLike, away: ArrayLike, neutral: ArrayLike = False, continental: ArrayLike = False
    ) -> pd.DataFrame:
        """1X2 probabilities and expected goals per fixture, as a DataFrame."""
        r = self.rates(home, away, neutral, continental)
        grid = poisson_grid(r.home, r.away, r.rho)
        p = grid.outcomes()
        return pd.DataFrame(
            {
                "p_home": p[..., 0].ravel(),
                "p_draw": p[..., 1].ravel(),
                "p_away": p[..., 2].ravel(),
                "xg_home": np.ravel(r.home),
                "xg_away": np.ravel(r.away),
                "prior_only": ~np.ravel(r.known),
            }
        )

    def _check_fitted(self, *attributes: str) -> None:
        if not all(hasattr(self, a) for a in attributes):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit() first")
