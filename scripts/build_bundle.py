"""Build the data bundle the package ships: import shared/data, export parquet.

Usage: python scripts/build_bundle.py --shared ../shared/data [--out src/remontada/data/bundle]

Files are imported in a deliberate order: sources with full official names and
country tags first (champs.csv, openfootball), then the league files whose matches
overlap them, so that overlapping matches link the other spellings.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from remontada.bundle import export_parquet
from remontada.ingest import import_paths
from remontada.store import Store

ORDER = [
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
]


def build(shared: Path, store: Store, verbose: bool = True) -> float:
    """Import every bundled source into ``store``; return the seconds it took."""
    start = time.perf_counter()
    for entry in ORDER:
        path = shared / entry
        if not path.exists():
            raise SystemExit(f"missing {path}")

        def report(p: Path, r: object) -> None:
            if verbose:
                print(f"{p.relative_to(shared)}: {r}")

        import_paths(store, [path], label=lambda p: str(p.relative_to(shared)), on_file=report)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("src/remontada/data/bundle"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "build.duckdb", empty=True)
        seconds = build(args.shared.resolve(), store)
        if args.out.exists():
            shutil.rmtree(args.out)
        counts = export_parquet(store, args.out)
        store.close()
    print(f"built in {seconds:.1f} s: {counts}")


if __name__ == "__main__":
    main()
