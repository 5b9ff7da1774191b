"""Parquet copies of a store: the data the package ships, and ``data export``.

An export is a directory with one zstd-compressed parquet file per table and a
``manifest.json`` naming the schema version and the row counts. The package ships
such an export of the store built from the public data sets in ``shared/data``
(``make bundle``), so that a fresh install builds its default store offline in a
few seconds instead of re-parsing every source file. Loading checks the manifest:
a bundle of a newer schema version, or a count that does not match, is refused. An
older export loads when every table it holds has the columns it has now (later
migrations only added tables, such as the link journal), and those tables start
empty; one whose tables have changed is refused.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from remontada._version import __version__
from remontada.errors import SchemaError, StoreError
from remontada.store import SCHEMA_VERSION, TABLES, Store

__all__ = ["bundle_dir", "export_parquet", "load_bundle", "load_parquet", "open_store"]

MANIFEST = "manifest.json"


def bundle_dir() -> Path:
    """Where the package keeps its bundled export."""
    return Path(str(resources.files("remontada").joinpath("data/bundle")))


def export_parquet(store: Store, directory: Path) -> dict[str, int]:
    """Write every table of ``store`` to ``directory`` as parquet; return row counts."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in TABLES:
        target = directory / f"{table}.parquet"
        store.con.execute(
            f"COPY (SELECT * FROM {table} ORDER BY ALL) TO '{_quote(target)}' (FORMAT parquet, COMPRESSION zstd)"
        )
        counts[table] = store.count(table)
    manifest = {"schema_version": SCHEMA_VERSION, "remontada": __version__, "rows": counts}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return counts


def load_parquet(store: Store, directory: Path) -> dict[str, int]:
    """Load an export into an empty ``store`` in one transaction; return row counts."""
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise StoreError(f"{directory}: not a remontada export (no {MANIFEST})")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    tables = [t for t in TABLES if t in manifest.get("rows", {})]
    if not _loadable(store, directory, manifest.get("schema_version"), tables):
        raise SchemaError(
            f"{directory}: export has schema version {manifest.get('schema_version')}, "
            f"this remontada writes {SCHEMA_VERSION}"
        )
    if not store.is_empty():
        raise StoreError(f"an export can only be loaded into an empty store; {store.path} already holds matches")
    with store.transaction() as con:
        for table in tables:
            source = directory / f"{table}.parquet"
            con.execute(f"INSERT INTO {table} SELECT * FROM read_parquet('{_quote(source)}')")
            expected = manifest["rows"][table]
            if store.count(table) != expected:
                raise StoreError(f"{source}: {store.count(table)} rows loaded, manifest says {expected}")
    return dict(manifest["rows"])


def _loadable(store: Store, directory: Path, version: object, tables: list[str]) -> bool:
    """Whether an export of schema ``version`` fits this store's tables column for column."""
    if version == SCHEMA_VERSION:
        return True
    if not isinstance(version, int) or not 1 <= version < SCHEMA_VERSION:
        return False
    for table in tables:
        source = _quote(directory / f"{table}.parquet")
        found = store.con.execute(f"SELECT name FROM parquet_schema('{source}') WHERE num_children IS NULL").fetchall()
        if [r[0] for r in found] != store.columns(table):
            return False
    return True


def load_bundle(store: Store) -> dict[str, int]:
    """Fill an empty store from the data shipped with the package."""
    directory = bundle_dir()
    if not (directory / MANIFEST).is_file():
        raise StoreError(
            "this installation of remontada has no bundled data; create the store with --empty "
            "and import files with `remontada data import`"
        )
    return load_parquet(store, directory)


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def open_store(
    path: Path | str | None = None,
    *,
    read_only: bool = False,
    empty: bool = False,
    busy_timeout: float = 30.0,
) -> Store:
    """Open a store, creating it from the bundled data (or empty) if it does not exist.

    This is how the command line and the web app open stores: every command works
    on a fresh path, offline, with the public data sets already in it.
    """
    return Store.open(path, read_only=read_only, busy_timeout=busy_timeout, fill=None if empty else load_bundle)
