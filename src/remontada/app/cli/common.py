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
from rich.text import Text
from typer.core import TyperOption

from remontada._version import __version__
from remontada.app.cli.output import Grid, show
from remontada.app.plain import plain
from remontada.data.bundle import open_store
from remontada.data.store import Store, check_store_path, default_path
from remontada.errors import DataError

if TYPE_CHECKING:
    from remontada.knockout.forecast import TieForecast


def _flag_type(self: TyperOption, ctx: Any) -> str | None:
    """What the help shows after an option's name: nothing for a flag (Typer would print ``<bool>``)."""
    return None if self.is_flag and not self.count else _option_type(self, ctx)


_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]

app = typer.Typer(
    no_args_is_help=True,
    help="Forecast football knockout ties: who goes through, before the tie, between the legs and minute by "
    "minute.\n\nExample: remontada tie Liverpool Atalanta --date 2024-04-18",
    context_settings={"help_option_names": ["-h", "--help"]},
)


out = Console()


err = Console(stderr=True)
"""Notes, progress bars and reports of what a command wrote (``-q`` silences them; errors always show)."""

VERBOSE = False
"""Set by ``-v``: an unexpected error shows its traceback (as with ``REMONTADA_DEBUG=1``)."""


def _version(shown: bool) -> None:
    if shown:
        typer.echo(f"remontada {__version__}")
        raise typer.Exit


@app.callback()
def _everywhere(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="More detail: the traceback of an unexpected error.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="Results only: no notes or progress bars on stderr.")
    ] = False,
) -> None:
    """The options every command takes before its name (``remontada -q tie ...``)."""
    global VERBOSE
    VERBOSE = verbose
    err.quiet = quiet and not verbose
    for console in (out, err):
        console.soft_wrap = not console.is_terminal  # piped, a line stays one line (a terminal wraps at its width)


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


CsvOption = Annotated[bool, typer.Option("--csv", help="Print the table as CSV (every row), for a spreadsheet.")]


def print_table(frame: pd.DataFrame, title: str, limit: int | None = None, *, csv_out: bool = False) -> None:
    """Print a data frame as a table under ``title`` (its first ``limit`` rows; every row as CSV)."""
    show(out, Grid.of(frame, title, None if csv_out else limit), csv_out=csv_out)
    if limit is not None and len(frame) > limit and not csv_out:
        err.print(f"… {len(frame) - limit} more rows (use --limit, --csv or --json)", style="dim", markup=False)


TieModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        help="Match model: elo+dixon-coles (default, the best at ties: the two averaged), elo or dixon-coles.",
    ),
]


def choose(value: str, option: str, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``, else a bad parameter that lists them (before any work is done)."""
    if value not in choices:
        raise typer.BadParameter(f"{option} {value!r}: choose {', '.join(choices)}")
    return value


def parse_date(text: str | None) -> dt.date | None:
    """A ``YYYY-MM-DD`` option as a date (``None`` stays ``None``); anything else is a bad parameter."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from exc


DateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar="YYYY-MM-DD",
        help="Forecast with data strictly before this day (default: the day after the store's last match).",
        show_default=False,
    ),
]
AsOfAlias = Annotated[str | None, typer.Option("--as-of", hidden=True, help="Old name of --date.")]
BeforeAlias = Annotated[str | None, typer.Option("--before", hidden=True, help="Old name of --date.")]


def one_date(date: str | None, alias: str | None, name: str = "--as-of") -> dt.date | None:
    """The day of ``--date`` or of its old name (``--as-of``, ``--before``): one date flag on every command."""
    if date is not None and alias is not None and date != alias:
        raise typer.BadParameter(f"--date {date} and {name} {alias} disagree: give --date only")
    return parse_date(date if date is not None else alias)


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
    where = "stdout" if out_path == "-" else out_path
    err.print(f"wrote {len(frame) - failed} forecasts ({len(frame)} rows) to {where}", style="dim", markup=False)
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


def tie_grid(f: TieForecast) -> Grid:
    """Each side's chance of going through, in all and by route."""
    p = f.probabilities
    columns = ("", "through", "in 90 minutes", "extra time", "penalties") + (("replay",) if f.rules.replays else ())
    table = Grid(columns, "chance of going through", right=frozenset(columns[1:]))
    for name, side in ((f.team_a, "a"), (f.team_b, "b")):
        routes = [getattr(p, f"{side}_{r}") for r in ("90", "extra_time", "penalties")]
        routes += [getattr(p, f"{side}_replay")] if f.rules.replays else []
        table.add(name, Text(f"{getattr(p, 'p_' + side):.1%}", style="bold"), *[f"{float(r):.1%}" for r in routes])
    return table


def print_tie(f: TieForecast) -> None:
    """A tie's card: the chances by route, what the trailing side needs, precedents, the grid, what happened."""
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
        ground = " on neutral ground" * f.neutral
        out.print(f"  one match{ground}: expected goals {f.team_a} {f.rates[0]:.2f} - {f.rates[1]:.2f} {f.team_b}")
    source = {"given": "as given", "competition": "the competition's on that date", "assumed": "ASSUMED"}
    out.print(f"  rules: {f.rules.describe()} [dim]({f.rules.name}, {source[f.rules_from]})[/dim]")
    if f.rules_from == "assumed":
        out.print("  [yellow]the store does not know this tie's competition: pass --rules or --competition[/yellow]")
    out.print(f"  as of {f.as_of} ({f.model}, from {' and '.join(f.evidence)}; data strictly before that day)")
    print_warnings(f.warnings)
    if f.prior_only:
        out.print("  [yellow]a side has no matches before this date: its rating is the pool average (prior)[/yellow]")
    show(out, tie_grid(f))
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
            scope = f" --scope {b.scope}" if b.scope else ""
            line += f"  [dim]remontada precedents --deficit {b.deficit} --lost-at {b.lost_at}{scope}[/dim]"
        out.print(line)
    cells = f.cells
    if cells is not None:
        size = 6
        grid = Grid(
            ["", *map(str, range(size))],
            f"second leg: {f.team_b}'s goals down, {f.team_a}'s across",
            f"A: {f.team_a} through, B: {f.team_b} through, =: level on aggregate",
            right=frozenset(map(str, range(size))),
        )
        mark = {1: ("A", "green"), -1: ("B", "red"), 0: ("=", "yellow")}  # a letter as well: no colour is needed
        for i in range(size):
            marks = [mark[int(cells[i, j])] for j in range(size)]
            grid.add(str(i), *[Text(f"{f.leg2_grid.probs[i, j]:.1%} {m}", style=c) for j, (m, c) in enumerate(marks)])
        show(out, grid)
    out.print(f"  [dim]{f.extra_time.describe()}[/dim]")
    out.print(f"  [dim]{f.shootout.describe()}[/dim]")
    if f.actual is not None:
        leg2 = f.actual["leg2"]
        winner = {"a": f.team_a, "b": f.team_b}.get(f.actual["winner"] or "", "nobody recorded")
        score = f.actual.get("score") or f"{f.team_b} {leg2['b']}-{leg2['a']} {f.team_a}"
        out.print(f"  what happened: {score}; {winner} through ({f.actual['decided_by']})", markup=False)


LiveDateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar="YYYY-MM-DD",
        help="The match's date: data strictly before it (default: the day after the store's last match).",
        show_default=False,
    ),
]
