"""Two models' opinions in one: Elo and Dixon-Coles, their expected goals averaged.

Elo and Dixon-Coles rate sides differently and err differently. Elo moves a side's
rating after every match by how surprising its result was, and learns how the leagues
compare from the European cups as it goes; Dixon-Coles fits attack and defence to a
window of weighted matches, with shots and earlier prices where it has them. Averaging
forecasts that err differently is the oldest way to forecast better than either
(Bates & Granger 1969; Clemen 1989 reviews two decades of it), and at two-legged ties
the average of the two beats each (``make tie-accuracy``).

The average is taken where the models meet, in each fixture's expected goals: the
blend's rates are the weighted geometric mean of the two models' (``elo_weight`` on
Elo's, the rest on Dixon-Coles's), with the weighted mean of their ``rho``. Its
forecasts are then a model like any other's — score grids, ties, in-play curves and
whole competitions all read them — rather than an average of finished probabilities,
which only the final chance of going through would have. The weight is one half: set
before the evaluation, not fitted to it.

References
----------
J. M. Bates and C. W. J. Granger, "The combination of forecasts", Operational Research
Quarterly 20 (1969), 451-468.
R. T. Clemen, "Combining forecasts: a review and annotated bibliography", International
Journal of Forecasting 5 (1989), 559-583.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from remontada.models.base import MatchModel, Params, Rates
from remontada.models.dixon_coles import DixonColesModel
from remontada.models.elo import EloModel

__all__ = ["BlendModel"]

_PARTS = ("elo", "dixon_coles")


class BlendModel(MatchModel):
    """Elo and Dixon-Coles, each fixture's expected goals their weighted geometric mean.

    Parameters
    ----------
    elo_weight
        Elo's share of each log expected goal (Dixon-Coles has the rest).
    warm_start
        Start each Dixon-Coles refit from the previous fit (walk-forward refits).
    """

    name = "elo+dixon-coles"

    def __init__(self, *, elo_weight: float = 0.5, warm_start: bool = False) -> None:
        if not 0.0 <= elo_weight <= 1.0:
            raise ValueError(f"elo_weight must be between 0 and 1, not {elo_weight}")
        self.elo_weight = elo_weight
        self.warm_start = warm_start
        self.elo = EloModel()
        self.dixon_coles = DixonColesModel(warm_start=warm_start)

    def fit(self, matches: pd.DataFrame, as_of: dt.date | None = None) -> Self:
        """Fit both models on ``matches`` strictly before ``as_of``."""
        self.elo.fit(matches, as_of)
        self.dixon_coles.fit(matches, as_of)
        self.as_of_ = self.dixon_coles.as_of_
        return self

    def rates(
        self, home: ArrayLike, away: ArrayLike, neutral: ArrayLike = False, continental: ArrayLike = False
    ) -> Rates:
        """The two models' expected goals, weighted geometric mean; known where both know both sides."""
        self._check_fitted("as_of_")
        w = self.elo_weight
        e = self.elo.rates(home, away, neutral, continental)
        d = self.dixon_coles.rates(home, away, neutral, continental)
        lam = np.exp(w * np.log(e.home) + (1 - w) * np.log(d.home))
        mu = np.exp(w * np.log(e.away) + (1 - w) * np.log(d.away))
        return Rates(lam, mu, w * e.rho + (1 - w) * d.rho, e.known & d.known)

    def ratings(self) -> pd.DataFrame:
        """Dixon-Coles's ratings beside Elo's ``rating``, in Elo's order."""
        self._check_fitted("as_of_")
        elo = self.elo.ratings()[["rating"]]
        table = elo.join(self.dixon_coles.ratings(), how="outer").sort_values("rating", ascending=False)
        counts = [c for c in table.columns if c.startswith("matches with")]
        table[counts] = table[counts].fillna(0).astype("int64")  # a side only one model saw has none
        return table

    def evidence(self, home: ArrayLike, away: ArrayLike) -> tuple[str, ...]:
        """What Dixon-Coles's half rests on (Elo reads goals only)."""
        return self.dixon_coles.evidence(home, away)

    def report(self) -> dict[str, int]:
        """Dixon-Coles's fit report."""
        return self.dixon_coles.report()

    def to_params(self) -> Params:
        """Both models' learned values, each under its own prefix."""
        self._check_fitted("as_of_")
        return {f"{part}/{k}": v for part in _PARTS for k, v in getattr(self, part).to_params().items()}

    @classmethod
    def from_params(cls, settings: dict[str, Any], params: Params) -> Self:
        """The blend :meth:`to_params` saved (a :class:`ValueError` if a part is missing or stale)."""
        model = cls(**settings)
        for part in _PARTS:
            own = {k.split("/", 1)[1]: v for k, v in params.items() if k.startswith(f"{part}/")}
            if not own:
                raise ValueError(f"saved parameters lack the blend's {part}")
            inner = getattr(model, part)
            setattr(model, part, type(inner).from_params(inner.settings(), own))
        model.as_of_ = model.dixon_coles.as_of_
        return model
