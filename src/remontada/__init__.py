"""remontada: forecast football knockout ties, before the tie, between the legs and live.

The public API, by layer:

* the store — :func:`open_store` (creates a store from the bundled data on first use),
  :class:`Store`, :func:`import_file` / :func:`import_paths`, :func:`export_parquet`;
* reading it — :func:`matches`, :func:`ties`, :func:`status`, :func:`rejects`,
  :func:`unresolved`, :func:`duplicate_teams`, :func:`conflicts`, :func:`find_team`;
* match forecasts — :class:`Forecaster` (a model fitted as of any date), :class:`ScoreGrid`,
  :func:`poisson_grid`;
* knockout rules — :class:`Rules`, :func:`rules_for`, :func:`parse_rules`, :func:`decide`;
* ties — :class:`TieForecaster` (from the store: by route, with precedents), the exact
  engine :func:`two_legs` / :func:`single_match` (from any score grids), and
  :func:`precedents` / :func:`base_rates` (how often a deficit was overturned);
* live — :class:`LiveForecaster` (a match or tie at any minute, score and red cards,
  with :class:`WhatIf` changes of approach; minute-by-minute curves for a timeline);
* backtests — :func:`run_backtest` with a :class:`BacktestSpec` of :class:`Candidate`
  models (walk-forward, against the market's de-vigged prices; inline, local
  processes or Dask), giving a :class:`Backtest`; bookmakers' prices in
  :mod:`remontada.evaluation.prices` and their margins in :mod:`remontada.evaluation.margins`;
* errors — :class:`RemontadaError` and its subclasses.
"""

import importlib
import typing

from remontada._version import __version__

if typing.TYPE_CHECKING:
    from remontada.data.bundle import export_parquet, load_parquet, open_store
    from remontada.data.ingest import ImportReport, import_file, import_paths
    from remontada.data.queries import conflicts, duplicate_teams, find_team, matches, rejects, status, ties, unresolved
    from remontada.data.rules import LegScore, Rules, TieOutcome, decide, parse_rules, rules_for
    from remontada.data.store import Store
    from remontada.errors import (
        AmbiguousTeamError,
        DataError,
        FetchError,
        NotPublishedError,
        RemontadaError,
        SchedulerError,
        SchemaError,
        StoreBusyError,
        StoreError,
        UnknownFormatError,
        UnknownTeamError,
    )
    from remontada.evaluation.backtest import Backtest, BacktestSpec, Candidate, run_backtest
    from remontada.knockout.engine import TieProbabilities, single_match, two_legs
    from remontada.knockout.forecast import TieForecast, TieForecaster
    from remontada.knockout.precedents import base_rates, precedents
    from remontada.live.forecast import Curve, LiveForecast, LiveForecaster, WhatIf
    from remontada.models.forecast import Forecaster, MatchForecast
    from remontada.models.grid import ScoreGrid, poisson_grid

# The public names are imported on first use (PEP 562), so that ``import remontada`` (and the command
# line, which imports only what its command needs) does not pay for the whole library up front.
_WHERE: dict[str, str] = {
    "AmbiguousTeamError": "remontada.errors",
    "Backtest": "remontada.evaluation.backtest",
    "BacktestSpec": "remontada.evaluation.backtest",
    "Candidate": "remontada.evaluation.backtest",
    "Curve": "remontada.live.forecast",
    "DataError": "remontada.errors",
    "FetchError": "remontada.errors",
    "Forecaster": "remontada.models.forecast",
    "ImportReport": "remontada.data.ingest",
    "LegScore": "remontada.data.rules",
    "LiveForecast": "remontada.live.forecast",
    "LiveForecaster": "remontada.live.forecast",
    "MatchForecast": "remontada.models.forecast",
    "NotPublishedError": "remontada.errors",
    "RemontadaError": "remontada.errors",
    "Rules": "remontada.data.rules",
    "SchedulerError": "remontada.errors",
    "SchemaError": "remontada.errors",
    "ScoreGrid": "remontada.models.grid",
    "Store": "remontada.data.store",
    "StoreBusyError": "remontada.errors",
    "StoreError": "remontada.errors",
    "TieForecast": "remontada.knockout.forecast",
    "TieForecaster": "remontada.knockout.forecast",
    "TieOutcome": "remontada.data.rules",
    "TieProbabilities": "remontada.knockout.engine",
    "UnknownFormatError": "remontada.errors",
    "UnknownTeamError": "remontada.errors",
    "WhatIf": "remontada.live.forecast",
    "base_rates": "remontada.knockout.precedents",
    "conflicts": "remontada.data.queries",
    "decide": "remontada.data.rules",
    "duplicate_teams": "remontada.data.queries",
    "export_parquet": "remontada.data.bundle",
    "find_team": "remontada.data.queries",
    "import_file": "remontada.data.ingest",
    "import_paths": "remontada.data.ingest",
    "load_parquet": "remontada.data.bundle",
    "matches": "remontada.data.queries",
    "open_store": "remontada.data.bundle",
    "parse_rules": "remontada.data.rules",
    "poisson_grid": "remontada.models.grid",
    "precedents": "remontada.knockout.precedents",
    "rejects": "remontada.data.queries",
    "rules_for": "remontada.data.rules",
    "run_backtest": "remontada.evaluation.backtest",
    "single_match": "remontada.knockout.engine",
    "status": "remontada.data.queries",
    "ties": "remontada.data.queries",
    "two_legs": "remontada.knockout.engine",
    "unresolved": "remontada.data.queries",
}


def __getattr__(name: str) -> object:
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)


__all__ = [
    "AmbiguousTeamError",
    "Backtest",
    "BacktestSpec",
    "Candidate",
    "Curve",
    "DataError",
    "FetchError",
    "Forecaster",
    "ImportReport",
    "LegScore",
    "LiveForecast",
    "LiveForecaster",
    "MatchForecast",
    "NotPublishedError",
    "RemontadaError",
    "Rules",
    "SchedulerError",
    "SchemaError",
    "ScoreGrid",
    "Store",
    "StoreBusyError",
    "StoreError",
    "TieForecast",
    "TieForecaster",
    "TieOutcome",
    "TieProbabilities",
    "UnknownFormatError",
    "UnknownTeamError",
    "WhatIf",
    "__version__",
    "base_rates",
    "conflicts",
    "decide",
    "duplicate_teams",
    "export_parquet",
    "find_team",
    "import_file",
    "import_paths",
    "load_parquet",
    "matches",
    "open_store",
    "parse_rules",
    "poisson_grid",
    "precedents",
    "rejects",
    "rules_for",
    "run_backtest",
    "single_match",
    "status",
    "ties",
    "two_legs",
    "unresolved",
]
