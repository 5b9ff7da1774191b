"""The web app and the printable briefing: ``remontada serve`` and ``remontada brief``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from remontada.app.cli.common import (
    CompetitionRulesOption,
    DbOption,
    JsonOption,
    Leg1Option,
    LiveDateOption,
    RulesOption,
    TieModelOption,
    app,
    check_output,
    emit_json,
    err,
    open_db,
    out,
    parse_date,
)
from remontada.app.cli.output import Grid, show
from remontada.data.store import check_store_path, default_path
from remontada.errors import DataError
from remontada.models import DEFAULT_TIE_MODEL

if TYPE_CHECKING:
    from remontada.app.briefing import Briefing


@app.command()
def brief(
    team_a: Annotated[str, typer.Argument(help="The side at home in the first leg.", show_default=False)],
    team_b: Annotated[str, typer.Argument(help="The side at home in the second leg.", show_default=False)],
    leg1: Leg1Option = None,
    date: LiveDateOption = None,
    rules: RulesOption = None,
    competition: CompetitionRulesOption = None,
    html_path: Annotated[
        Path | None, typer.Option("--html", help="Write the briefing as one printable HTML page to this file.")
    ] = None,
    model: TieModelOption = DEFAULT_TIE_MODEL,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The pre-match briefing: the comeback's chance, the result needed, precedents, early goals, what-ifs.

    Example: remontada brief Liverpool Atalanta --date 2024-04-18 --html bergamo.html
    """
    from remontada.app.briefing import build_briefing
    from remontada.live.forecast import LiveForecaster

    check_output(html_path, "--html")
    with open_db(db, read_only=True) as store:
        briefing = build_briefing(
            LiveForecaster(store, model), team_a, team_b, leg1=leg1, date=parse_date(date), rules=rules,
            competition=competition,
        )  # fmt: skip
    if html_path is not None:
        try:
            html_path.write_text(briefing.to_html(), encoding="utf-8")
        except OSError as exc:
            raise DataError(f"--html {html_path}: cannot write it ({exc.strerror})") from exc
        err.print(f"[dim]wrote {html_path}[/dim]")
    if as_json:
        emit_json(briefing.as_dict())
        return
    _print_briefing(briefing)


def _print_briefing(b: Briefing) -> None:
    out.print(b.title(), style="bold", markup=False, highlight=False)
    out.print(b.headline(), style="bold", markup=False, highlight=False)
    for section in b.sections():
        out.print()
        out.print(section.title, style="bold underline", markup=False, highlight=False)
        for line in section.lines:
            out.print(f"  {line}", markup=False, highlight=False)
        if section.rows:
            right = [col for i, col in enumerate(section.columns) if i and section.rows[0][i][:1].isdigit()]
            table = Grid(section.columns, right=frozenset(right))
            for row in section.rows:
                table.add(*row)
            show(out, table)
        for note in section.notes:
            out.print(f"  {note}", style="dim", markup=False, highlight=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (only this machine by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOption = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="Another host name clients reach the server by (repeatable); 127.0.0.1, localhost, [::1] and "
            "--host always work, any other Host header gets a 400.",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes: distinct forecasts are worked out on every core.")
    ] = 1,
) -> None:
    """Run the web app (pages, and the JSON API documented at /docs) with uvicorn.

    Example: remontada serve --port 8080
    """
    import uvicorn  # the web stack loads only for this command

    from remontada.app.web import create_app
    from remontada.app.web.app import HOSTS_VARIABLE
    from remontada.data.bundle import open_store

    hosts = [f"[{host}]" if ":" in host else host, *(allowed_host or [])]  # an IPv6 address is [bracketed] in Host
    check_store_path(db or default_path())
    if not (db or default_path()).exists():
        err.print(f"creating {db or default_path()} from the bundled data…", style="dim", markup=False)
    err.print(f"remontada on http://{hosts[0]}:{port}/  (API docs: http://{hosts[0]}:{port}/docs)")
    if workers == 1:
        uvicorn.run(create_app(db, allowed_hosts=hosts), host=host, port=port)
        return
    # Workers are new processes that import the app by name and read their settings from the
    # environment. The store is created (and checked) here, once, before any of them opens it.
    path = db if db is not None else default_path()
    if not path.exists():
        open_store(path).close()
    open_store(path, read_only=True).close()
    os.environ["REMONTADA_DB"] = str(path)
    os.environ[HOSTS_VARIABLE] = ",".join(hosts)
    uvicorn.run("remontada.app.web.app:from_environment", factory=True, host=host, port=port, workers=workers)
