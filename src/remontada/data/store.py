"""The match store: one embedded DuckDB file holding every match, tie, goal and price.

The schema is created and upgraded by numbered migrations (``MIGRATIONS``); a store
written by a newer remontada is refused rather than misread. DuckDB lets one process
write a file at a time: a second writer waits up to ``busy_timeout`` seconds and then
gets :class:`~remontada.errors.StoreBusyError`, never a corrupted file. Every import
runs in one transaction (:meth:`Store.transaction`), so an import that is killed
half-way leaves the store exactly as it was.

Where the store lives: ``--db PATH`` or ``REMONTADA_DB``, else a file in the user's
data directory (platformdirs). A store path that does not exist yet is created and
filled from the data bundled with the package by :func:`remontada.data.bundle.open_store`.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import platformdirs

from remontada.errors import SchemaError, StoreBusyError, StoreError

__all__ = [
    "GROUP_FROM_ROUND",
    "JOURNALED",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "TABLES",
    "Store",
    "check_store_path",
    "default_path",
]

_SCORE = "SMALLINT"
GROUP_FROM_ROUND = r"""
    UPDATE matches SET grp = regexp_extract(round, '^Group ([A-Z])\b', 1)
    WHERE grp IS NULL AND regexp_matches(round, '^Group [A-Z]\b');
