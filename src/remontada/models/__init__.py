"""Match models: fitted on matches before a date, they give goal rates and score grids.

``MODELS`` names every model the command line and the web app offer. The defaults are
the ones the README's walk-forward evaluations show to be best at each job:
``DEFAULT_MODEL`` for match forecasts (big-5 league RPS), ``DEFAULT_TIE_MODEL`` for
two-legged ties between the legs (Brier score and log-loss, ``make tie-accuracy``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from remontada.models.base import MatchModel, NotFittedError, Rates

if TYPE_CHECKING:
    from remontada.models.blend import BlendModel
    from remontada.models.dixon_coles import DixonColesModel
    from remontada.models.elo import EloModel

__all__ = [
    "BlendModel",
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

# Each model's module, by class: a model is imported when it is first used (Dixon-Coles brings numba and
# scipy.optimize, which a command forecasting with Elo from its cached fit never needs).
_CLASSES = {
    "BlendModel": "remontada.models.blend",
    "DixonColesModel": "remontada.models.dixon_coles",
    "EloModel": "remontada.models.elo",
}


class _Models(Mapping[str, "type[MatchModel]"]):
    """The models by name; a model's module is imported on its first lookup."""

    def __init__(self, classes: dict[str, tuple[str, str]]) -> None:
        self._classes = classes  # name -> (module, class)

    def __getitem__(self, name: str) -> type[MatchModel]:
        module, cls = self._classes[name]
        model: type[MatchModel] = getattr(importlib.import_module(module), cls)
        return model

    def __iter__(self) -> Iterator[str]:
        return iter(self._classes)

    def __len__(self) -> int:
        return len(self._classes)

    def __contains__(self, name: object) -> bool:
        return name in self._classes

    def __repr__(self) -> str:
        return repr(dict(self))


MODELS: Mapping[str, type[MatchModel]] = _Models(
    {
        "dixon-coles": (_CLASSES["DixonColesModel"], "DixonColesModel"),
        "elo": (_CLASSES["EloModel"], "EloModel"),
        "elo+dixon-coles": (_CLASSES["BlendModel"], "BlendModel"),
    }
)
DEFAULT_MODEL = "dixon-coles"
DEFAULT_TIE_MODEL = "elo+dixon-coles"


def __getattr__(name: str) -> object:
    if name in _CLASSES:
        value = getattr(importlib.import_module(_CLASSES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def make_model(name: str = DEFAULT_MODEL) -> MatchModel:
    """A new, unfitted model by name (``dixon-coles``, ``elo``, ``elo+dixon-coles``)."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose from {', '.join(sorted(MODELS))}")
    return MODELS[name]()
