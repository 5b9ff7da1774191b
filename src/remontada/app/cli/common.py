"""What every command shares: the app, the consoles, the common options, opening the store, printing tables and JSON."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from remontada.app.plain import plain
from remontada.data.bundle import open_store
from remontada.data.store import Store, check_store_path, default_path
from remontada.errors import DataError

if TYPE_CHECKING:
    from remontada.knockout.forecast import TieForecast

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Forecast football knockout ties.")


out = Console()


err = Console(stderr=True)


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: REMONTADA_DB, else the user data directory).", show_default=False),
]


JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]
BatchOutOption = Annotated[str, typer.Option("--out", help="Where the batch output goes ('-' for stdout).")]
KeepGoingOption = Annotated[bool, typer.Option("--keep-going", help="Forecast the good rows of a bad batch.")]
Leg1Option = Annotated[
    str | None, typer.Option("--leg1", help="First-leg score: 'Liverpool 0-3 Atalanta' or '0-3' (A first).")
]
LiveLeg1Option = Annotated[
    str | None, typer.Option("--leg1", help="First-leg score, 'Liverpool 0-3 Atalanta': the match is leg 2.")
]
CompetitionRulesOption = Annotated[str | None, typer.Option(help="Competition (slug or name), for its rules.")]


def open_db(db: Path | None, *, empty: bool = False, read_only: bool = False) -> Store:
    """Open ``--db`` (or the default store), saying so when it is first built from the bundled data."""
    check_store_path(db or default_path())
    if not Store.exists(db) and not empty:
        err.print(f"creating {db or default_path()} from the bundled data…", style="dim", markup=False)
    return open_store(db, empty=empty, read_only=read_only)


def check_output(path: Path | str | None, option: str) -> None:
    """Refuse an output file that cannot be written, before any work is done.

    ``None`` and ``-`` (stdout) pass. The file's folder must exist and be
    writable; the path must not be a directory.
    """
    if path is None or str(path) == "-":
        return
    target = Path(path)
    if target.is_dir():
        raise DataError(f"{option} {target}: is a directory; give a file name")
    check_folder(target.parent, f"{option} {target}")
    if target.exists() and not os.access(target, os.W_OK):
        raise DataError(f"{option} {target}: the file is not writable")


def check_output_dir(path: Path | None, option: str) -> None:
    """Refuse an output folder that is a file or cannot be created or written, before any work."""
    if path is None:
        return
    if path.exists() and not path.is_dir():
        raise DataError(f"{option} {path}: exists and is not a directory")
    check_folder(path if path.exists() else path.parent, f"{option} {path}")


def check_folder(folder: Path, what: str) -> None:
    """Refuse a folder to write into that is missing or not writable (``what`` names the option)."""
    folder = folder if str(folder) else Path(".")
    if not folder.is_dir():
        raise DataError(f"{what}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DataError(f"{what}: the folder {folder} is not writable")


def emit_json(payload: Any) -> None:
    """Print ``payload`` as indented JSON (dates, numpy and pandas values as plain values)."""
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=plain))


def print_table(frame: pd.DataFrame, title: str, limit: int | None = None) -> None:
    """Print a data frame as a Rich table under ``title`` (its first ``limit`` rows)."""
    table = Table(title=title, header_style="bold")
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    shown = frame if limit is None else frame.head(limit)
    for row in shown.itertuples(index=False):
        table.add_row(*["" if plain(v) is None else str(plain(v)) for v in row])
    out.print(table)
    if limit is not None and len(frame) > limit:
        out.print(f"[dim]… {len(frame) - limit} more rows (use --limit or --json)[/dim]")


TieModelOption = Annotated[
    str, typer.Option("--model", help="Match model: elo (default, the best at ties) or dixon-coles.")
]


def parse_date(text: str | None) -> dt.date | None:
    """A ``YYYY-MM-DD`` option as a date (``None`` stays ``None``); anything else is a bad parameter."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from exc


RulesOption = Annotated[
    str | None,
    typer.Option(
        "--rules",
        help="Rules name (uefa-2021, uefa-away-goals, uefa-replays, two-legged, single-match, cup-replays) "
        "or a name with changes, e.g. 'two-legged,away_goals=yes'. Default: the competition's on the date.",
    ),
]


def print_warnings(warnings: tuple[str, ...]) -> None:
    """A forecast's warnings (e.g. a store far out of date), one yellow line each."""
    for warning in warnings:
        out.print(Text(f"  warning: {warning}", style="yellow"))


def read_batch(path: Path) -> pd.DataFrame:
    """A batch file's rows as text cells; a file that is not CSV text is a clear error naming it."""
    from remontada.data.io.base import decode

    try:
        text = decode(path.read_bytes(), path)
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except OSError as exc:
        raise DataError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: not a CSV file with a header row ({str(exc).strip()})") from exc


def write_csv(frame: pd.DataFrame, out_path: str) -> None:
    """Write a batch's output; with ``--keep-going``, say how many rows failed (exit 1 if all did)."""
    text = frame.to_csv(index=False, float_format="%.6f")
    if out_path == "-":
        typer.echo(text, nl=False)
    else:
        write_atomic(Path(out_path), text)
    failed = int((frame["error"] != "").sum()) if "error" in frame.columns else 0
    if failed:
        err.print(f"{failed} of {len(frame)} rows could not be forecast: see their error column", markup=False)
    if failed and failed == len(frame):
        raise typer.Exit(1)


