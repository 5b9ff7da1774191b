"""Whole competitions: ``remontada tournament`` and ``remontada tournament formats``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from remontada.app.cli.common import (
    AsOfAlias,
    CsvOption,
    DbOption,
    JsonOption,
    TieModelOption,
    app,
    check_output,
    emit_json,
    err,
    one_date,
    open_db,
    out,
    print_warnings,
    read_batch,
    write_atomic,
)
from remontada.app.cli.output import Grid, show
from remontada.models import DEFAULT_TIE_MODEL

if TYPE_CHECKING:
    from remontada.tournaments.results import TournamentForecast

tournament_app = typer.Typer(no_args_is_help=False)  # its help is the callback's docstring, examples and all
app.add_typer(tournament_app, name="tournament")

PROGRESS_FROM = 50_000
"""Runs of at least this many simulations show a progress bar."""


@tournament_app.callback(invoke_without_command=True)
def tournament(
    ctx: typer.Context,
    format_: Annotated[
        str | None,
        typer.Option(
            "--format", help="A built-in format (see 'tournament formats') or a .toml file.", show_default=False
        ),
    ] = None,
    fixtures: Annotated[
        Path | None,
        typer.Option(
            "--fixtures",
            help="CSV: date,home,away[,group][,neutral][,home_goals,away_goals][,minute].",
            show_default=False,
        ),
    ] = None,
    competition: Annotated[
        str | None, typer.Option("--competition", help="Or a competition in the store (slug or name).")
    ] = None,
    season: Annotated[
        str | None, typer.Option("--season", help="With --competition: the season, e.g. 2023-24.")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="Forecast with matches strictly before this day (default: the first match still to play).",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfAlias = None,
    sims: Annotated[int, typer.Option("--sims", min=1, max=10_000_000, help="Simulations.")] = 100_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed: the same seed, the same answer.")] = 0,
    condition: Annotated[
        list[str] | None,
        typer.Option("--if", help="Force a result: 'Liverpool beat Atalanta', 'A draw with B', 'A 2-1 B'. Repeat."),
    ] = None,
    model: TieModelOption = DEFAULT_TIE_MODEL,
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Write one row per team to this CSV.", show_default=False)
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="'processes' or a Dask scheduler address (default: one core).", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print the stage table as CSV (as --out writes it).")] = False,
) -> None:
    """Every team's chance of every stage of a competition (groups, league, bracket), with its Monte Carlo error.

    Give a format and a fixtures file (played rows have goals; the rest are simulated), or
    a competition and season from the store (a league, a group stage whose groups the store
    knows, a past World Cup or EURO, or a club cup's knockout rounds; --format names the
    format when the store cannot tell).

    Example: remontada tournament --competition uefa-el --season 2023-24 --date 2024-04-18

    Example: remontada tournament --competition uefa-el --season 2023-24 --if "Liverpool beat Atalanta"

    Example: remontada tournament --competition "FIFA World Cup" --season 2022 --date 2022-12-03

    Example: remontada tournament --format euro-24 --fixtures euro.csv --date 2024-06-14
    """
    if ctx.invoked_subcommand is not None:
        return
    if (fixtures is None) == (competition is None and season is None) or (fixtures is not None and format_ is None):
        raise typer.BadParameter(
            "give --format and --fixtures, or --competition and --season (see 'remontada tournament --help')"
        )
    if fixtures is None and (competition is None or season is None):
        raise typer.BadParameter("--competition needs --season, e.g. --season 2023-24")
    check_output(out_path, "--out")
    day = one_date(date, as_of)
    from remontada.tournaments.forecast import TournamentForecaster
    from remontada.tournaments.formats import load_format

    chosen = load_format(format_) if format_ is not None else None  # a bad format fails before the store opens
    rows = read_batch(fixtures) if fixtures is not None else None
    store = open_db(db, read_only=True)
    forecaster = TournamentForecaster(store, model)
    from remontada.models.inplay.kernels import results_kept_in

    # asked again, the in-play chains behind each pair's chance of going through are read back
    with _progress(sims, json_ or csv_out) as on_done, results_kept_in(forecaster.forecaster.cache):
        if rows is not None and chosen is not None:
            result = forecaster.forecast(
                chosen, rows, as_of=day, sims=sims, seed=seed, conditions=condition or (),
                scheduler=scheduler or "inline", on_done=on_done, source=str(fixtures),
            )  # fmt: skip
        else:
            assert competition is not None and season is not None
            result = forecaster.competition(
                competition, season, fmt=chosen, as_of=day, sims=sims, seed=seed, conditions=condition or (),
                scheduler=scheduler or "inline", on_done=on_done,
            )  # fmt: skip
    if out_path is not None:
        write_atomic(out_path, result.table().to_csv(index=False, float_format="%.6f"))
    if json_:
        emit_json(result.as_dict())
        return
    if csv_out:
        typer.echo(result.table().to_csv(index=False, float_format="%.6f"), nl=False)
        return
    _print(result)


@tournament_app.command("formats")
def formats(json_: JsonOption = False, csv_out: CsvOption = False) -> None:
    """The built-in competition formats: their teams, stages and sources.

    Example: remontada tournament formats
    """
    from remontada.tournaments.formats import builtin_formats

    known = builtin_formats()
    if json_:
        emit_json([{"name": f.name, "title": f.title, "teams": f.teams, "stages": list(f.stages), "source": f.source}
                   for f in known.values()])  # fmt: skip
        return
    table = Grid(("name", "teams", "stages", "title"), "Built-in formats (--format NAME, or a .toml file of your own)")
    for f in known.values():
        table.add(f.name, str(f.teams or ""), ", ".join(f.stages), f.title)
    show(out, table, csv_out=csv_out)


@contextmanager
def _progress(sims: int, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long runs (``None``: no callback for short ones)."""
    if sims < PROGRESS_FROM or quiet:
        yield None
        return
    columns = (TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("chunks", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _print(f: TournamentForecast) -> None:
    """The stage table, the likeliest opponents of the favourites, and the matches that matter most."""
    title = f"{f.title} — as of {f.as_of} ({f.sims:,} simulations, seed {f.seed}, model {f.model})"
    frame = f.table()
    columns = list(f.stages) + (["expected_points"] + [z[0] for z in f.zones] if f.league else [])
    names = [col.replace("_", " ") for col in columns]
    table = Grid(["team", *names], title, right=frozenset(names))
    worst = 0.0
    for _, row in frame.iterrows():
        cells = []
        for col in columns:
            value = float(row[col])
            if col == "expected_points":
                cells.append(f"{value:.1f}")
            else:
                cells.append(_percent(value))
                worst = max(worst, float(row.get(f"{col}_se", 0.0)))
        table.add(str(row["team"]), *cells)
    show(out, table)
    out.print(Text(f"  Monte Carlo error: at most ±{100 * 1.96 * worst:.2f} points (95%)", style="dim"))
    for text in f.conditions:
        out.print(Text(f"  if {text}", style="bold"))
    if f.rounds:
        for team in frame["team"].head(3):
            met = f.opponents(str(team))
            if met:
                likeliest = ", ".join(f"{name} {_percent(p)}" for name, p in met[:4])
                out.print(Text(f"  if {team} go through, next: {likeliest}"))
    mattering = [m for m in f.importance if m.swing > 0]  # a result that moves no one's chance is left out
    if mattering:
        out.print(Text("  matches that matter most:", style="bold"))
        for m in mattering[:5]:
            # the side whose chance the result moves more, its own win / draw / loss first
            home_moves = max(m.home_p) - min(m.home_p) >= max(m.away_p) - min(m.away_p)
            side, (win, draw, loss) = (m.home, m.home_p) if home_moves else (m.away, m.away_p[::-1])
            stage = m.stage.replace("_", " ")
            chances = f"{_percent(win)} / {_percent(draw)} / {_percent(loss)}"
            out.print(Text(f"    {m.home} v {m.away}: {side}'s chance of {stage} {chances} (win / draw / lose)"))
    if f.lots_share > 0:
        share = _percent(f.lots_share)
        out.print(Text(f"  a drawing of lots ({f.lots_stand_for}) was needed in {share} of simulations", style="dim"))
    print_warnings(f.warnings)


def _percent(p: float) -> str:
    if p == 0:
        return "–"
    if p < 0.001:
        return "<0.1%"
    if p > 0.999 and p < 1:
        return ">99.9%"
    return f"{100 * p:.1f}%"


__all__ = ["tournament_app"]