"""
"""Give stored group matches the letter their round names (``Group C`` -> ``C``): migration 5 runs it, and
so does loading an export written before it."""
_JOURNALED_4 = (
    "teams", "team_aliases", "unresolved", "matches", "match_sources", "conflicts", "ties", "tie_legs", "goals",
    "shootouts", "odds",
)  # fmt: skip
"""The tables migration 4 gave a journal table (frozen: a migration must build the same tables whenever it runs)."""
JOURNALED = (*_JOURNALED_4, "fixtures")
_STATISTICS_7 = (
    "home_shots", "away_shots", "home_shots_on_target", "away_shots_on_target",
    "home_corners", "away_corners", "home_yellow", "away_yellow",
)  # fmt: skip
"""The per-match counts migration 6 adds to ``matches`` (missing where the source has none): shots,
shots on target, corners and yellow cards, each side's (red cards are ``home_red``/``away_red``). Frozen, like
``_JOURNALED_4``: an importer's list is :data:`remontada.data.io.base.MATCH_STATISTICS`."""
"""The tables ``data link`` changes; the link journal keeps their touched rows (migrations 4 and 5)."""
MIGRATIONS: list[str] = [
    f"""
    CREATE TABLE imports (
        import_id INTEGER PRIMARY KEY, path VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
        format VARCHAR NOT NULL, imported_at TIMESTAMP NOT NULL, rows_read INTEGER NOT NULL,
        matches_new INTEGER NOT NULL, matches_merged INTEGER NOT NULL, rejects INTEGER NOT NULL,
        conflicts INTEGER NOT NULL);
    CREATE TABLE competitions (
        competition_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, country VARCHAR,
        kind VARCHAR NOT NULL, tier INTEGER);
    CREATE TABLE teams (
        team_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, country VARCHAR, kind VARCHAR NOT NULL);
    CREATE TABLE team_aliases (
        kind VARCHAR NOT NULL, country VARCHAR, key VARCHAR NOT NULL, spelling VARCHAR NOT NULL,
        team_id INTEGER NOT NULL, origin VARCHAR NOT NULL, import_id INTEGER);
    CREATE TABLE matches (
        match_id INTEGER PRIMARY KEY, date DATE NOT NULL, kickoff VARCHAR,
        competition_id VARCHAR NOT NULL, season VARCHAR NOT NULL, round VARCHAR,
        knockout BOOLEAN NOT NULL, home_id INTEGER NOT NULL, away_id INTEGER NOT NULL,
        neutral BOOLEAN NOT NULL, home_goals {_SCORE} NOT NULL, away_goals {_SCORE} NOT NULL,
        ht_home_goals {_SCORE}, ht_away_goals {_SCORE}, et_home_goals {_SCORE}, et_away_goals {_SCORE},
        pen_home {_SCORE}, pen_away {_SCORE}, home_red {_SCORE}, away_red {_SCORE},
        score_includes_et BOOLEAN NOT NULL, import_id INTEGER NOT NULL,
        source_file VARCHAR NOT NULL, source_line INTEGER NOT NULL);
    CREATE TABLE match_sources (
        match_id INTEGER NOT NULL, import_id INTEGER NOT NULL, source_file VARCHAR NOT NULL,
        source_line INTEGER NOT NULL);
    CREATE TABLE conflicts (
        match_id INTEGER NOT NULL, import_id INTEGER NOT NULL, source_file VARCHAR NOT NULL,
        source_line INTEGER NOT NULL, field VARCHAR NOT NULL, stored VARCHAR, incoming VARCHAR);
    CREATE TABLE ties (
        tie_id INTEGER PRIMARY KEY, competition_id VARCHAR NOT NULL, season VARCHAR NOT NULL,
        round VARCHAR, team_a_id INTEGER NOT NULL, team_b_id INTEGER NOT NULL, legs SMALLINT NOT NULL,
        agg_a {_SCORE}, agg_b {_SCORE}, decided_by VARCHAR NOT NULL, winner_id INTEGER, rules VARCHAR NOT NULL,
        import_id INTEGER NOT NULL);
    CREATE TABLE tie_legs (
        tie_id INTEGER NOT NULL, leg_no SMALLINT NOT NULL, leg VARCHAR, match_id INTEGER NOT NULL);
    CREATE TABLE goals (
        match_id INTEGER NOT NULL, team_id INTEGER NOT NULL, scorer VARCHAR, minute SMALLINT NOT NULL,
        stoppage SMALLINT, minute_raw VARCHAR NOT NULL, penalty BOOLEAN NOT NULL, own_goal BOOLEAN NOT NULL,
        import_id INTEGER NOT NULL, source_line INTEGER NOT NULL);
    CREATE TABLE shootouts (
        match_id INTEGER NOT NULL, winner_id INTEGER, first_shooter_id INTEGER,
        home_score {_SCORE}, away_score {_SCORE}, import_id INTEGER NOT NULL);
    CREATE TABLE odds (
        match_id INTEGER NOT NULL, import_id INTEGER NOT NULL, source_column VARCHAR NOT NULL,
        bookmaker VARCHAR NOT NULL, market VARCHAR NOT NULL, selection VARCHAR NOT NULL,
        point DOUBLE, timing VARCHAR NOT NULL, price DOUBLE NOT NULL);
    CREATE TABLE rejects (
        import_id INTEGER NOT NULL, source_file VARCHAR NOT NULL, line INTEGER, raw VARCHAR,
        reason VARCHAR NOT NULL);
    CREATE TABLE unresolved (
        import_id INTEGER NOT NULL, source_file VARCHAR NOT NULL, spelling VARCHAR NOT NULL,
        kind VARCHAR NOT NULL, country VARCHAR, team_id INTEGER, candidates VARCHAR, reason VARCHAR NOT NULL);
    """,
    """
    CREATE VIEW seasons AS
    SELECT competition_id, season, count(*) AS matches, min(date) AS first_date, max(date) AS last_date,
           count(DISTINCT home_id) AS teams
    FROM matches GROUP BY competition_id, season;
    """,
    """
    CREATE TABLE backtests (backtest_id INTEGER PRIMARY KEY, created VARCHAR NOT NULL, spec VARCHAR NOT NULL);
    CREATE TABLE predictions (
        backtest_id INTEGER NOT NULL, model VARCHAR NOT NULL, match_id INTEGER NOT NULL, fitted_as_of DATE,
        p_home DOUBLE NOT NULL, p_draw DOUBLE NOT NULL, p_away DOUBLE NOT NULL);
    """,
    """
    CREATE TABLE links (
        link_id INTEGER PRIMARY KEY, origin VARCHAR NOT NULL, spelling VARCHAR NOT NULL, kind VARCHAR NOT NULL,
        country VARCHAR, team_id INTEGER NOT NULL, merged_id INTEGER, import_id INTEGER, evidence VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL);
    """
    + "".join(
        f"CREATE TABLE journal_{t} AS SELECT CAST(NULL AS INTEGER) AS link_id, CAST(NULL AS VARCHAR) AS phase, * "
        f"FROM {t} LIMIT 0;\n"
        for t in _JOURNALED_4
    ),
    """
    CREATE TABLE fixtures (
        fixture_id INTEGER PRIMARY KEY, date DATE NOT NULL, kickoff VARCHAR, competition_id VARCHAR NOT NULL,
        season VARCHAR NOT NULL, round VARCHAR, grp VARCHAR, knockout BOOLEAN NOT NULL, home_id INTEGER NOT NULL,
        away_id INTEGER NOT NULL, neutral BOOLEAN NOT NULL, leg SMALLINT, import_id INTEGER NOT NULL,
        source_file VARCHAR NOT NULL, source_line INTEGER NOT NULL);
    CREATE TABLE journal_fixtures AS SELECT CAST(NULL AS INTEGER) AS link_id, CAST(NULL AS VARCHAR) AS phase, *
    FROM fixtures LIMIT 0;
    ALTER TABLE matches ADD COLUMN grp VARCHAR;
    ALTER TABLE journal_matches ADD COLUMN grp VARCHAR;
    """
    + GROUP_FROM_ROUND,
    """
    CREATE TABLE fixture_odds (
        fixture_id INTEGER NOT NULL, import_id INTEGER NOT NULL, source_column VARCHAR NOT NULL,
        bookmaker VARCHAR NOT NULL, market VARCHAR NOT NULL, selection VARCHAR NOT NULL,
        point DOUBLE, timing VARCHAR NOT NULL, price DOUBLE NOT NULL);
    CREATE TABLE fetches (
        url VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, competition_id VARCHAR, season VARCHAR,
        path VARCHAR NOT NULL, etag VARCHAR, last_modified VARCHAR, sha256 VARCHAR NOT NULL,
        bytes BIGINT NOT NULL, fetched_at TIMESTAMP NOT NULL, changed_at TIMESTAMP NOT NULL,
        import_id INTEGER, outcome VARCHAR NOT NULL);
    """,
    "".join(
        f"ALTER TABLE {table} ADD COLUMN {column} {_SCORE};\n"
        for table in ("matches", "journal_matches")
        for column in _STATISTICS_7
    ),
]
"""Schema migrations: entry ``i`` takes a store from version ``i`` to ``i + 1``.

1. the tables; 2. the ``seasons`` view (each competition's seasons with their dates);
3. ``backtests`` and their ``predictions`` (what a forecaster said of each match);
4. ``links`` (every link of a name to a team, automatic or by ``data link``, with its
   evidence) and the link journal: one ``journal_<table>`` per table a ``data link``
   changes, holding the rows it touched before and after (``phase``), so that ``data
   unlink`` restores them exactly. A later migration that changes one of those tables
   changes its journal table the same way;
5. ``fixtures``, the matches still to play (a result replaces its fixture), journaled
   like ``matches``; and ``matches.grp``, the group letter of a group-stage match
   (``NULL`` elsewhere), filled for stored matches from rounds named ``Group A``.
   ``group`` is an SQL keyword, hence ``grp``;
6. ``fixture_odds``, the prices of a fixture (as ``odds`` for a match; they go with
   their fixture when its result replaces it), and ``fetches``: one row per file
   fetched online (``remontada data fetch``): its source, the competition it keeps up
   to date, its season, its path under the source's root, the validators the server gave
   (``etag``, ``last_modified``) for the next conditional request, the digest of the
   cached copy, when it was last fetched and last changed, and what its import did;
7. the match statistics (``_STATISTICS_7``): shots, shots on target, corners and
   yellow cards per side, as football-data.co.uk's files give them."""