def write_atomic(path: Path, text: str) -> None:
    """Write a file whole or not at all: a full disk leaves the file as it was, no half file."""
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        raise DataError(f"{path}: cannot write it ({exc.strerror or exc}); the file is as it was") from exc
    finally:
        partial.unlink(missing_ok=True)


def print_tie(f: TieForecast) -> None:
    """A ``YYYY-MM-DD`` option as a date (``None`` stays ``None``), or a clear error."""
    p = f.probabilities
    title = " ".join(x for x in (f.competition, f.season, f.round) if x)
    out.print(f"[bold]{f.team_a} v {f.team_b}[/bold]" + (f"  ({title})" if title else ""))
    if f.rules.legs == 2:
        if f.leg1 is not None:
            when = f" on {f.leg1_date:%d %b %Y}" if f.leg1_date else ""
            out.print(f"  first leg{when}: {f.team_a} {f.leg1[0]}-{f.leg1[1]} {f.team_b}")
        else:
            out.print("  before the first leg: both legs still to play")
        g = f.leg2_grid
        out.print(
            f"  second leg at {f.team_b}: expected goals {f.team_b} {float(g.home_goals_mean):.2f} - "
            f"{float(g.away_goals_mean):.2f} {f.team_a} [dim](playing to the tie; "
            f"{f.rates[0]:.2f} - {f.rates[1]:.2f} in an ordinary match)[/dim]"
        )
    else:
        out.print(f"  one match: expected goals {f.team_a} {f.rates[0]:.2f} - {f.rates[1]:.2f} {f.team_b}")
    source = {"given": "as given", "competition": "the competition's on that date", "assumed": "ASSUMED"}
    out.print(f"  rules: {f.rules.describe()} [dim]({f.rules.name}, {source[f.rules_from]})[/dim]")
    if f.rules_from == "assumed":
        out.print("  [yellow]the store does not know this tie's competition: pass --rules or --competition[/yellow]")
    out.print(f"  as of {f.as_of} ({f.model}, from {' and '.join(f.evidence)}; data strictly before that day)")
    print_warnings(f.warnings)
    if f.prior_only:
        out.print("  [yellow]a side has no matches before this date: its rating is the pool average (prior)[/yellow]")
    table = Table(header_style="bold", title="chance of going through")
    for col in ("", "through", "in 90 minutes", "extra time", "penalties") + (("replay",) if f.rules.replays else ()):
        table.add_column(col, justify="right" if col else "left")
    for name, side in ((f.team_a, "a"), (f.team_b, "b")):
        routes = [getattr(p, f"{side}_{r}") for r in ("90", "extra_time", "penalties")]
        routes += [getattr(p, f"{side}_replay")] if f.rules.replays else []
        table.add_row(name, f"[bold]{getattr(p, 'p_' + side):.1%}[/bold]", *[f"{float(r):.1%}" for r in routes])
    out.print(table)
    extra = f"  extra time {float(p.p_extra_time):.1%}, penalties {float(p.p_penalties):.1%}"
    out.print(extra + (f", replay {float(p.p_replay):.1%}" if f.rules.replays else ""))
    needs = f.needs()
    if needs is not None:
        out.print(
            f"  {needs['side']} need to win the second leg by {needs['to_level']} to level the tie "
            f"({needs['p_to_level']:.1%}), by {needs['to_win']} to go through in 90 minutes ({needs['p_to_win']:.1%})"
            + (" — away goals may settle a level tie" if f.rules.away_goals else "")
        )
    if f.base_rate is not None and f.leg1 is not None:
        b = f.base_rate
        line = f"  precedents: {b.sentence(f.as_of)}"
        if b.rate is not None:
            line += f"  [dim]remontada precedents --deficit {b.deficit} --lost-at {b.lost_at}[/dim]"
        out.print(line)
    cells = f.cells
    if cells is not None:
        size = 6
        grid = Table(
            title=f"second leg: {f.team_b}'s goals down, {f.team_a}'s across",
            caption=f"[green]{f.team_a} through[/green], [red]{f.team_b} through[/red], [yellow]level[/yellow]",
            header_style="bold",
        )
        grid.add_column("")
        for j in range(size):
            grid.add_column(str(j), justify="right")
        colour = {1: "green", -1: "red", 0: "yellow"}
        for i in range(size):
            grid.add_row(
                str(i), *[f"[{colour[int(cells[i, j])]}]{f.leg2_grid.probs[i, j]:.1%}[/]" for j in range(size)]
            )
        out.print(grid)
    out.print(f"  [dim]{f.extra_time.describe()}[/dim]")
    out.print(f"  [dim]{f.shootout.describe()}[/dim]")
    if f.actual is not None:
        leg2 = f.actual["leg2"]
        winner = {"a": f.team_a, "b": f.team_b}.get(f.actual["winner"] or "", "nobody recorded")
        out.print(
            f"  what happened: {f.team_b} {leg2['b']}-{leg2['a']} {f.team_a}; "
            f"{winner} through ({f.actual['decided_by']})"
        )


LiveDateOption = Annotated[str | None, typer.Option("--date", help="The match's date (data strictly before it).")]


"""Set to 1 to see the traceback of an unexpected error instead of its one-line message."""
