"""`remontada data update` against a local mirror of the shared data: a cold update, then a warm one.

The mirror is Python's own http.server (it sends Last-Modified and answers If-Modified-Since
with 304) on 127.0.0.1, serving ../shared/data in each source's layout as this season's
files: the five big leagues' 2025-26 files as football-data.co.uk's mmz4281/<season>/<code>.csv,
openfootball's Champions League 2023-24 as champions-league/<season>/cl.txt, and the
internationals' three files, each with a blank line added (new bytes, the rows the bundled
store already holds: the cold run imports and merges all of them). The store is a fresh
copy of the bundled data. Prints, for each
run, the wall time, the requests sent and what the files did.

    python benchmarks/fetch_update.py --shared ../shared/data
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import io
import json
import os
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from remontada.app import cli
from remontada.data.bundle import open_store
from remontada.data.competitions import season_of

LEAGUES = {"E0": "premier-league", "SP1": "la-liga", "I1": "serie-a", "D1": "bundesliga", "F1": "ligue-1"}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def copy(source: Path, target: Path) -> None:
    """Copy a file with a blank line added: new bytes, the same rows, as the publisher's next version could be."""
    target.write_bytes(source.read_bytes() + b"\n")


def mirror(shared: Path, root: Path) -> None:
    season = season_of(dt.date.today())
    folder = root / "football-data" / "mmz4281" / f"{season[2:4]}{season[5:]}"
    folder.mkdir(parents=True)
    for code, league in LEAGUES.items():
        copy(shared / "football-data" / league / "season-2526.csv", folder / f"{code}.csv")
    cl = root / "openfootball" / "champions-league" / season
    cl.mkdir(parents=True)
    copy(shared / "openfootball" / "2023-24" / "cl.txt", cl / "cl.txt")
    (root / "international").mkdir()
    for name in ("results.csv", "goalscorers.csv", "shootouts.csv"):
        copy(shared / "international" / name, root / "international" / name)


def update(db: Path) -> tuple[float, dict[str, object]]:
    buffer = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(buffer):
        try:
            cli.main(["data", "update", "--db", str(db), "--json"])
        except SystemExit as exc:
            if exc.code:
                raise
    return time.perf_counter() - started, json.loads(buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "mirror"
        mirror(args.shared, root)
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        os.environ["REMONTADA_FOOTBALL_DATA_URL"] = f"{url}/football-data"
        os.environ["REMONTADA_OPENFOOTBALL_URL"] = f"{url}/openfootball"
        os.environ["REMONTADA_INTERNATIONAL_URL"] = f"{url}/international"
        db = Path(tmp) / "store.duckdb"
        open_store(db).close()
        for label in ("cold", "warm"):
            seconds, report = update(db)
            statuses: dict[str, int] = {}
            for f in report["files"]:  # type: ignore[union-attr]
                statuses[f["status"]] = statuses.get(f["status"], 0) + 1
            done = [f["report"] for f in report["files"] if f["report"]]  # type: ignore[union-attr]
            totals = {k: sum(r[k] for r in done) for k in ("matches_new", "matches_merged", "goals", "conflicts")}
            print(f"{label}: {seconds:.2f} s, {report['requests']} requests, files {statuses}, {totals}")
        server.shutdown()


if __name__ == "__main__":
    main()
