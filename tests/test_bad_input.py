"""Issue 12, files and messages: every bad input ends in one clear line, a non-zero exit, no traceback,
and the store and files as they were.

Commands run through :func:`remontada.app.cli.main`, the real entry point, so that what reaches a user is
what is asserted. Stores are built from a tiny export (two Europa League seasons) standing in for the
bundled data, so that building one on a new path takes a moment.
"""

import errno
import json
import os
import socket
import stat
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from remontada.app import cli
from remontada.app.cli import common
from remontada.data import queries
from remontada.data.bundle import export_parquet, open_store
from remontada.data.ingest import import_paths
from remontada.data.store import TABLES, Store
from remontada.errors import StoreError

DATA = Path(__file__).parent / "data"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(scope="session")
def tiny_bundle(tmp_path_factory) -> Path:
    """An export of two Europa League seasons (Liverpool v Atalanta among them)."""
    directory = tmp_path_factory.mktemp("tiny") / "bundle"
    with Store.memory() as store:
        import_paths(store, [DATA / "openfootball/el-2021-22.txt", DATA / "openfootball/el-2023-24.txt"])
        export_parquet(store, directory)
    return directory


@pytest.fixture(autouse=True)
def bundled_is_tiny(tiny_bundle, monkeypatch):
    """New stores are built from the tiny export, not the package's bundle; output is not wrapped."""
    monkeypatch.setattr("remontada.data.bundle.bundle_dir", lambda: tiny_bundle)
    monkeypatch.setattr(common.out, "width", 10_000)
    monkeypatch.setattr(common.err, "width", 10_000)


@pytest.fixture
def tiny_db(tmp_path) -> Path:
    path = tmp_path / "tiny.duckdb"
    open_store(path).close()
    return path


def run(capsys, *args: object) -> tuple[int, str, str]:
    """Run the command line as a user does; return exit code, stdout and stderr (whitespace folded)."""
    with pytest.raises(SystemExit) as info:
        cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    code = info.value.code if isinstance(info.value.code, int) else 1
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err.strip()


def failing(capsys, *args: object) -> str:
    """Run a command that must fail cleanly; return its message (what follows ``error:``)."""
    code, _, err = run(capsys, *args)
    assert code == 1, err
    assert "error: " in err, err
    return err.partition("error: ")[2]


def snapshot(path: Path) -> dict[str, int]:
    with Store.open(path, read_only=True) as store:
        return {t: store.count(t) for t in TABLES}


# -- --db must be a regular file or a new path ------------------------------------------------


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _socket(path: Path) -> Path:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()
    return path


def _device(path: Path) -> Path:
    try:
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # a copy of /dev/null's node
    except PermissionError:
        pytest.skip("creating a device node needs privileges")
    return path


def _linked_fifo(path: Path) -> Path:
    target = _fifo(path.with_name("real-fifo"))
    path.symlink_to(target)
    return path


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (_fifo, "a FIFO"),
        (_socket, "a socket"),
        (_device, "a character device"),
        (_linked_fifo, "a FIFO"),
        (lambda p: (p.mkdir(), p)[1], "a directory"),
    ],
)
def test_db_that_is_not_a_regular_file_is_refused_and_left_alone(capsys, tmp_path, make, what):
    path = make(tmp_path / "store.duckdb")
    before = os.lstat(path)
    message = failing(capsys, "match", "Liverpool", "Atalanta", "--db", path)
    assert f"store path {path} is {what}" in message and "give a regular file or a new path" in message
    after = os.lstat(path)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert not list(tmp_path.glob("*.partial-*"))


def test_broken_symlink_db_is_refused(capsys, tmp_path):
    link = tmp_path / "store.duckdb"
    link.symlink_to(tmp_path / "nowhere" / "x.duckdb")
    assert "broken symbolic link" in failing(capsys, "data", "status", "--db", link)
    assert link.is_symlink()


# -- damaged stores, unwritable folders, full disks ----------------------------------------------


