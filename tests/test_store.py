import subprocess
import sys
import time

import pytest

from remontada.data.store import SCHEMA_VERSION, TABLES, Store
from remontada.errors import SchemaError, StoreBusyError


def test_new_empty_store_has_every_table(tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        assert store.version() == SCHEMA_VERSION
        assert all(store.count(t) == 0 for t in TABLES)


def test_reopening_keeps_data_and_version(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store.open(path) as store:
        store.con.execute("INSERT INTO teams VALUES (1, 'Liverpool', 'ENG', 'club')")
    with Store.open(path) as store:
        assert store.count("teams") == 1
        assert store.version() == SCHEMA_VERSION


def test_store_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store.open(path) as store:
        store.con.execute("INSERT INTO schema_version VALUES (?, now())", [SCHEMA_VERSION + 1])
    with pytest.raises(SchemaError, match="Upgrade remontada"):
        Store.open(path)


def test_transaction_rolls_back_on_error(tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        with pytest.raises(RuntimeError):
            with store.transaction() as con:
                con.execute("INSERT INTO teams VALUES (1, 'Liverpool', 'ENG', 'club')")
                raise RuntimeError("interrupted")
        assert store.count("teams") == 0


def test_missing_read_only_store_is_an_error(tmp_path):
    from remontada.errors import StoreError

    with pytest.raises(StoreError, match="no store"):
        Store.open(tmp_path / "nothing.duckdb", read_only=True)


def test_second_writer_gets_store_busy(tmp_path):
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        start = time.monotonic()
        with pytest.raises(StoreBusyError, match="store is busy"):
            Store.open(path, busy_timeout=1.0)
        assert time.monotonic() - start >= 0.9  # it waited before giving up
    finally:
        holder.kill()
        holder.wait()
    with Store.open(path, busy_timeout=5.0) as store:  # usable again once the other process is gone
        assert store.version() == SCHEMA_VERSION


def test_creation_leaves_no_partial_file_behind(tmp_path):
    path = tmp_path / "deep" / "s.duckdb"
    Store.open(path).close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["s.duckdb"]


def test_default_path_honours_environment(tmp_path, monkeypatch):
    from remontada.data.store import default_path

    monkeypatch.setenv("REMONTADA_DB", str(tmp_path / "x.duckdb"))
    assert default_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("REMONTADA_DB")
    assert default_path().name == "remontada.duckdb"


def version_1_store(path, *statements):
    """A store as remontada's first schema version wrote it, plus ``statements``."""
    import duckdb

    from remontada.data.store import MIGRATIONS

    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
    con.execute(MIGRATIONS[0])
    con.execute("INSERT INTO schema_version VALUES (1, now())")
    for statement in statements:
        con.execute(statement)
    con.close()
    return path


def test_old_store_is_migrated_forward(tmp_path):
    path = version_1_store(
        tmp_path / "v1.duckdb",
        "INSERT INTO competitions VALUES ('uefa-el', 'UEFA Europa League', NULL, 'continental', NULL)",
    )
    with Store.open(path) as store:
        assert store.version() == SCHEMA_VERSION > 1
        assert store.count("competitions") == 1  # data kept
        assert store.df("SELECT * FROM seasons").empty  # the view a later migration added


def test_an_older_store_opened_read_only_is_upgraded_once(tmp_path):
    path = version_1_store(
        tmp_path / "v1.duckdb",
        "INSERT INTO competitions VALUES ('uefa-el', 'UEFA Europa League', NULL, 'continental', NULL)",
    )
    with Store.open(path, read_only=True) as store:
        assert store.read_only and store.version() == SCHEMA_VERSION
        assert store.count("competitions") == 1


def test_an_older_store_that_cannot_be_written_is_refused(tmp_path, monkeypatch):
    path = version_1_store(tmp_path / "v1.duckdb")
    monkeypatch.setattr("remontada.data.store.os.access", lambda *args, **kwargs: False)
    with pytest.raises(SchemaError, match="needs upgrading"):
        Store.open(path, read_only=True)


def test_a_path_that_is_not_a_regular_file_is_refused_untouched(tmp_path):
    import os

    from remontada.errors import StoreError

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path, what in ((fifo, r"a FIFO \(named pipe\)"), (tmp_path, "a directory")):
        with pytest.raises(StoreError, match=f"is {what}, not a store file"):
            Store.open(path)
    assert fifo.is_fifo()


def test_a_damaged_store_is_a_store_error(tmp_path):
    from remontada.errors import StoreError

    path = tmp_path / "s.duckdb"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="cannot open store"):
        Store.open(path)
    assert path.read_bytes() == b"not a database at all" * 100


def test_a_failed_commit_rolls_back_and_names_the_store(tmp_path, monkeypatch):
    import duckdb

    from remontada.errors import StoreError

    with Store.open(tmp_path / "s.duckdb") as store:

        class Full:
            def __init__(self, con):
                self.con = con

            def execute(self, sql, *args):
                if sql == "COMMIT":
                    raise duckdb.IOException("IO Error: No space left on device")
                return self.con.execute(sql, *args)

        real = store.con
        store.con = Full(real)
        with pytest.raises(StoreError, match="cannot write store .*No space left on device"):
            with store.transaction() as con:
                con.execute("INSERT INTO teams VALUES (1, 'Liverpool', 'ENG', 'club')")
        store.con = real
        assert store.count("teams") == 0


def test_exists_ignores_an_empty_file(tmp_path):
    path = tmp_path / "s.duckdb"
    assert not Store.exists(path)
    path.touch()
    assert not Store.exists(path)
    path.unlink()
    Store.open(path).close()
    assert Store.exists(path)
