"""`make bench`: speed, printed as one line per comparison, measured in this run.

These machines are shared and noisy, so every figure is paired with a baseline
measured in the same run and reported as a ratio; nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from remontada.bundle import open_store
from remontada.datasets import SHARED_ORDER, import_shared
from remontada.store import Store


def _files(shared: Path) -> list[Path]:
    out: list[Path] = []
    for entry in SHARED_ORDER:
        path = shared / entry
        out += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return [p for p in out if p.suffix in {".csv", ".txt"}]


def bench_store_build(shared: Path) -> None:
    files = _files(shared)
    start = time.perf_counter()
    rows = 0
    for path in files:  # the floor: just reading every file's text into pandas
        if path.suffix == ".csv":
            rows += len(
                pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", encoding_errors="replace")
            )
        else:
            rows += path.read_text(encoding="utf-8-sig").count("\n")
    bare = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "raw.duckdb")
        start = time.perf_counter()
        import_shared(store, shared)
        full = time.perf_counter() - start
        matches = store.count("matches")
        store.close()
        start = time.perf_counter()
        open_store(Path(tmp) / "bundled.duckdb").close()
        bundled = time.perf_counter() - start
    print(
        f"store build from shared/data ({len(files)} files, {rows} rows, {matches} matches): "
        f"remontada {full:.1f} s, bare pandas read {bare:.1f} s -> {full / bare:.1f}x the bare read (target < 60 s)"
    )
    print(f"default store from the shipped bundle: {bundled:.2f} s -> {full / bundled:.0f}x faster than re-importing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    if not args.shared.is_dir():
        raise SystemExit(f"no shared data at {args.shared}")
    bench_store_build(args.shared.resolve())


if __name__ == "__main__":
    main()