def test_truncated_store_is_a_clear_error_and_untouched(capsys, tiny_db):
    data = tiny_db.read_bytes()
    tiny_db.write_bytes(data[: len(data) // 3])
    message = failing(capsys, "data", "status", "--db", tiny_db)
    assert str(tiny_db) in message and ("cannot open store" in message or "damaged or truncated" in message)
    assert tiny_db.read_bytes() == data[: len(data) // 3]


def test_a_file_that_is_not_a_store(capsys, tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("shopping list\n")
    assert "not a valid DuckDB database file" in failing(capsys, "tie", "A", "B", "--db", path)
    assert path.read_text() == "shopping list\n"


def test_store_folder_without_write_permission(capsys, tmp_path, monkeypatch):
    real_connect = duckdb.connect

    def refuse(database: str, *args: object, **kwargs: object) -> duckdb.DuckDBPyConnection:
        if ".partial-" in str(database):
            raise duckdb.IOException(f'IO Error: Cannot open file "{database}": Permission denied')
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr("remontada.data.store.duckdb.connect", refuse)
    path = tmp_path / "locked" / "s.duckdb"
    path.parent.mkdir()
    message = failing(capsys, "data", "status", "--db", path)
    assert f"cannot create store {path}" in message and "Permission denied" in message
    assert list(path.parent.iterdir()) == []


@pytest.mark.skipif(IS_ROOT, reason="root may write anywhere")
def test_store_folder_really_without_write_permission(capsys, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert "cannot create store" in failing(capsys, "data", "status", "--db", folder / "s.duckdb")
    finally:
        folder.chmod(0o700)


def test_full_disk_while_building_a_store(capsys, tmp_path, monkeypatch):
    def full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr("remontada.data.store.os.replace", full)
    path = tmp_path / "s.duckdb"
    message = failing(capsys, "data", "status", "--db", path)
    assert f"cannot create store {path}: No space left on device" in message
    assert list(tmp_path.iterdir()) == []


def test_full_disk_during_an_import_leaves_the_store_as_it_was(capsys, tiny_db, monkeypatch):
    before = snapshot(tiny_db)

    def full(self: object) -> None:
        raise duckdb.IOException("IO Error: Could not write file: No space left on device")

    monkeypatch.setattr("remontada.data.ingest._Ingest._finish", full)
    message = failing(capsys, "data", "import", DATA / "overlap/italy-2019.csv", "--db", tiny_db)
    assert f"cannot write store {tiny_db}" in message and "No space left on device" in message
    assert snapshot(tiny_db) == before


def test_full_disk_writing_a_batch_output_keeps_the_old_file(capsys, tiny_db, tmp_path, monkeypatch):
    batch = tmp_path / "in.csv"
    batch.write_text("date,team_a,team_b,leg1_a,leg1_b\n2024-04-18,Liverpool,Atalanta,0,3\n")
    out = tmp_path / "out.csv"
    out.write_text("yesterday's output\n")
    real_write = Path.write_text

    def full(self: Path, *args: object, **kwargs: object) -> int:
        if ".partial-" in self.name:
            real_write(self, "half")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    message = failing(capsys, "tie", "--batch", batch, "--out", out, "--db", tiny_db)
    assert f"{out}: cannot write it (No space left on device)" in message
    assert out.read_text() == "yesterday's output\n"
    left = sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".cache")  # fitted models are kept beside the store
    assert left == ["in.csv", "out.csv", "tiny.duckdb"]


# -- batches ------------------------------------------------------------------------------------


def test_keep_going_when_every_row_is_bad(capsys, tiny_db, tmp_path):
    batch = tmp_path / "in.csv"
    batch.write_text("date,team_a,team_b,leg1_a,leg1_b\nsoon,Liverpool,Atalanta,0,3\n2024-04-18,Nobody,Atalanta,0,3\n")
    out = tmp_path / "out.csv"
    code, _, message = run(capsys, "tie", "--batch", batch, "--out", out, "--keep-going", "--db", tiny_db)
    assert code == 1 and "2 of 2 rows could not be forecast" in message
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert written["error"].tolist()[0] == "date: 'soon' is not a date (YYYY-MM-DD)"
    assert "unknown team 'Nobody'" in written["error"].tolist()[1]


@pytest.mark.parametrize("command", ["match", "live"])
def test_keep_going_when_every_row_is_bad_in_other_batches(capsys, tiny_db, tmp_path, command):
    batch = tmp_path / "in.csv"
    columns = "date,home,away" + (",minute,home_goals,away_goals" if command == "live" else "")
    cells = "soon,Liverpool,Atalanta" + (",10,0,0" if command == "live" else "")
    batch.write_text(f"{columns}\n{cells}\n")
    code, out, message = run(capsys, command, "--batch", batch, "--keep-going", "--db", tiny_db)
    assert code == 1 and "1 of 1 rows could not be forecast" in message
    assert "is not a date" in out


def test_huge_leg1_goals_in_a_tie_batch(capsys, tiny_db, tmp_path):
    batch = tmp_path / "in.csv"
    batch.write_text("date,team_a,team_b,leg1_a,leg1_b\n2024-04-18,Liverpool,Atalanta,99999999999999999999,3\n")
    message = failing(capsys, "tie", "--batch", batch, "--db", tiny_db)
    assert "row 2: leg1_a, leg1_b: '99999999999999999999'-'3' is not a score" in message


def test_huge_and_odd_goals_in_a_live_batch(capsys, tiny_db, tmp_path):
    batch = tmp_path / "in.csv"
    batch.write_text(
        "date,home,away,minute,home_goals,away_goals\n"
        "2024-04-18,Atalanta,Liverpool,10,99999999999999999999,0\n2024-04-18,Atalanta,Liverpool,10,²,0\n"
    )
    message = failing(capsys, "live", "--batch", batch, "--db", tiny_db)
    assert "row 2: home_goals: '99999999999999999999' is not a number" in message
    assert "row 3: home_goals: '²' is not a number" in message


# -- output paths are checked before any work ---------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["match", "--batch", "in.csv", "--out", "{missing}/out.csv"],
        ["tie", "--batch", "in.csv", "--out", "{missing}/out.csv"],
        ["live", "--batch", "in.csv", "--out", "{missing}/out.csv"],
        ["replay", "Liverpool", "Atalanta", "--png", "{missing}/curve.png"],
        ["brief", "Liverpool", "Atalanta", "--html", "{missing}/brief.html"],
        ["backtest", "--out", "{missing}/predictions.csv"],
        ["backtest", "--png-dir", "{missing}/charts"],
        ["data", "export", "--parquet", "{missing}/export"],
    ],
)
def test_output_into_a_missing_folder_fails_before_any_work(capsys, tmp_path, monkeypatch, args):
    def no_work(*a: object, **k: object) -> None:
        raise AssertionError("the store was opened before the output path was checked")

    monkeypatch.setattr(common, "open_store", no_work)
    missing = tmp_path / "no" / "such"
    message = failing(capsys, *[a.format(missing=missing) for a in args], "--db", tmp_path / "s.duckdb")
    assert f"the folder {missing} does not exist" in message


def test_output_that_is_a_directory(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(common, "open_store", None)
    assert "is a directory" in failing(capsys, "replay", "A", "B", "--png", tmp_path)


# -- every command on a new store path, and on the default store ---------------------------------

NEW_STORE_COMMANDS = [
    ["tie", "Liverpool", "Atalanta", "--date", "2024-04-18"],
    ["live", "Liverpool", "Atalanta", "--date", "2024-04-18", "--at", "30"],
    ["replay", "Liverpool", "Atalanta", "--date", "2024-04-18", "--goals", "7:Liverpool"],
    ["brief", "Liverpool", "Atalanta", "--date", "2024-04-18"],
    ["precedents", "--deficit", "3"],
    ["tune", "--competition", "uefa-el", "--seasons", "2023-24", "--param", "half_life_days=120,240", "--workers", "1"],
    ["tie", "--batch", "{batch}"],
    ["match", "Liverpool", "Atalanta", "--as-of", "2024-04-18"],
    ["data", "status"],
]


def _batch(tmp_path: Path) -> Path:
    batch = tmp_path / "in.csv"
    batch.write_text("date,team_a,team_b,leg1_a,leg1_b\n2024-04-18,Liverpool,Atalanta,0,3\n")
    return batch


@pytest.mark.parametrize("args", NEW_STORE_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_every_command_on_a_new_store_path(capsys, tmp_path, args):
    db = tmp_path / "new" / "s.duckdb"
    code, out, message = run(capsys, *[a.format(batch=_batch(tmp_path)) for a in args], "--db", db)
    assert code == 0, message
    assert f"creating {db} from the bundled data" in message and "no store at" not in message
    assert out.strip() and snapshot(db)["matches"] == 36


def test_the_default_store_is_built_on_first_use(capsys, tmp_path, monkeypatch):
    default = tmp_path / "home" / "remontada.duckdb"
    monkeypatch.setenv("REMONTADA_DB", str(default))
    code, out, message = run(capsys, "tie", "Liverpool", "Atalanta", "--date", "2024-04-18")
    assert code == 0, message
    assert f"creating {default} from the bundled data" in message and "Liverpool" in out
    assert Store.exists(default)


def test_library_opens_a_new_path_read_only(tmp_path):
    with open_store(tmp_path / "s.duckdb", read_only=True) as store:
        assert store.read_only and store.count("matches") == 36


@pytest.mark.parametrize("args", [["match", "Liverpool", "Atalanta", "--as-of", "2024-04-18"], ["data", "status"]])
def test_match_and_status_open_the_store_read_only(capsys, tiny_db, monkeypatch, args):
    opened: list[bool] = []

    def spy(path: object, **kwargs: bool) -> Store:
        opened.append(kwargs["read_only"])
        return open_store(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(common, "open_store", spy)
    code, _, message = run(capsys, *args, "--db", tiny_db)
    assert code == 0, message
    assert opened == [True]


@pytest.mark.skipif(IS_ROOT, reason="root may write a read-only file")
def test_match_and_status_on_a_read_only_store_file(capsys, tiny_db):
    tiny_db.chmod(0o444)
    assert run(capsys, "data", "status", "--db", tiny_db)[0] == 0
    assert run(capsys, "match", "Liverpool", "Atalanta", "--as-of", "2024-04-18", "--db", tiny_db)[0] == 0


# -- folder imports, exports -----------------------------------------------------------------------


def test_folder_import_goes_on_past_a_bad_file(capsys, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "italy-2019.csv").write_bytes((DATA / "overlap/italy-2019.csv").read_bytes())
    (folder / "b-binary.csv").write_bytes(b"\x00\x01\x02" * 500)
    (folder / "c-notes.txt").write_text("nothing to see\n")
    db = tmp_path / "s.duckdb"
    code, out, message = run(capsys, "data", "import", folder, "--db", db, "--empty", "--json")
    assert code == 1
    files = {Path(f["path"]).name: f for f in json.loads(out)["files"]}
    assert files["italy-2019.csv"]["status"] == "imported" and files["italy-2019.csv"]["matches_new"] == 30
    assert files["b-binary.csv"]["status"] == "failed" and "a binary file" in files["b-binary.csv"]["error"]
    assert files["c-notes.txt"]["status"] == "failed" and "not in a format" in files["c-notes.txt"]["error"]
    assert "2 of 3 files could not be imported, the others were imported" in message
    assert snapshot(db)["matches"] == 30
    code, out, _ = run(capsys, "data", "import", folder, "--db", db)
    assert code == 1 and "already imported" in out


def test_import_of_a_missing_path_does_nothing(capsys, tmp_path):
    db = tmp_path / "s.duckdb"
    assert "no such file or folder" in failing(capsys, "data", "import", tmp_path / "gone.csv", "--db", db)
    assert not db.exists()


def test_export_refuses_a_non_empty_folder_without_force(capsys, tiny_db, tmp_path):
    target = tmp_path / "export"
    target.mkdir()
    (target / "keep.txt").write_text("mine\n")
    assert "the folder is not empty" in failing(capsys, "data", "export", "--parquet", target, "--db", tiny_db)
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    assert run(capsys, "data", "export", "--parquet", target, "--force", "--db", tiny_db)[0] == 0
    assert (target / "manifest.json").is_file() and (target / "keep.txt").read_text() == "mine\n"


@pytest.fixture
def exported(capsys, tiny_db, tmp_path) -> Path:
    target = tmp_path / "export"
    assert run(capsys, "data", "export", "--parquet", target, "--db", tiny_db)[0] == 0
    return target


def test_export_of_another_schema_version_is_refused(capsys, exported, tmp_path):
    manifest = json.loads((exported / "manifest.json").read_text())
    (exported / "manifest.json").write_text(json.dumps(manifest | {"schema_version": 99}))
    db = tmp_path / "copy.duckdb"
    assert "export has schema version 99" in failing(capsys, "data", "import", exported, "--db", db)


@pytest.mark.parametrize("damage", ["truncate", "missing", "count", "manifest"])
def test_damaged_export_is_refused_and_the_store_unchanged(capsys, exported, tmp_path, damage):
    parquet = exported / "matches.parquet"
    if damage == "truncate":
        parquet.write_bytes(parquet.read_bytes()[:200])
    elif damage == "missing":
        parquet.unlink()
    elif damage == "count":
        manifest = json.loads((exported / "manifest.json").read_text())
        manifest["rows"]["matches"] += 1
        (exported / "manifest.json").write_text(json.dumps(manifest))
    else:
        (exported / "manifest.json").write_text('{"schema_version": ')
    db = tmp_path / "copy.duckdb"
    open_store(db, empty=True).close()
    message = failing(capsys, "data", "import", exported, "--db", db)
    assert str(exported) in message
    assert snapshot(db) == dict.fromkeys(TABLES, 0)


def test_load_parquet_names_the_damaged_table(exported, tmp_path):
    from remontada.data.bundle import load_parquet

    (exported / "goals.parquet").write_bytes(b"PAR1 not really")
    with open_store(tmp_path / "c.duckdb", empty=True) as store, pytest.raises(StoreError, match="goals.parquet"):
        load_parquet(store, exported)


# -- warnings, unexpected errors -------------------------------------------------------------------


def test_a_forecast_far_past_the_last_match_says_so(capsys, tiny_db):
    warning = "the store's last match is 2024-05-22; this forecast for 2027-03-01 uses nothing after it"
    for command in (["match", "--as-of"], ["tie", "--date"], ["live", "--date"]):
        args = [command[0], "Liverpool", "Atalanta", command[1], "2027-03-01", "--db", tiny_db]
        code, out, _ = run(capsys, *args)
        assert code == 0 and warning in " ".join(out.split())
        code, out, _ = run(capsys, *args, "--json")
        payload = json.loads(out)
        assert (payload["now"] if command[0] == "live" else payload)["warnings"] == [warning]
    code, out, _ = run(capsys, "tie", "Liverpool", "Atalanta", "--date", "2024-04-18", "--db", tiny_db, "--json")
    assert json.loads(out)["warnings"] == []


def test_an_unexpected_error_is_one_line_unless_debugging(capsys, monkeypatch, tiny_db):
    def broken(*a: object, **k: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(queries, "status", broken)
    message = failing(capsys, "data", "status", "--db", tiny_db)
    assert "unexpected ZeroDivisionError: division by zero" in message and "REMONTADA_DEBUG=1" in message
    monkeypatch.setenv("REMONTADA_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        cli.main(["data", "status", "--db", str(tiny_db)])


def test_a_disk_error_is_one_line(capsys, monkeypatch, tiny_db):
    def gone(*a: object, **k: object) -> None:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", "/somewhere/x")

    monkeypatch.setattr(queries, "status", gone)
    assert "/somewhere/x: No such file or directory" == failing(capsys, "data", "status", "--db", tiny_db)


def test_a_10_mb_csv_field_is_a_rejected_row(capsys, tmp_path):
    lines = (DATA / "overlap/italy-2019.csv").read_text().splitlines()
    lines[3] = lines[3].replace(",", "," + "x" * 10_000_000 + ",", 1)
    huge = tmp_path / "italy-2019.csv"
    huge.write_text("\n".join(lines) + "\n")
    db = tmp_path / "s.duckdb"
    code, out, message = run(capsys, "data", "import", huge, "--db", db, "--empty", "--json")
    assert code == 0, message
    (report,) = json.loads(out)["files"]
    assert report["status"] == "imported" and report["matches_new"] == 29 and report["rejects"] == 1
    code, out, _ = run(capsys, "data", "rejects", "--db", db, "--json")
    (reject,) = json.loads(out)
    assert reject["line"] == 4 and "field larger than field limit" in reject["reason"]
    assert len(reject["raw"]) < 2000


def test_batch_files_in_utf16_are_read_and_broken_ones_named(capsys, tiny_db, tmp_path):
    batch = tmp_path / "in.csv"
    batch.write_text("date,team_a,team_b,leg1_a,leg1_b\n2024-04-18,Liverpool,Atalanta,0,3\n", encoding="utf-16")
    code, out, _ = run(capsys, "tie", "--batch", batch, "--db", tiny_db)
    assert code == 0 and "p_a" in out
    batch.write_bytes(b"")
    assert f"{batch}: not a CSV file with a header row" in failing(capsys, "tie", "--batch", batch, "--db", tiny_db)
    missing = tmp_path / "gone.csv"
    assert f"{missing}: cannot read it (No such file or directory)" in failing(
        capsys, "match", "--batch", missing, "--db", tiny_db
    )