SCHEMA_VERSION = len(MIGRATIONS)
TABLES = (
    "imports",
    "competitions",
    "teams",
    "team_aliases",
    "matches",
    "fixtures",
    "match_sources",
    "conflicts",
    "ties",
    "tie_legs",
    "goals",
    "shootouts",
    "odds",
    "fixture_odds",
    "rejects",
    "unresolved",
    "links",
    "fetches",
    *(f"journal_{t}" for t in JOURNALED),
)
"""Every data table, in an order that respects references (for export and load)."""


def default_path() -> Path:
    """``REMONTADA_DB`` if set, else ``remontada.duckdb`` in the user's data directory."""
    env = os.environ.get("REMONTADA_DB")
    if env:
        return Path(env)
    return platformdirs.user_data_path("remontada") / "remontada.duckdb"


_NOT_A_FILE = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_GIVE = "give a regular file or a new path"


def check_store_path(path: Path) -> None:
    """Refuse a store path that is neither a regular file nor a new path.

    Opening a store may replace the file at its path (a new store is moved into
    place), so a directory, FIFO, device or socket there (or a symbolic link to one,
    or a broken link) is an error and is left exactly as it is.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise StoreError(f"store path {path} is a broken symbolic link; {_GIVE}") from None
        return
    except OSError as exc:
        raise StoreError(f"cannot use store path {path}: {exc.strerror}") from exc
    for test, what in _NOT_A_FILE:
        if test(mode):
            raise StoreError(f"store path {path} is {what}, not a store file; {_GIVE}")
    if not stat.S_ISREG(mode):
        raise StoreError(f"store path {path} is not a regular file; {_GIVE}")


def _connect(path: Path, read_only: bool, busy_timeout: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise StoreError(f"cannot open store {path}: {_first_line(exc)}") from exc
            if time.monotonic() >= deadline:
                raise StoreBusyError(
                    f"store is busy: another process is using {path} (waited {busy_timeout:g} s). "
                    "Try again when it has finished."
                ) from exc
            time.sleep(0.2)
        except duckdb.Error as exc:  # e.g. a truncated file or one that is not a DuckDB store
            raise StoreError(f"cannot open store {path}: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    """An error's message without DuckDB's extra lines (hints, stack traces)."""
    return str(exc).strip().split("\n", 1)[0]


class Store:
    """An open match store. Use :meth:`open`; close it (or use ``with``) when done."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        read_only: bool = False,
        busy_timeout: float = 30.0,
        fill: Callable[[Store], object] | None = None,
    ) -> Store:
        """Open the store at ``path`` (default: :func:`default_path`).

        A path that does not exist yet becomes a new store, filled by ``fill`` if
        given (:func:`remontada.data.bundle.open_store` passes the bundle loader). The new
        store is built beside the target and moved into place, so an interrupted
        first build leaves no half store behind. A store written by an older remontada
        is upgraded on opening, even when asked for read-only (if the file is writable).
        """
        target = Path(path) if path is not None else default_path()
        check_store_path(target)
        if target.exists() and target.stat().st_size == 0:  # e.g. a fresh tempfile
            target.unlink()
        if not target.exists():
            if read_only:
                raise StoreError(f"no store at {target}")
            _create(target, fill)
        con = _connect(target, read_only, busy_timeout)
        store = cls(con, target, read_only)
        try:
            if read_only and store.version() < SCHEMA_VERSION and os.access(target, os.W_OK):
                con.close()  # a store of an older remontada: upgrade it once, then read it as asked
                cls.open(target, busy_timeout=busy_timeout).close()
                con = _connect(target, read_only, busy_timeout)
                store = cls(con, target, read_only)
            store._migrate()
        except duckdb.Error as exc:
            con.close()
            raise StoreError(f"cannot read store {target}: {_first_line(exc)}") from exc
        except BaseException:
            con.close()
            raise
        return store

    @staticmethod
    def exists(path: Path | str | None = None) -> bool:
        """Whether a store is at ``path`` (default: :func:`default_path`); an empty file is none yet."""
        target = Path(path) if path is not None else default_path()
        return target.is_file() and target.stat().st_size > 0

    @classmethod
    def memory(cls) -> Store:
        """An empty in-memory store (tests, temporary work)."""
        store = cls(duckdb.connect(":memory:"), Path(":memory:"), False)
        store._migrate()
        return store

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------
    def version(self) -> int:
        """The schema version of this store (0 for an empty file)."""
        exists = self.one("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'")
        if not exists or exists[0] == 0:
            return 0
        row = self.one("SELECT max(version) FROM schema_version")
        return int(row[0]) if row and row[0] is not None else 0

    def _migrate(self) -> None:
        current = self.version()
        if current > SCHEMA_VERSION:
            raise SchemaError(
                f"store {self.path} has schema version {current}; this remontada understands up to "
                f"{SCHEMA_VERSION}. Upgrade remontada."
            )
        if current == SCHEMA_VERSION:
            return
        if self.read_only:
            raise SchemaError(f"store {self.path} needs upgrading from version {current}; open it writable once")
        with self.transaction():
            self.con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)")
            for number in range(current, SCHEMA_VERSION):
                self.con.execute(MIGRATIONS[number])
                self.con.execute(
                    "INSERT INTO schema_version VALUES (?, ?)",
                    [number + 1, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
                )

    # -- transactions and queries ---------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block in one transaction: all of it is stored, or none of it.

        A write that fails at the disk (full, read-only, gone) rolls back and becomes
        a :class:`~remontada.errors.StoreError` naming the store.
        """
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
            self.con.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, duckdb.IOException | OSError):
                raise StoreError(f"cannot write store {self.path}: {_first_line(exc)}") from exc
            raise

    def _rollback(self) -> None:
        """Roll back the open transaction, if DuckDB has not already ended it."""
        try:
            self.con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # a failed COMMIT has already rolled back

    def one(self, sql: str, params: list[Any] | None = None) -> tuple[Any, ...] | None:
        """The first row of a query, or ``None``; the result is always fully consumed."""
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0] if rows else None

    def df(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run a query and return a DataFrame."""
        return self.con.execute(sql, params or []).df()

    def count(self, table: str) -> int:
        """Rows in ``table``."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        row = self.one(f"SELECT count(*) FROM {table}")
        return int(row[0]) if row else 0

    def columns(self, table: str) -> list[str]:
        """The column names of ``table``, in order."""
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
        return [r[0] for r in rows]

    def next_id(self, table: str, column: str) -> int:
        """The next free integer id in ``table.column``."""
        row = self.one(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}")
        return int(row[0]) if row else 1

    def is_empty(self) -> bool:
        """Whether the store holds no matches."""
        return self.count("matches") == 0


def _create(target: Path, fill: Callable[[Store], object] | None) -> None:
    """Create a store file at ``target``, filled by ``fill`` if given.

    A folder that cannot be written, a full disk or any other failure of the disk
    becomes one :class:`~remontada.errors.StoreError` and leaves nothing behind.
    """
    try:
        _build(target, fill)
    except (OSError, duckdb.IOException) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else _first_line(exc)
        raise StoreError(f"cannot create store {target}: {reason}") from exc


def _build(target: Path, fill: Callable[[Store], object] | None) -> None:
    """Build the store beside ``target`` and move it into place (see :func:`_create`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(partial))
        store = Store(con, partial, False)
        try:
            store._migrate()
            if fill is not None:
                fill(store)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
        Path(str(partial) + ".wal").unlink(missing_ok=True)
