"""Build the data bundle the package ships: import shared/data, export parquet.

Usage: python scripts/build_bundle.py --shared ../shared/data [--out src/remontada/data/bundle]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from remontada.data.bundle import export_parquet
from remontada.data.datasets import import_shared
from remontada.data.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("src/remontada/data/bundle"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "build.duckdb")
        start = time.perf_counter()
        import_shared(store, args.shared, on_file=lambda p, r: print(f"{r.path}: {r.status}, {r.matches_new} new"))
        seconds = time.perf_counter() - start
        if args.out.exists():
            shutil.rmtree(args.out)
        counts = export_parquet(store, args.out)
        store.close()
    print(f"built in {seconds:.1f} s: {counts}")


if __name__ == "__main__":
    main()
