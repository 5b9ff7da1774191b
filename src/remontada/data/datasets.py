"""The public data sets remontada ships, and the order in which they are imported.

The bundled store (``make bundle``) is these files imported in this order. Sources
with full names and country tags come first (``champs.csv``, openfootball), then the
league files whose matches overlap them, so that overlapping matches can link the
other spellings; goal and shootout lists come after the results they refer to.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from remontada.data.ingest import ImportReport, import_paths
from remontada.data.store import Store

__all__ = ["SHARED_ORDER", "import_shared"]

SHARED_ORDER = (
    "engsoccerdata/champs.csv",
    "openfootball",
    "engsoccerdata/teamnames.csv",
    "engsoccerdata/italy.csv",
    "engsoccerdata/spain.csv",
    "engsoccerdata/germany.csv",
    "engsoccerdata/germany2.csv",
    "engsoccerdata/france.csv",
    "engsoccerdata/holland.csv",
    "engsoccerdata/portugal.csv",
    "engsoccerdata/belgium.csv",
    "engsoccerdata/scotland.csv",
    "engsoccerdata/turkey.csv",
    "engsoccerdata/greece.csv",
    "football-data",
    "engsoccerdata/facup.csv",
    "engsoccerdata/leaguecup.csv",
    "odds",
    "international",
)
"""Paths relative to the shared data folder, in import order."""


def import_shared(
    store: Store, shared: Path, *, on_file: Callable[[Path, ImportReport], None] | None = None
) -> list[ImportReport]:
    """Import every bundled data set from ``shared`` into ``store``.

    Each file is recorded under its path relative to ``shared``
    (``engsoccerdata/champs.csv``), so that rejects and sources read the same
    wherever the data sit.
    """
    shared = shared.resolve()
    missing = [entry for entry in SHARED_ORDER if not (shared / entry).exists()]
    if missing:
        raise FileNotFoundError(f"{shared} lacks {', '.join(missing)}")
    reports: list[ImportReport] = []
    for entry in SHARED_ORDER:
        reports += import_paths(
            store, [shared / entry], label=lambda p: p.relative_to(shared).as_posix(), on_file=on_file
        )
    return reports
