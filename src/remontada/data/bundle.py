"""Parquet copies of a store: the data the package ships, and ``data export``.

An export is a directory with one zstd-compressed parquet file per table and a
``manifest.json`` naming the schema version and the row counts. The package ships
such an export of the store built from the public data sets in ``shared/data``
(``make bundle``), so that a fresh install builds its default store offline in a
few seconds instead of re-parsing every source file. Loading checks the manifest:
a bundle of a newer schema version, a missing or unreadable table, or a count that
does not match, is refused, and the store is left as it was. An older export loads
when every table it holds has the columns it has now, or its first columns (later
migrations only added tables, such as the link journal and ``fixtures``, and nullable
columns at the end, such as ``matches.grp``): added tables start empty, added columns
start as ``NULL`` (the group letters of a store before migration 5 are then filled from
the rounds, as the migration does). One whose tables have changed otherwise is refused.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from remontada._version import __version__
from remontada.data.store import GROUP_FROM_ROUND, SCHEMA_VERSION, TABLES, Store
from remontada.errors import SchemaError, StoreError

__all__ = [
    "bundle_dir",
    "check_export_dir",
    "export_parquet",
    "load_bundle",
    "load_parquet",
    "open_store",
    "read_manifest",
]

MANIFEST = "manifest.json"


def bundle_dir() -> Path:
    """Where the package keeps its bundled export."""
    return Path(str(resources.files("remontada").joinpath("data/bundle")))


def export_parquet(store: Store, directory: Path, *, force: bool = False) -> dict[str, int]:
    """Write every table of ``store`` to ``directory`` as parquet; return row counts.

    A directory that already holds files is refused unless ``force`` (its export
    files are then overwritten; other files are left alone).
    """
    check_export_dir(directory, force=force)
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


def check_export_dir(directory: Path, *, force: bool = False) -> None:
    """Refuse an export directory that is a file, or that already holds files (unless ``force``).

    Called before any work, so that a long export never fails at its end.
    """
    if directory.exists() and not directory.is_dir():
        raise StoreError(f"{directory}: exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise StoreError(f"{directory}: the folder is not empty; choose an empty or new one, or use --force")


def read_manifest(directory: Path) -> tuple[object, dict[str, int]]:
    """The schema version an export's manifest names, and the row count it promises for each table it holds.

    A missing, unreadable or malformed manifest, or one of this schema version that
    leaves a table out, is refused with a message naming the export.
    """
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise StoreError(f"{directory}: not a remontada export (no {MANIFEST})")
    try:
        manifest: Any = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{manifest_path}: not a readable manifest ({exc})") from exc
    version = manifest.get("schema_version") if isinstance(manifest, dict) else None
    rows = manifest.get("rows") if isinstance(manifest, dict) else None
    tables = [t for t in TABLES if isinstance(rows, dict) and t in rows]
    complete = version != SCHEMA_VERSION or len(tables) == len(TABLES)
    if not tables or not complete or any(type(rows[t]) is not int or rows[t] < 0 for t in tables):  # type: ignore[index]
        raise StoreError(f"{manifest_path}: the manifest does not give a row count for every table")
    return version, {t: rows[t] for t in tables}  # type: ignore[index]


def load_parquet(store: Store, directory: Path) -> dict[str, int]:
    """Load an export into an empty ``store`` in one transaction; return row counts.

    A table file that is missing, truncated or tampered with (unreadable, or not
    the row count the manifest gives) is refused and nothing is loaded.
    """
    version, expected = read_manifest(directory)
    if not _loadable(store, directory, version, list(expected)):
        raise SchemaError(f"{directory}: export has schema version {version}, this remontada writes {SCHEMA_VERSION}")
    if not store.is_empty():
        raise StoreError(f"an export can only be loaded into an empty store; {store.path} already holds matches")
    with store.transaction() as con:
        for table in expected:
            source = directory / f"{table}.parquet"
            columns = ", ".join(_parquet_columns(store, source)) if version != SCHEMA_VERSION else "*"
            into = table if columns == "*" else f"{table} ({columns})"
            try:
                con.execute(f"INSERT INTO {into} SELECT {columns} FROM read_parquet('{_quote(source)}')")
            except duckdb.Error as exc:
                reason = str(exc).strip().split("\n", 1)[0]
                raise StoreError(f"{source}: cannot load it ({reason}); nothing was loaded") from exc
            if store.count(table) != expected[table]:
                raise StoreError(f"{source}: {store.count(table)} rows loaded, manifest says {expected[table]}")
        if isinstance(version, int) and version < 5:
            con.execute(GROUP_FROM_ROUND)
    return expected


def _loadable(store: Store, directory: Path, version: object, tables: list[str]) -> bool:
    """Whether an export of schema ``version`` fits this store's tables column for column."""
    if version == SCHEMA_VERSION:
        return True
    if not isinstance(version, int) or not 1 <= version < SCHEMA_VERSION:
        return False
    for table in tables:
        found = _parquet_columns(store, directory / f"{table}.parquet")
        if found != store.columns(table)[: len(found)]:
            return False
    return True


def _parquet_columns(store: Store, source: Path) -> list[str]:
    """The column names of a parquet file, in order; an unreadable file is refused."""
    try:
        found = store.con.execute(
            f"SELECT name FROM parquet_schema('{_quote(source)}') WHERE num_children IS NULL"
        ).fetchall()
    except duckdb.Error as exc:
        reason = str(exc).strip().split("\n", 1)[0]
        raise StoreError(f"{source}: cannot read it ({reason}); nothing was loaded") from exc
    return [r[0] for r in found]


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
    fill = None if empty else load_bundle
    if read_only and not Store.exists(path):
        Store.open(path, busy_timeout=busy_timeout, fill=fill).close()  # build it once, then read it
    return Store.open(path, read_only=read_only, busy_timeout=busy_timeout, fill=fill)
