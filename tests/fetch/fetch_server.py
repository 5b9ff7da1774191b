"""A local HTTP server for the fetch tests: files in each source's layout, and the ways servers misbehave.

The test modules import the fixtures (``*_fixture``, used under their ``name``).

The server listens on 127.0.0.1 on a free port, in a thread of the test process; no
test touches the real network. ``server.files`` maps a path to the bytes served there
(with an ``ETag`` and ``Last-Modified``, answering a matching conditional request with
304); ``server.faults`` maps a path to a misbehaviour: ``500``, ``404``, ``html`` (an
error page with status 200), ``stall`` (headers, half the body, then silence),
``reset`` (half the body, then a TCP reset), ``truncate`` (half the body, then a clean
close: fewer bytes than ``Content-Length``). ``server.requests`` records every
request's path and headers.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import hashlib
import io
import socket
import struct
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
MODIFIED = email.utils.format_datetime(dt.datetime(2024, 9, 1, 12, 0, tzinfo=dt.UTC), usegmt=True)


class Server:
    """What the test server serves, and what it was asked."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.faults: dict[str, str] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()
        self.url = ""

    def asked(self, path: str) -> list[dict[str, str]]:
        """The headers of every request for ``path``."""
        return [headers for p, headers in self.requests if p == path]


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            path = self.path.lstrip("/")
            server.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
            fault = server.faults.get(path)
            body = server.files.get(path)
            if fault == "500":
                return self._send(500, b"Internal Server Error", "text/plain")
            if fault == "html":
                page = b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>"
                return self._send(200, page, "text/html; charset=utf-8")
            if body is None or fault == "404":
                return self._send(404, b"Not Found", "text/plain")
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return None
            if fault in ("stall", "reset", "truncate"):
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Content-Type", "text/csv")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                if fault == "stall":
                    server.release.wait(30)
                elif fault == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return None
            return self._send(200, body, "text/csv; charset=utf-8", {"ETag": etag, "Last-Modified": MODIFIED})

        def _send(self, status: int, body: bytes, kind: str, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


class _QuietServer(ThreadingHTTPServer):
    """The standard server, minus the traceback it prints to stderr when a client drops a connection.

    The client under test gives up on purpose (timeouts, retries), and the printout
    would land in the stderr a test reads to check that no traceback reaches a user.
    """

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(name="server")
def server_fixture() -> Iterator[Server]:
    """A local server with nothing on it yet."""
    state = Server()
    httpd = _QuietServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(name="silent_port")
def silent_port_fixture() -> Iterator[int]:
    """A port where a socket listens and never answers: connections are accepted by the kernel, then nothing."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


TEAMS = ["Arsenal", "Chelsea", "Liverpool", "Everton", "Fulham", "Brentford"]
FIRST_DAY = dt.date(2024, 8, 17)


def _league_csv(
    *,
    played_weeks: int,
    weeks: int = 10,
    fix: dict[tuple[int, str, str], tuple[int, int]] | None = None,
    only_fixtures: bool = False,
) -> bytes:
    """A hand-made Premier League season in football-data.co.uk's download layout (``E0``, dd/mm/yyyy, prices).

    Every pair meets once in five weeks; weeks from ``played_weeks`` on have no score
    (fixtures), every line has Bet365 and market-average 1X2 prices, and ``fix`` sets
    some scores (by week, home, away). ``only_fixtures`` writes ``fixtures.csv`` instead: the unplayed lines,
    without score columns.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    scores = [] if only_fixtures else ["FTHG", "FTAG", "FTR"]
    writer.writerow(["Div", "Date", "Time", "HomeTeam", "AwayTeam", *scores, "B365H", "B365D", "B365A",
                     "AvgH", "AvgD", "AvgA"])  # fmt: skip
    day = FIRST_DAY
    for week in range(weeks):
        for i, home in enumerate(TEAMS):
            for j, away in enumerate(TEAMS):
                if i == j or (i + j + week) % 5:
                    continue
                played = week < played_weeks
                if only_fixtures and played:
                    continue
                goals = (fix or {}).get((week, home, away), ((i * 7 + week) % 4, (j * 3 + week) % 3))
                score = [str(goals[0]), str(goals[1]), "HDA"[(goals[0] <= goals[1]) + (goals[0] < goals[1])]]
                cells = [] if only_fixtures else score if played else ["", "", ""]
                writer.writerow(["E0", day.strftime("%d/%m/%Y"), "15:00", home, away, *cells,
                                 "2.10", "3.40", "3.60", "2.05", "3.35", "3.50"])  # fmt: skip
        day += dt.timedelta(days=7)
    return out.getvalue().encode()


@pytest.fixture(name="league_csv")
def league_csv_fixture():
    """:func:`_league_csv`, for tests that change the season upstream."""
    return _league_csv


@pytest.fixture(name="sources")
def sources_fixture(server: Server) -> Server:
    """The server with small files of every source, each in its own layout."""
    server.files.update(
        {
            "mmz4281/2425/E0.csv": _league_csv(played_weeks=6),
            "fixtures.csv": _league_csv(played_weeks=6, only_fixtures=True),
            "new/ARG.csv": (DATA / "football-data" / "new" / "ARG.csv").read_bytes(),
            "champions-league/2019-20/cl.txt": (DATA / "openfootball" / "cl-2019-20.txt").read_bytes(),
            "champions-league/2023-24/cl.txt": (DATA / "fixtures" / "cl-fixtures.txt").read_bytes(),
            **{
                name: (DATA / "international" / name).read_bytes()
                for name in ("results.csv", "goalscorers.csv", "shootouts.csv")
            },
        }
    )
    return server
