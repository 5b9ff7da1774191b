"""The ``remontada`` command line: a thin layer over the library.

Every command takes ``--db PATH`` (default: ``REMONTADA_DB``, else the user's data
directory; a path that does not exist yet is created from the bundled data) and
``--json`` for machine-readable output. Errors the library raises on purpose, and
errors of the disk (a full disk, a missing folder), are printed as one clear line
and exit with status 1; anything else is a bug, reported in one line too (the
traceback only with ``REMONTADA_DEBUG=1``).

One module per command group (data and its fetch, matches, ties, live, backtests, serve, demo); what they
share is in ``common``.
"""

from __future__ import annotations

import os
import sys

import duckdb
from rich.text import Text

from remontada.errors import RemontadaError

# Each command group registers its commands as it is imported, in the order `remontada --help` lists them.
# isort: off
from remontada.app.cli import data  # noqa: F401
from remontada.app.cli import fetch  # noqa: F401
from remontada.app.cli import matches  # noqa: F401
from remontada.app.cli import ties  # noqa: F401
from remontada.app.cli import live  # noqa: F401
from remontada.app.cli import tournaments  # noqa: F401
from remontada.app.cli import serve  # noqa: F401
from remontada.app.cli import backtests  # noqa: F401
from remontada.app.cli import demo  # noqa: F401

# isort: on
from remontada.app.cli import common
from remontada.app.cli.common import app, err

DEBUG_ENV = "REMONTADA_DEBUG"


def main(argv: list[str] | None = None, prog_name: str | None = None) -> None:
    """Entry point: run the app; no error leaves it as a traceback.

    remontada's own errors, errors of the disk (``OSError``: a full disk, a missing
    or read-only folder) and of the store's database become one line and exit
    status 1. Anything else is a bug: one line saying so and how to report it, exit
    status 1, and the traceback only with ``-v`` or ``REMONTADA_DEBUG=1``.
    """
    try:
        app(args=argv, prog_name=prog_name)
    except RemontadaError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(_os_message(exc))
    except duckdb.Error as exc:
        _fail(f"the store could not be read or written (damaged or truncated?): {str(exc).strip().splitlines()[0]}")
    except Exception as exc:
        if common.VERBOSE or os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            raise
        _fail(
            f"unexpected {type(exc).__name__}: {exc}. This is a bug in remontada: please report it with the "
            f"command you ran (run it again as `remontada -v ...`, or with {DEBUG_ENV}=1, to see the traceback)"
        )


def _os_message(exc: OSError) -> str:
    """An OSError as ``file: reason`` (e.g. ``out/x.csv: No space left on device``)."""
    reason = exc.strerror or str(exc)
    return f"{exc.filename}: {reason}" if exc.filename else reason


def _fail(message: str) -> None:
    err.quiet = False  # -q silences notes, never the error
    err.print(Text("error: ", style="bold red") + Text(message))
    sys.exit(1)


__all__ = ["app", "main"]
