"""Bringing the store up to date from the sources online: ``remontada data fetch`` and ``data update``."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from remontada.app.cli.common import DbOption, JsonOption, emit_json, err, open_db, out, print_table
from remontada.app.cli.data import EmptyOption, data_app
from remontada.errors import FetchError

if TYPE_CHECKING:
    from remontada.data.fetch import FileFetch, RemoteFile
    from remontada.data.store import Store

OfflineOption = Annotated[
    bool,
    typer.Option("--offline", help="Import the copies fetched before (in the cache beside the store); no network."),
]


@data_app.command("fetch")
def data_fetch(
    source: Annotated[str, typer.Argument(help="football-data, openfootball or international.", show_default=False)],
    league: Annotated[
        list[str] | None,
        typer.Option(
            "--league",
            help="football-data: a league code (E0, SP1, ..., an extra league such as ARG, or 'fixtures' for "
            "fixtures.csv); openfootball: a competition (uefa-cl, eng-1, ...). Repeat for several.",
        ),
    ] = None,
    competition: Annotated[
        str | None,
        typer.Option(help="openfootball: the competition to fetch; football-data: the competition its files are."),
    ] = None,
    season: Annotated[
        list[str] | None, typer.Option("--season", help="Season, e.g. 2024-25 (default: the current one). Repeat.")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="A mirror's root URL, in the source's own layout.")
    ] = None,
    offline: OfflineOption = False,
    db: DbOption = None,
    empty: EmptyOption = False,
    as_json: JsonOption = False,
) -> None:
    """Download a source's files (only those that changed) and import them.

    Example: remontada data fetch football-data --league E0 --league fixtures

    Example: remontada data fetch openfootball --competition uefa-cl --season 2024-25
    """
    from remontada.data.fetch import source_named

    found = source_named(source)
    found.base(base_url)  # a bad --base-url or environment variable is refused before the store is opened
    files = found.files(leagues=league or (), competition=competition, seasons=season or ())
    with open_db(db, empty=empty) as store:
        outcomes, requests, seconds = _run(store, files, base_url=base_url, offline=offline, quiet=as_json)
    _report(outcomes, requests, seconds, as_json)
    problems = [o for o in outcomes if o.status in ("failed", "not published")]
    if problems:
        lines = "".join(f"\n  {o.error}" for o in problems)
        raise FetchError(
            f"{len(problems)} of {len(outcomes)} files could not be fetched (the store holds nothing of them):{lines}"
        )


@data_app.command("update")
def data_update(offline: OfflineOption = False, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Fetch every season the store follows that is not over, and this season of each competition it holds.

    Example: remontada data update
    """
    from remontada.data.fetch import followed

    with open_db(db) as store:
        files = followed(store, fetched_only=offline)
        outcomes, requests, seconds = _run(store, files, offline=offline, quiet=as_json, use_recorded=True)
    _report(outcomes, requests, seconds, as_json, notes=True)
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        lines = "".join(f"\n  {o.error}" for o in failed)
        raise FetchError(
            f"{len(failed)} of {len(outcomes)} files could not be fetched (the store holds nothing of them):{lines}"
        )


def _run(
    store: Store,
    files: list[RemoteFile],
    *,
    base_url: str | None = None,
    offline: bool,
    quiet: bool,
    use_recorded: bool = False,
) -> tuple[list[FileFetch], int, float]:
    """Fetch ``files`` with a progress bar per file; return the outcomes, the requests sent and the seconds taken."""
    from remontada.data.fetch import fetch_files
    from remontada.data.fetch.http import Downloader

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=err,
        transient=True,
        disable=quiet,
    )

    def on_file(file: RemoteFile, url: str) -> Callable[[int, int | None], None]:
        task = progress.add_task(f"{file.source} {file.path}", total=None)

        def advance(received: int, total: int | None) -> None:
            progress.update(task, completed=received, total=total)

        return advance

    started = time.monotonic()
    with Downloader() as client, progress:
        outcomes = fetch_files(
            store, files, base_url=base_url, offline=offline, downloader=client, on_file=on_file,
            use_recorded=use_recorded,
        )  # fmt: skip
    return outcomes, client.requests, time.monotonic() - started


def _report(outcomes: list[FileFetch], requests: int, seconds: float, as_json: bool, *, notes: bool = False) -> None:
    """What each file's fetch did, and the totals; ``notes`` adds the seasons not published yet (not errors then)."""
    if as_json:
        emit_json({"requests": requests, "seconds": round(seconds, 3), "files": [o.as_dict() for o in outcomes]})
        return
    rows = []
    for o in outcomes:
        r = o.report
        rows.append(
            {
                "file": f"{o.source} {o.path}",
                "status": o.status,
                "new": r.matches_new if r else 0,
                "merged": r.matches_merged if r else 0,
                "fixtures": r.fixtures_new if r else 0,
                "played": r.fixtures_played if r else 0,
                "conflicts": r.conflicts if r else 0,
                "rejects": r.rejects if r else 0,
            }
        )
    if rows:
        print_table(pd.DataFrame(rows), "fetched")
    changed = sum(o.status in ("imported", "offline") for o in outcomes)
    out.print(f"{len(outcomes)} file(s), {changed} changed and imported; {requests} request(s) in {seconds:.1f} s")
    for o in outcomes if notes else ():
        if o.status == "not published":
            out.print(f"[dim]{o.error}[/dim]")
