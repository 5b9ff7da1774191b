"""Match models: fitted on matches before a date, they give goal rates and score grids.

``MODELS`` names every model the command line and the web app offer. The defaults are
the ones the README's walk-forward evaluations show to be best at each job:
``DEFAULT_MODEL`` for match forecasts (big-5 league RPS), ``DEFAULT_TIE_MODEL`` for
two-legged ties between the legs (Brier score and log-loss, ``make tie-accuracy``).
"""

from __future__ import annotations

from remontada.models.base import MatchModel, NotFittedError, Rates
from remontada.models.dixon_coles import DixonColesModel
from remontada.models.elo import EloModel

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_TIE_MODEL",
    "MODELS",
    "DixonColesModel",
    "EloModel",
    "MatchModel",
    "NotFittedError",
    "Rates",
    "make_model",
]

MODELS: dict[str, type[MatchModel]] = {DixonColesModel.name: DixonColesModel, EloModel.name: EloModel}
DEFAULT_MODEL = DixonColesModel.name
DEFAULT_TIE_MODEL = EloModel.name


def make_model(name: str = DEFAULT_MODEL) -> MatchModel:
    """A new, unfitted model by name (``dixon-coles``, ``elo``)."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose from {', '.join(sorted(MODELS))}")
    return MODELS[name]()
