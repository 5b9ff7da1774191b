"""remontada: forecast football knockout ties, before the tie, between the legs and live.

The public API, by layer:

* the store — :func:`open_store` (creates a store from the bundled data on first use),
  :class:`Store`, :func:`import_file` / :func:`import_paths`, :func:`export_parquet`;
* reading it — :func:`matches`, :func:`ties`, :func:`status`, :func:`rejects`,
  :func:`unresolved`, :func:`duplicate_teams`, :func:`conflicts`, :func:`find_team`;
* knockout rules — :class:`Rules`, :func:`rules_for`, :func:`decide`;
* errors — :class:`RemontadaError` and its subclasses.
"""

from remontada._version import __version__
from remontada.bundle import export_parquet, load_parquet, open_store
from remontada.errors import (
    AmbiguousTeamError,
    DataError,
    RemontadaError,
    SchemaError,
    StoreBusyError,
    StoreError,
    UnknownFormatError,
    UnknownTeamError,
)
from remontada.ingest import ImportReport, import_file, import_paths
from remontada.queries import conflicts, duplicate_teams, find_team, matches, rejects, status, ties, unresolved
from remontada.rules import LegScore, Rules, TieOutcome, decide, rules_for
from remontada.store import Store

__all__ = [
    "AmbiguousTeamError",
    "DataError",
    "ImportReport",
    "LegScore",
    "RemontadaError",
    "Rules",
    "SchemaError",
    "Store",
    "StoreBusyError",
    "StoreError",
    "TieOutcome",
    "UnknownFormatError",
    "UnknownTeamError",
    "__version__",
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
    "rejects",
    "rules_for",
    "status",
    "ties",
    "unresolved",
]
