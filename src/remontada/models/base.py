"""What every match model is: fitted on matches before a date, it gives goal rates.

The interface follows scikit-learn's conventions: hyperparameters in ``__init__``
only; :meth:`MatchModel.fit` validates its input, uses only matches strictly before
``as_of``, and returns the model; learned values end in ``_``; predicting before
fitting raises :class:`NotFittedError`. Models know nothing of files or the store:
they take a :data:`MATCH_COLUMNS` frame (see :func:`remontada.data.queries.training_matches`).

A fitted model turns fixtures (team ids, venue) into goal rates and a ``rho`` (the
Dixon-Coles low-score dependence, 0 for models without it); :meth:`MatchModel.grids`
turns those into :class:`~remontada.models.grid.ScoreGrid` batches, all vectorised.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from remontada.errors import RemontadaError
from remontada.models.grid import DEFAULT_MAX_GOALS, ScoreGrid, poisson_grid

__all__ = ["MATCH_COLUMNS", "LAYOUT", "MatchModel", "NotFittedError", "Params", "Rates", "select_before"]

Params = dict[str, NDArray[Any]]
"""A fitted model's learned values as plain arrays (what :meth:`MatchModel.to_params` gives)."""
LAYOUT = "__layout__"
"""The entry of :data:`Params` that says, in JSON, how to rebuild each learned value from the arrays."""

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

    def evidence(self, home: ArrayLike, away: ArrayLike) -> tuple[str, ...]:
        """What the fit's forecasts of these fixtures rest on.

        ``goals``, and for models that read them ``shots`` and ``prices`` (of earlier
        matches) where they were used for either side.
        """
        return ("goals",)

    def report(self) -> dict[str, int]:
        """What the fit learned from, in matches.

        All of them, those with shots or prices, and what was kept out, by reason
        (empty for models that read goals only).
        """
        return {}

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

    def settings(self) -> dict[str, Any]:
        """The hyperparameters, by name, as given to ``__init__`` (never fitted values)."""
        names = [n for n in inspect.signature(type(self).__init__).parameters if n != "self"]
        return {name: getattr(self, name) for name in names}

    def to_params(self) -> Params:
        """The learned values (the attributes ending in ``_``) as arrays, with no pickled objects.

        Series and frames are split into their arrays, dates and numbers kept with their
        type in the :data:`LAYOUT` entry, so :meth:`from_params` rebuilds a model that
        predicts exactly as this one does (a persistent cache of fits stores these).
        """
        self._check_fitted(*self._learned_names())
        params: Params = {}
        layout = {name: _encode(name, value, params) for name, value in vars(self).items() if name.endswith("_")}
        params[LAYOUT] = np.array(json.dumps(layout))
        return params

    @classmethod
    def from_params(cls, settings: dict[str, Any], params: Params) -> Self:
        """A fitted model from its :meth:`settings` and :meth:`to_params` (a :class:`ValueError` if they do not fit)."""
        model = cls(**settings)
        layout = json.loads(str(params[LAYOUT]))
        for name, spec in layout.items():
            setattr(model, name, _decode(name, spec, params))
        missing = [name for name in model._learned_names() if name not in layout]
        if missing:  # saved by an older remontada whose model learned less
            raise ValueError(f"{cls.__name__}'s saved parameters lack {', '.join(missing)}")
        model._restored()
        return model

    def _learned_names(self) -> tuple[str, ...]:
        """Attributes that exist once fitted (checked before saving, and when restoring)."""
        return ()

    def _restored(self) -> None:  # noqa: B027 - a hook: a model with no derived values has nothing to rebuild
        """Rebuild private values derived from the learned ones (after :meth:`from_params`)."""

    def _check_fitted(self, *attributes: str) -> None:
        if not all(hasattr(self, a) for a in attributes):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit() first")


def _array(key: str, value: Any, params: Params) -> str:
    """Put ``value`` in ``params`` as a plain array; its dtype tag (``object`` arrays are kept as text)."""
    arr = np.asarray(value)
    if arr.dtype == object:
        params[key] = arr.astype(str)
        return "object"
    params[key] = arr
    return "plain"


def _encode(name: str, value: Any, params: Params) -> dict[str, Any]:
    """One learned value into ``params``; how to rebuild it (see :func:`_decode`)."""
    if isinstance(value, pd.DataFrame):
        columns = {str(c): _array(f"{name}.{c}", value[c].to_numpy(), params) for c in value.columns}
        return {"kind": "frame", "columns": columns, "index": _array(f"{name}.index", value.index.to_numpy(), params)}
    if isinstance(value, pd.Series):
        return {
            "kind": "series", "series_name": value.name, "index_name": value.index.name,
            "values": _array(f"{name}.values", value.to_numpy(), params),
            "index": _array(f"{name}.index", value.index.to_numpy(), params),
        }  # fmt: skip
    if isinstance(value, np.ndarray):
        return {"kind": "array", "dtype": _array(name, value, params)}
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return {"kind": "date", "value": day.isoformat()}
    if isinstance(value, tuple):
        return {"kind": "tuple", "value": [float(v) for v in value]}
    if isinstance(value, bool | int | float | str | np.generic):
        return {"kind": "scalar", "value": value.item() if isinstance(value, np.generic) else value}
    raise TypeError(f"learned value {name} of type {type(value).__name__} cannot be stored as data")


def _load(key: str, dtype: str, params: Params) -> NDArray[Any]:
    arr = params[key]
    return arr.astype(object) if dtype == "object" else arr


def _decode(name: str, spec: dict[str, Any], params: Params) -> Any:
    """Rebuild one learned value that :func:`_encode` stored."""
    kind = spec["kind"]
    if kind == "frame":
        data = {c: _load(f"{name}.{c}", dtype, params) for c, dtype in spec["columns"].items()}
        return pd.DataFrame(data, index=_load(f"{name}.index", spec["index"], params))
    if kind == "series":
        index = pd.Index(_load(f"{name}.index", spec["index"], params), name=spec["index_name"])
        return pd.Series(_load(f"{name}.values", spec["values"], params), index=index, name=spec["series_name"])
    if kind == "array":
        return _load(name, spec["dtype"], params)
    if kind == "date":
        return dt.date.fromisoformat(spec["value"])
    if kind == "tuple":
        return tuple(spec["value"])
    if kind == "scalar":
        return spec["value"]
    raise ValueError(f"learned value {name}: unknown kind {kind!r}")
