"""The ``remontada`` command line: a thin layer over the library.

Every command takes ``--db PATH`` (default: ``REMONTADA_DB``, else the user's data
directory; a path that does not exist yet is created from the bundled data) and
``--json`` for machine-readable output. Errors the library raises on purpose, and
errors of the disk (a full disk, a missing folder), are printed as one clear line
and exit with status 1; anything else is a bug, reported in one line too (the
traceback only with ``REMONTADA_DEBUG=1``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import duckdb
import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from remontada.app.briefing import Briefing, build_briefing
from remontada.app.plain import plain, records
from remontada.data import queries
from remontada.data.bundle import check_export_dir, export_parquet, load_parquet, open_store
from remontada.data.ingest import ImportReport, import_file, import_paths, order_for_import
from remontada.data.io.base import decode
from remontada.data.links import link_teams, links, plan_link, unlink
from remontada.data.store import Store, check_store_path, default_path
from remontada.errors import DataError, RemontadaError
from remontada.evaluation import parallel
from remontada.evaluation.backtest import (
    MARKET,
    Backtest,
    BacktestInputs,
    BacktestSpec,
    load_backtest,
    parse_candidate,
    save_predictions,
    walk_backtest,
)
from remontada.knockout.forecast import TieForecast, TieForecaster
from remontada.knockout.precedents import base_rates, precedents
from remontada.live.forecast import Curve, LiveForecast, LiveForecaster, parse_events, parse_what_if
from remontada.models import DEFAULT_MODEL, DEFAULT_TIE_MODEL
from remontada.models.forecast import Forecaster, MatchForecast, team_ratings

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Forecast football knockout ties.")
data_app = typer.Typer(no_args_is_help=True, help="Import, inspect and export the match store.")
app.add_typer(data_app, name="data")

out = Console()
err = Console(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: REMONTADA_DB, else the user data directory).", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]
EmptyOption = Annotated[bool, typer.Option("--empty", help="Create a new store empty, not from the bundled data.")]


def _open(db: Path | None, *, empty: bool = False, read_only: bool = False) -> Store:
    """Open ``--db`` (or the default store), saying so when it is first built from the bundled data."""
    check_store_path(db or default_path())
    if not Store.exists(db) and not empty:
        err.print(f"creating {db or default_path()} from the bundled data…", style="dim", markup=False)
    return open_store(db, empty=empty, read_only=read_only)


def _check_output(path: Path | str | None, option: str) -> None:
    """Refuse an output file that cannot be written, before any work is done.

    ``None`` and ``-`` (stdout) pass. The file's folder must exist and be
    writable; the path must not be a directory.
    """
    if path is None or str(path) == "-":
        return
    target = Path(path)
    if target.is_dir():
        raise DataError(f"{option} {target}: is a directory; give a file name")
    _check_folder(target.parent, f"{option} {target}")
    if target.exists() and not os.access(target, os.W_OK):
        raise DataError(f"{option} {target}: the file is not writable")


def _check_output_dir(path: Path | None, option: str) -> None:
    """Refuse an output folder that is a file or cannot be created or written, before any work."""
    if path is None:
        return
    if path.exists() and not path.is_dir():
        raise DataError(f"{option} {path}: exists and is not a directory")
    _check_folder(path if path.exists() else path.parent, f"{option} {path}")


def _check_folder(folder: Path, what: str) -> None:
    """Refuse a folder to write into that is missing or not writable (``what`` names the option)."""
    folder = folder if str(folder) else Path(".")
    if not folder.is_dir():
        raise DataError(f"{what}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DataError(f"{what}: the folder {folder} is not writable")


def _emit_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=plain))


def _table(frame: pd.DataFrame, title: str, limit: int | None = None) -> None:
    table = Table(title=title, header_style="bold")
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    shown = frame if limit is None else frame.head(limit)
    for row in shown.itertuples(index=False):
        table.add_row(*["" if plain(v) is None else str(plain(v)) for v in row])
    out.print(table)
    if limit is not None and len(frame) > limit:
        out.print(f"[dim]… {len(frame) - limit} more rows (use --limit or --json)[/dim]")


@data_app.command("import")
def data_import(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to import.", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", help="Source format, or 'auto' to detect it.")] = "auto",
    db: DbOption = None,
    empty: EmptyOption = False,
    as_json: JsonOption = False,
) -> None:
    """Import files (football-data, openfootball, engsoccerdata, internationals, or a parquet export)."""
    exports = [p for p in paths if p.is_dir() and (p / "manifest.json").is_file()]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise DataError(f"no such file or folder: {', '.join(map(str, missing))}")
    with _open(db, empty=empty or bool(exports)) as store:
        loaded = {str(p): load_parquet(store, p) for p in exports}
        files = order_for_import([p for p in paths if p not in exports])
        reports: list[ImportReport] = []
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=as_json,
        )
        with progress:
            task = progress.add_task("importing", total=len(files))

            def step(path: Path, report: ImportReport) -> None:
                progress.update(task, advance=1, description=f"importing {path.name}")

            reports = import_paths(store, files, fmt=fmt, on_file=step)
    failed = [r for r in reports if r.status == "failed"]
    if as_json:
        _emit_json({"exports_loaded": loaded, "files": [r.as_dict() for r in reports]})
    else:
        _print_imports(loaded, reports)
    if failed:
        imported = ", the others were imported" if len(failed) < len(reports) else ""
        lines = "".join(f"\n  {r.path}: {r.error}" for r in failed)
        raise DataError(f"{len(failed)} of {len(reports)} files could not be imported{imported}:{lines}")


def _print_imports(loaded: dict[str, dict[str, int]], reports: list[ImportReport]) -> None:
    """The outcome of every file of a `data import` (the failed ones' reasons follow as the error)."""
    for path, counts in loaded.items():
        out.print(f"loaded export {path}: {counts.get('matches', 0)} matches")
    if reports:
        frame = pd.DataFrame([r.as_dict() for r in reports])
        cols = ["path", "format", "status", "matches_new", "matches_merged", "ties_new", "goals", "odds"]
        _table(frame[cols + ["teams_new", "rejects", "conflicts", "unresolved"]], "import")
        totals = frame[["matches_new", "matches_merged", "rejects", "conflicts", "unresolved"]].sum()
        out.print(
            f"{int(totals['matches_new'])} new matches, {int(totals['matches_merged'])} merged with stored ones, "
            f"{int(totals['rejects'])} rows rejected (see `remontada data rejects`), "
            f"{int(totals['conflicts'])} conflicts, {int(totals['unresolved'])} names to review "
            "(`remontada data unresolved`)."
        )


@data_app.command("status")
def data_status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Per competition and season: matches, ties, date range; and the rejects per file."""
    with _open(db, read_only=True) as store:
        frame = queries.status(store)
        per_file = store.df("SELECT source_file, count(*) AS rejects FROM rejects GROUP BY ALL ORDER BY 1")
        totals = {t: store.count(t) for t in ("matches", "ties", "teams", "goals", "odds", "rejects", "conflicts")}
    if as_json:
        _emit_json({"totals": totals, "competitions": records(frame), "rejects_per_file": records(per_file)})
        return
    _table(frame, "matches and ties per competition and season")
    if len(per_file):
        _table(per_file, "rejected rows per file")
    out.print(", ".join(f"{v} {k}" for k, v in totals.items()))


@data_app.command("unresolved")
def data_unresolved(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Names imported as new teams that look like existing ones: review and add aliases."""
    with _open(db) as store:
        frame = queries.unresolved(store)
    if as_json:
        _emit_json(records(frame))
        return
    if frame.empty:
        out.print("every name was resolved with confidence")
        return
    _table(frame, "names to review (created as new teams)")


@data_app.command("link")
def data_link(
    duplicate: Annotated[str, typer.Argument(help="The name imported as a team of its own.")],
    team: Annotated[str, typer.Argument(help="The team it really is ('Name (ENG)' pins the country).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Link without asking for confirmation.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make two teams one: everything of DUPLICATE moves to TEAM (see `data unresolved`; undo: `data unlink`)."""
    with _open(db) as store:
        plan = plan_link(store, duplicate, team)
        if not yes:
            _confirm(f"Link {plan.merged} into {plan.kept}, moving its {plan.matches} matches?")
        report = link_teams(store, duplicate, team)
    if as_json:
        _emit_json(report.__dict__)
        return
    out.print(
        f"{report.merged} is now {report.kept}: {report.matches_moved} matches moved, "
        f"{report.matches_merged} merged with matches already stored, {report.conflicts} conflicts recorded"
        f" (link {report.link_id}; undo with `remontada data unlink {report.link_id}`)"
    )


def _interactive() -> bool:
    """Whether a person can be asked: stdin is a terminal."""
    return sys.stdin is not None and sys.stdin.isatty()


def _confirm(question: str) -> None:
    """Ask ``question``; refuse (nothing changed) when no one can answer or the answer is no."""
    if not _interactive():
        raise DataError(f"{question} No terminal to ask on: pass --yes to confirm. Nothing was changed.")
    if not typer.confirm(question, default=False):
        err.print("nothing was changed")
        raise typer.Exit(1)


@data_app.command("unlink")
def data_unlink(
    link: Annotated[str, typer.Argument(help="A link id from `data links`, or the name that was linked.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Undo a `data link`: the two teams and their matches come back exactly as they were."""
    with _open(db) as store:
        report = unlink(store, link)
    if as_json:
        _emit_json(report.__dict__)
        return
    out.print(f"link {report.link_id} undone: {report.restored} is again a team of its own, apart from {report.team}")


@data_app.command("links")
def data_links(
    team: Annotated[str | None, typer.Option(help="Only the links to this team.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every name linked to a team, by an import or by `data link`, with its evidence."""
    with _open(db) as store:
        frame = links(store, team=team)
    if as_json:
        _emit_json([{**r, "evidence": json.loads(str(r["evidence"]))} for r in records(frame)])
        return
    frame = frame.assign(evidence=frame["evidence"].map(_evidence_text)).drop(columns=["created_at"])
    _table(frame, f"{len(frame)} links (origin: overlap = matching fixtures, alias-file, manual = data link)")


def _evidence_text(evidence: str) -> str:
    """A link's evidence in a few words: the fixtures that matched, the alias, or what `data link` moved."""
    facts = json.loads(evidence)
    if "fixtures" in facts:
        shown = [f"{f['date']} {f['score']}" for f in facts["fixtures"][:3]]
        more = f" +{len(facts['fixtures']) - 3}" if len(facts["fixtures"]) > 3 else ""
        return f"{len(facts['fixtures'])} fixtures of {facts['file_fixtures']}: {', '.join(shown)}{more}"
    if "aliases.csv" in facts:
        return f"aliases.csv: {facts['aliases.csv']}"
    return f"data link: {facts.get('matches', 0)} matches moved"


@data_app.command("rejects")
def data_rejects(
    source: Annotated[str | None, typer.Option(help="Only files whose path contains this.")] = None,
    limit: Annotated[int, typer.Option(help="Rows to show (all with --json).")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rows that could not be imported, with file, line, reason and raw text."""
    with _open(db) as store:
        frame = queries.rejects(store, source=source)
    if as_json:
        _emit_json(records(frame))
        return
    summary = frame.groupby(frame["reason"].str.replace(r"'[^']*'", "'…'", regex=True)).size()
    _table(summary.rename("rows").reset_index(), f"{len(frame)} rejected rows by reason")
    _table(frame, "rejected rows", limit=limit)


@data_app.command("conflicts")
def data_conflicts(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Matches on which two sources disagree (the first stored value is kept)."""
    with _open(db) as store:
        frame = queries.conflicts(store)
    if as_json:
        _emit_json(records(frame))
        return
    _table(frame, f"{len(frame)} conflicts", limit=100)


@data_app.command("ties")
def data_ties(
    team: Annotated[str | None, typer.Option(help="A team in the tie.")] = None,
    competition: Annotated[str | None, typer.Option(help="Competition name or slug.")] = None,
    season: Annotated[str | None, typer.Option(help="Season, e.g. 2023-24.")] = None,
    round: Annotated[str | None, typer.Option("--round", help="Round, e.g. Quarterfinals.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Knockout ties in the store: legs, aggregate, how decided, who went through."""
    with _open(db) as store:
        frame = queries.ties(store, team=team, competition=competition, season=season, round=round)
    if as_json:
        _emit_json(records(frame))
        return
    cols = ["competition", "season", "round", "legs_played", "agg_a", "agg_b", "decided_by", "winner"]
    _table(frame[cols], f"{len(frame)} ties", limit=200)


@data_app.command("export")
def data_export(
    parquet: Annotated[Path, typer.Option("--parquet", help="Directory to write one parquet file per table to.")],
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that already holds files.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Export every table as parquet (loadable again with `data import DIR`)."""
    check_export_dir(parquet, force=force)
    _check_output_dir(parquet, "--parquet")
    with _open(db, read_only=True) as store:
        counts = export_parquet(store, parquet, force=force)
    if as_json:
        _emit_json({"directory": str(parquet), "rows": counts})
        return
    out.print(f"wrote {len(counts)} tables to {parquet}: {counts['matches']} matches, {counts['ties']} ties")


ModelOption = Annotated[str, typer.Option("--model", help="Match model: dixon-coles (default) or elo.")]
TieModelOption = Annotated[
    str, typer.Option("--model", help="Match model: elo (default, the best at ties) or dixon-coles.")
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Forecast with data strictly before this date (YYYY-MM-DD).")
]


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from exc


@app.command()
def match(
    home: Annotated[
        str | None, typer.Argument(help="Home team (any known spelling; 'Name (ENG)' pins the country).")
    ] = None,
    away: Annotated[str | None, typer.Argument(help="Away team.")] = None,
    neutral: Annotated[bool, typer.Option("--neutral", help="Played at a neutral venue.")] = False,
    european: Annotated[
        bool, typer.Option("--european", help="A European-cup match (home advantage is larger there).")
    ] = False,
    as_of: AsOfOption = None,
    model: ModelOption = DEFAULT_MODEL,
    batch: Annotated[Path | None, typer.Option("--batch", help="CSV with date,home,away[,neutral] rows.")] = None,
    out_path: Annotated[str, typer.Option("--out", help="Where the batch output goes ('-' for stdout).")] = "-",
    keep_going: Annotated[bool, typer.Option("--keep-going", help="Forecast the good rows of a bad batch.")] = False,
    refit: Annotated[
        str,
        typer.Option(
            "--refit",
            help="Batch: fit as of every row's date (daily), or once a week on the matches before its Monday "
            "(weekly: several times faster over many dates).",
        ),
    ] = "daily",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Forecast a match: 1X2, expected goals, likeliest scores (or a whole CSV with --batch)."""
    _check_output(out_path, "--out")
    with _open(db, read_only=True) as store:
        forecaster = Forecaster(store, model)
        if batch is not None:
            rows = _read_batch(batch)
            _write_csv(forecaster.batch(rows, source=str(batch), keep_going=keep_going, refit=refit), out_path)
            return
        if home is None or away is None:
            raise typer.BadParameter("give HOME and AWAY, or --batch FILE")
        forecast = forecaster.match(home, away, neutral=neutral, continental=european, as_of=_date(as_of))
    if as_json:
        _emit_json(forecast.as_dict())
        return
    _print_forecast(forecast)


def _print_forecast(forecast: MatchForecast) -> None:
    d = forecast.as_dict()
    venue = " (neutral venue)" if forecast.neutral else ""
    out.print(f"[bold]{forecast.home} v {forecast.away}[/bold]{venue}, as of {forecast.as_of} ({forecast.model})")
    if forecast.prior_only:
        out.print("[yellow]a side has no matches before this date: its rating is the pool average (prior)[/yellow]")
    _print_warnings(forecast.warnings)
    out.print(
        f"  {forecast.home} {d['p_home']:.1%}   draw {d['p_draw']:.1%}   {forecast.away} {d['p_away']:.1%}\n"
        f"  expected goals {d['xg_home']:.2f} - {d['xg_away']:.2f};  over 2.5 {d['over_2_5']:.1%};  "
        f"both score {d['both_score']:.1%}"
    )
    out.print("  likeliest: " + ", ".join(f"{s['score']} ({s['p']:.1%})" for s in d["top_scores"]))
    size = 6
    probs = forecast.grid.probs[:size, :size]
    table = Table(title=f"P(score), {forecast.home} goals down, {forecast.away} goals across", header_style="bold")
    table.add_column("")
    for j in range(size):
        table.add_column(str(j), justify="right")
    top = float(probs.max())
    for i in range(size):
        cells = []
        for j in range(size):
            shade = int(40 + 180 * float(probs[i, j]) / top)
            cells.append(f"[on rgb({shade // 4},{shade // 3},{shade})]{probs[i, j]:.1%}[/]")
        table.add_row(str(i), *cells)
    out.print(table)


RulesOption = Annotated[
    str | None,
    typer.Option(
        "--rules",
        help="Rules name (uefa-2021, uefa-away-goals, uefa-replays, two-legged, single-match, cup-replays) "
        "or a name with changes, e.g. 'two-legged,away_goals=yes'. Default: the competition's on the date.",
    ),
]


@app.command()
def tie(
    team_a: Annotated[str | None, typer.Argument(help="The side at home in the first leg.", show_default=False)] = None,
    team_b: Annotated[
        str | None, typer.Argument(help="The side at home in the second leg.", show_default=False)
    ] = None,
    leg1: Annotated[
        str | None, typer.Option("--leg1", help="First-leg score: 'Liverpool 0-3 Atalanta' or '0-3' (A first).")
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Forecast with data strictly before this date (the second leg's).")
    ] = None,
    rules: RulesOption = None,
    competition: Annotated[
        str | None, typer.Option(help="Competition (slug or name), for its rules or a round.")
    ] = None,
    season: Annotated[
        str | None, typer.Option(help="With --competition and --round: the season, e.g. 2023-24.")
    ] = None,
    round_: Annotated[
        str | None, typer.Option("--round", help="Every tie of this round, as of each second leg.")
    ] = None,
    neutral: Annotated[bool, typer.Option("--neutral", help="Single-match rules: played on neutral ground.")] = False,
    model: TieModelOption = DEFAULT_TIE_MODEL,
    batch: Annotated[
        Path | None, typer.Option("--batch", help="CSV with date,team_a,team_b,leg1_a,leg1_b[,rules] rows.")
    ] = None,
    out_path: Annotated[str, typer.Option("--out", help="Where the batch output goes ('-' for stdout).")] = "-",
    keep_going: Annotated[bool, typer.Option("--keep-going", help="Forecast the good rows of a bad batch.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who goes through a knockout tie: by route, the results that do it, and the precedents."""
    _check_output(out_path, "--out")
    with _open(db, read_only=True) as store:
        forecaster = TieForecaster(store, model)
        if batch is not None:
            rows = _read_batch(batch)
            _write_csv(forecaster.batch(rows, source=str(batch), keep_going=keep_going), out_path)
            return
        if round_ is not None:
            if competition is None or season is None:
                raise typer.BadParameter("--round needs --competition and --season")
            forecasts = forecaster.round(competition, season, round_)
            if as_json:
                _emit_json([f.as_dict() for f in forecasts])
                return
            _print_round(forecasts)
            return
        if team_a is None or team_b is None:
            raise typer.BadParameter("give TEAM_A and TEAM_B, or --competition/--season/--round, or --batch FILE")
        forecast = forecaster.tie(
            team_a, team_b, leg1=leg1, date=_date(date), rules=rules, competition=competition, neutral=neutral
        )
    if as_json:
        _emit_json(forecast.as_dict())
        return
    _print_tie(forecast)


def _print_warnings(warnings: tuple[str, ...]) -> None:
    """A forecast's warnings (e.g. a store far out of date), one yellow line each."""
    for warning in warnings:
        out.print(Text(f"  warning: {warning}", style="yellow"))


def _read_batch(path: Path) -> pd.DataFrame:
    """A batch file's rows as text cells; a file that is not CSV text is a clear error naming it."""
    try:
        text = decode(path.read_bytes(), path)
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except OSError as exc:
        raise DataError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: not a CSV file with a header row ({str(exc).strip()})") from exc


def _write_csv(frame: pd.DataFrame, out_path: str) -> None:
    """Write a batch's output; with ``--keep-going``, say how many rows failed (exit 1 if all did)."""
    text = frame.to_csv(index=False, float_format="%.6f")
    if out_path == "-":
        typer.echo(text, nl=False)
    else:
        _write_atomic(Path(out_path), text)
    failed = int((frame["error"] != "").sum()) if "error" in frame.columns else 0
    if failed:
        err.print(f"{failed} of {len(frame)} rows could not be forecast: see their error column", markup=False)
    if failed and failed == len(frame):
        raise typer.Exit(1)


def _write_atomic(path: Path, text: str) -> None:
    """Write a file whole or not at all: a full disk leaves the file as it was, no half file."""
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        raise DataError(f"{path}: cannot write it ({exc.strerror or exc}); the file is as it was") from exc
    finally:
        partial.unlink(missing_ok=True)


def _print_tie(f: TieForecast) -> None:
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
    out.print(f"  as of {f.as_of} ({f.model}; data strictly before that day)")
    _print_warnings(f.warnings)
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
        venue = "at home" if b.lost_at == "home" else "away"
        scope = f"in the {b.era} era" if b.era else "all eras"
        if b.rate is None:
            out.print(f"  precedents: no ties lost by {b.deficit} {venue} in the store before {f.as_of}")
        else:
            out.print(
                f"  precedents: {b.overturned} of {b.ties} sides that lost the first leg by {b.deficit} {venue} "
                f"went through ({b.rate:.1%}, 95% CI {b.lo:.1%}-{b.hi:.1%}; {scope}, before {f.as_of})  "
                f"[dim]remontada precedents --deficit {b.deficit} --lost-at {b.lost_at}[/dim]"
            )
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


def _print_round(forecasts: list[TieForecast]) -> None:
    first = forecasts[0]
    table = Table(title=f"{first.competition} {first.season} {first.round}: each tie as of its second leg")
    for col in ("second leg", "first leg", "A through", "B through", "ET", "pens", "went through"):
        table.add_column(col, justify="left" if col in ("first leg", "went through") else "right")
    for f in forecasts:
        p = f.probabilities
        actual = f.actual or {}
        leg1 = f"{f.team_a} v {f.team_b}" if f.leg1 is None else f"{f.team_a} {f.leg1[0]}-{f.leg1[1]} {f.team_b}"
        table.add_row(
            f"{f.as_of:%d %b}", leg1, f"{float(p.p_a):.1%}", f"{float(p.p_b):.1%}", f"{float(p.p_extra_time):.1%}",
            f"{float(p.p_penalties):.1%}", {"a": f.team_a, "b": f.team_b}.get(actual.get("winner") or "", ""),
        )  # fmt: skip
    out.print(table)


@app.command()
def ratings(
    as_of: AsOfOption = None,
    model: ModelOption = DEFAULT_MODEL,
    competition: Annotated[
        str | None, typer.Option(help="Only teams that played in this competition (slug or name) that season.")
    ] = None,
    national: Annotated[bool, typer.Option("--national", help="National teams instead of clubs.")] = False,
    top: Annotated[int, typer.Option(help="How many teams to show.")] = 25,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Team ratings as of a date, strongest first."""
    with _open(db) as store:
        forecaster = Forecaster(store, model)
        day = _date(as_of) or forecaster.latest_date()
        table = team_ratings(store, forecaster.fitted(day, "national" if national else "club"))
        if competition is not None:
            recent = queries.matches(store, competition=competition, before=day)
            if recent.empty:
                raise typer.BadParameter(f"no matches of {competition!r} before {day}")
            last = recent[recent["season"] == recent["season"].iloc[-1]]
            table = table[table["team_id"].isin(set(last["home_id"]) | set(last["away_id"]))]
    table = table.head(top)
    if as_json:
        _emit_json({"as_of": day.isoformat(), "model": model, "ratings": records(table)})
        return
    shown = table.drop(columns=["team_id"])
    _table(shown.round({c: 3 for c in shown.select_dtypes("float").columns}), f"{model} ratings as of {day}")


@app.command("precedents")
def precedents_command(
    deficit: Annotated[
        int, typer.Option("--deficit", help="First-leg margin, in goals (1 or more).", show_default=False)
    ],
    lost_at: Annotated[
        str | None, typer.Option("--lost-at", help="Where the trailing side lost the first leg: home or away.")
    ] = None,
    competition: Annotated[str | None, typer.Option(help="Competition name or slug.")] = None,
    since: Annotated[int | None, typer.Option(help="First season's starting year (1994 means 1994-95 on).")] = None,
    before: Annotated[str | None, typer.Option(help="Only ties settled before this date (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(help="Overturned ties to show (all ties with --json).")] = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """How often a first-leg deficit was overturned, by era, and the comebacks themselves."""
    with _open(db, read_only=True) as store:
        frame = precedents(
            store, deficit=deficit, lost_at=lost_at, competition=competition, since=since, before=_date(before)
        )
    rates = base_rates(frame)
    overall = rates.iloc[-1]
    summary = {
        "deficit": deficit,
        "lost_at": lost_at,
        "competition": competition,
        "since": since,
        "before": before,
        **{k: plain(overall[k]) for k in ("ties", "overturned", "rate", "lo", "hi")},
    }
    if as_json:
        _emit_json({"summary": summary, "by_era": records(rates), "ties": records(frame)})
        return
    venue = {"home": ", lost at home", "away": ", lost away", None: ""}[lost_at]
    scope = [competition, f"since {since}-{(since + 1) % 100:02d}" if since else None, before and f"before {before}"]
    where = f" ({', '.join(s for s in scope if s)})" if any(scope) else ""
    headline = f"[bold]{deficit}-goal first-leg deficits{venue}{where}[/bold]:"
    if frame.empty:
        out.print(f"{headline} no such ties in the store")
        return
    out.print(
        f"{headline} {summary['overturned']} of {summary['ties']} overturned "
        f"({overall['rate']:.1%}, 95% CI {100 * overall['lo']:.1f}–{overall['hi']:.1%})"
    )
    shown = rates.assign(**{c: rates[c].map("{:.1%}".format) for c in ("rate", "lo", "hi")})
    _table(shown, "by era (the rules of the day)")
    comebacks = frame[frame["overturned"]].iloc[::-1]
    if len(comebacks):
        cols = ["date", "competition", "season", "round", "leg1", "leg2", "decided_by"]
        _table(comebacks[cols], f"{len(comebacks)} overturned, most recent first", limit=limit)
    out.print(f"{len(frame) - len(comebacks)} not overturned (listed with --json)")


MinuteOption = Annotated[str, typer.Option("--at", help="Minutes played: 67, 45+2, 90+3, up to 120 in extra time.")]
WhatIfOption = Annotated[
    list[str] | None,
    typer.Option(
        "--what-if",
        help="A change of approach, 'TEAM:+30%,+20%' (its goals for, against); repeat to compare several.",
    ),
]
LiveDateOption = Annotated[str | None, typer.Option("--date", help="The match's date (data strictly before it).")]


@app.command()
def live(
    team_a: Annotated[
        str | None, typer.Argument(help="The side at home in the first leg (or the match).", show_default=False)
    ] = None,
    team_b: Annotated[str | None, typer.Argument(help="The other side.", show_default=False)] = None,
    at: MinuteOption = "0",
    score: Annotated[
        str, typer.Option("--score", help="Score now, home side first: 'Atalanta 0-1 Liverpool'.")
    ] = "0-0",
    red: Annotated[
        list[str] | None, typer.Option("--red", help="A side shown a red card so far (repeat for each card).")
    ] = None,
    leg1: Annotated[
        str | None, typer.Option("--leg1", help="First-leg score, 'Liverpool 0-3 Atalanta': the match is leg 2.")
    ] = None,
    what_if: WhatIfOption = None,
    date: LiveDateOption = None,
    rules: RulesOption = None,
    competition: Annotated[str | None, typer.Option(help="Competition (slug or name), for its rules.")] = None,
    neutral: Annotated[bool, typer.Option("--neutral", help="Played on neutral ground.")] = False,
    model: TieModelOption = DEFAULT_TIE_MODEL,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch",
            help="CSV with date,home,away[,neutral],minute,home_goals,away_goals[,home_red,away_red]"
            "[,leg1_home_goals,leg1_away_goals] rows.",
        ),
    ] = None,
    out_path: Annotated[str, typer.Option("--out", help="Where the batch output goes ('-' for stdout).")] = "-",
    keep_going: Annotated[bool, typer.Option("--keep-going", help="Forecast the good rows of a bad batch.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The chances now, during a match or a tie: who goes through, the result, and what-ifs."""
    _check_output(out_path, "--out")
    with _open(db, read_only=True) as store:
        forecaster = LiveForecaster(store, model)
        if batch is not None:
            rows = _read_batch(batch)
            _write_csv(forecaster.batch(rows, source=str(batch), keep_going=keep_going), out_path)
            return
        if team_a is None or team_b is None:
            raise typer.BadParameter("give TEAM_A and TEAM_B, or --batch FILE")
        asked: dict[str, Any] = {
            "minute": at, "score": score, "reds": red or [], "leg1": leg1, "date": _date(date), "rules": rules,
            "competition": competition, "neutral": neutral,
        }  # fmt: skip
        now = forecaster.live(team_a, team_b, **asked)
        scenarios = [forecaster.live(team_a, team_b, **asked, what_if=(parse_what_if(t),)) for t in what_if or []]
    if as_json:
        _emit_json({"now": now.as_dict(), "what_if": [s.as_dict() for s in scenarios]})
        return
    _print_live(now, scenarios)


def _print_live(f: LiveForecast, scenarios: list[LiveForecast]) -> None:
    clock = "kick-off" if f.minute == 0 else f"after {f.minute} minutes"
    reds = [f"; {k} red card{'s' * (k > 1)} for {name}" for name, k in ((f.home, f.reds[0]), (f.away, f.reds[1])) if k]
    out.print(f"[bold]{f.home} {f.score[0]}-{f.score[1]} {f.away}[/bold], {clock}" + "".join(reds))
    t = f.tie
    if t is not None:
        title = " ".join(x for x in (t.competition, t.season, t.round) if x)
        if t.rules.legs == 2 and t.leg1 is not None:
            agg_home = t.leg1[1] + f.score[0]
            agg_away = t.leg1[0] + f.score[1]
            out.print(
                f"  second leg{f' of {title}' if title else ''}: first leg {t.team_a} {t.leg1[0]}-{t.leg1[1]} "
                f"{t.team_b}; aggregate {f.home} {agg_home}-{agg_away} {f.away}"
            )
        elif t.rules.legs == 2:
            out.print(f"  first leg{f' of {title}' if title else ''}: the second leg at {t.team_b} still to play")
        out.print(f"  rules: {t.rules.describe()} [dim]({t.rules.name})[/dim]")
    out.print(f"  as of {f.as_of} ({f.model}; data strictly before that day)")
    _print_warnings(f.warnings)
    if f.factors != (1.0, 1.0):
        out.print(f"  [dim]scoring rates from now: {f.home} x{f.factors[0]:.2f}, {f.away} x{f.factors[1]:.2f}[/dim]")
    if f.probabilities is not None and t is not None:
        p = f.probabilities
        before = t.probabilities
        table = Table(header_style="bold", title="chance of going through")
        for col in ("", "now", "in 90 minutes", "extra time", "penalties", "at kick-off"):
            table.add_column(col, justify="right" if col else "left")
        sides = ((f.home, "a" if f.home_is_a else "b"), (f.away, "b" if f.home_is_a else "a"))
        for name, side in sides:
            table.add_row(
                name, f"[bold]{float(getattr(p, 'p_' + side)):.1%}[/bold]",
                *[f"{float(getattr(p, f'{side}_{r}')):.1%}" for r in ("90", "extra_time", "penalties")],
                f"{float(getattr(before, 'p_' + side)):.1%}" if f.minute > 0 else "",
            )  # fmt: skip
        out.print(table)
    result = "after extra time" if f.minute > 90 else "after 90 minutes"
    out.print(f"  this match {result}: {f.home} win {f.p_home:.1%}, draw {f.p_draw:.1%}, {f.away} win {f.p_away:.1%}")
    for side, name in (("home", f.home), ("away", f.away)):
        needed = f.goals_to_level(side)
        if needed is not None:
            total = f.score[0 if side == "home" else 1] + needed
            again = " again" if f.score[1 if side == "home" else 0] else ""
            out.print(
                f"  {name} need {needed} goal{'s' * (needed > 1)} more than they concede to level the tie: "
                f"P(they score {total}+ in the match) {f.p_scores(side, total):.1%}, "
                f"P(they concede{again}) {f.p_concedes(side):.1%}"
            )
    if scenarios:
        out.print(_what_if_table(f, scenarios))
    out.print("  most likely final scores: " + ", ".join(f"{h}-{a} {p:.1%}" for h, a, p in f.final.top_scores(4)))


def _what_if_table(f: LiveForecast, scenarios: list[LiveForecast]) -> Table:
    """Each change of approach against the match as expected, for the side that changes."""
    what = "goes through" if f.tie is not None else "wins"
    table = Table(header_style="bold", title="what if")
    for col in ("approach", what, "scores", "concedes"):
        table.add_column(col, justify="left" if col == "approach" else "right")
    for team in dict.fromkeys(s.what_if[0].team for s in scenarios):
        side = f.side(team)
        target = f.score[0 if side == "home" else 1] + (f.goals_to_level(side) or 1)
        rows = [(f"{team} as expected", f)] + [
            (s.what_if[0].describe(), s) for s in scenarios if s.what_if[0].team == team
        ]
        goals = f"{target}+"
        for label, s in rows:
            reach, concede = s.p_scores(side, target), s.p_concedes(side)
            table.add_row(label, f"{s.p_succeeds(side):.1%}", f"{goals} {reach:.1%}", f"{concede:.1%}")
    return table


@app.command()
def replay(
    team_a: Annotated[str, typer.Argument(help="The side at home in the first leg (or the match).")],
    team_b: Annotated[str, typer.Argument(help="The other side.")],
    goals: Annotated[str, typer.Option("--goals", help="The goals, 'MINUTE:TEAM,...', e.g. '7:Liverpool'.")] = "",
    red: Annotated[str, typer.Option("--red", help="Red cards, 'MINUTE:TEAM,...'.")] = "",
    leg1: Annotated[
        str | None, typer.Option("--leg1", help="First-leg score, 'Liverpool 0-3 Atalanta': the match is leg 2.")
    ] = None,
    what_if: WhatIfOption = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="The match's date (default: the latest stored tie's second leg)."),
    ] = None,
    rules: RulesOption = None,
    competition: Annotated[str | None, typer.Option(help="Competition (slug or name), for its rules.")] = None,
    neutral: Annotated[bool, typer.Option("--neutral", help="Played on neutral ground.")] = False,
    png: Annotated[Path | None, typer.Option("--png", help="Also draw the curve to this PNG file.")] = None,
    model: TieModelOption = DEFAULT_TIE_MODEL,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The chance minute by minute over a whole match, for its goals and red cards."""
    _check_output(png, "--png")
    with _open(db, read_only=True) as store:
        curve = LiveForecaster(store, model).replay(
            team_a, team_b, goals=parse_events(goals), reds=parse_events(red), leg1=leg1, date=_date(date),
            rules=rules, competition=competition, neutral=neutral,
            what_if=tuple(parse_what_if(t) for t in what_if or []),
        )  # fmt: skip
    if png is not None:
        from remontada.app.charts import curve_png  # matplotlib is slow to import: only when drawing

        curve_png(curve, png)
    if as_json:
        _emit_json(curve.as_dict())
        return
    _print_curve(curve)
    if png is not None:
        out.print(f"  chart: {png}")


def _print_curve(c: Curve) -> None:
    kick_off = c.forecast
    what = "goes through" if c.kind == "advance" else "wins"
    out.print(f"[bold]{c.home} v {c.away}[/bold], as of {kick_off.as_of} ({kick_off.model})")
    t = kick_off.tie
    if t is not None and t.leg1 is not None:
        out.print(f"  second leg; first leg {t.team_a} {t.leg1[0]}-{t.leg1[1]} {t.team_b}")
    for w in kick_off.what_if:
        out.print(f"  what if: {w.describe()}")
    events = {m for m, _ in c.goals + c.reds}
    shown = sorted({int(m) for m in c.minutes if m % 15 == 0} | events | {int(m) - 1 for m in events if m > 0})
    table = Table(header_style="bold", title=f"chance {c.home} {what}, minute by minute")
    for col in ("minute", "score", "event", f"{c.home} {what}", "had it stayed 0-0"):
        table.add_column(col, justify="left" if col in ("score", "event") else "right")
    score = [0, 0]
    for minute in shown:
        for m, side in c.goals:
            if m == minute:
                score[side == "away"] += 1
        happened = [f"goal {c.home if s == 'home' else c.away}" for m, s in c.goals if m == minute]
        happened += [f"red card {c.home if s == 'home' else c.away}" for m, s in c.reds if m == minute]
        stayed = c.stayed["home"]
        table.add_row(
            str(minute), f"{score[0]}-{score[1]}", ", ".join(happened), f"{c.values['home'][minute]:.1%}",
            f"{stayed[minute]:.1%}" if minute < len(stayed) else "",
        )  # fmt: skip
    out.print(table)


SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Dask scheduler address (tcp://HOST:PORT; default REMONTADA_SCHEDULER), else local processes.",
        show_default=False,
    ),
]
WorkersOption = Annotated[int | None, typer.Option("--workers", help="Local processes (default: every core).")]


@app.command()
def brief(
    team_a: Annotated[str, typer.Argument(help="The side at home in the first leg.", show_default=False)],
    team_b: Annotated[str, typer.Argument(help="The side at home in the second leg.", show_default=False)],
    leg1: Annotated[
        str | None, typer.Option("--leg1", help="First-leg score: 'Liverpool 0-3 Atalanta' or '0-3' (A first).")
    ] = None,
    date: LiveDateOption = None,
    rules: RulesOption = None,
    competition: Annotated[str | None, typer.Option(help="Competition (slug or name), for its rules.")] = None,
    html_path: Annotated[
        Path | None, typer.Option("--html", help="Write the briefing as one printable HTML page to this file.")
    ] = None,
    model: TieModelOption = DEFAULT_TIE_MODEL,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The pre-match briefing: the comeback's chance, the result needed, precedents, early goals, what-ifs."""
    _check_output(html_path, "--html")
    with _open(db, read_only=True) as store:
        briefing = build_briefing(
            LiveForecaster(store, model), team_a, team_b, leg1=leg1, date=_date(date), rules=rules,
            competition=competition,
        )  # fmt: skip
    if html_path is not None:
        try:
            html_path.write_text(briefing.to_html(), encoding="utf-8")
        except OSError as exc:
            raise DataError(f"--html {html_path}: cannot write it ({exc.strerror})") from exc
        err.print(f"[dim]wrote {html_path}[/dim]")
    if as_json:
        _emit_json(briefing.as_dict())
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
            table = Table(header_style="bold")
            for i, col in enumerate(section.columns):
                table.add_column(col, justify="left" if i == 0 or not section.rows[0][i][:1].isdigit() else "right")
            for row in section.rows:
                table.add_row(*(Text(cell) for cell in row))
            out.print(table)
        for note in section.notes:
            out.print(f"  {note}", style="dim", markup=False, highlight=False)


def _seasons(text: str | None) -> tuple[str, ...] | None:
    """``2015-16..2024-25`` or ``2019-20,2020-21`` -> the seasons."""
    if not text:
        return None
    if ".." in text:
        first, _, last = text.partition("..")
        try:
            start, end = int(first[:4]), int(last[:4])
        except ValueError as exc:
            raise typer.BadParameter(f"--seasons {text!r}: write 2015-16..2024-25") from exc
        return tuple(f"{y}-{(y + 1) % 100:02d}" for y in range(start, end + 1))
    return tuple(t.strip() for t in text.split(",") if t.strip())


def _run_backtest(inputs: BacktestInputs, scheduler: str | None, workers: int | None) -> Backtest:
    """Walk forward with a progress bar; no store is open meanwhile (other commands can use it)."""
    where = parallel.describe(scheduler, workers)
    with Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(), console=err, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task(f"walk-forward ({where})", total=None)
        return walk_backtest(
            inputs, scheduler=scheduler, workers=workers,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )  # fmt: skip


@app.command()
def backtest(
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help="Backtest exactly this file's matches (imported into a temporary store)."),
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", help="A model, with settings if wanted: 'dixon-coles:half_life_days=180'. Repeat."),
    ] = None,
    competition: Annotated[list[str] | None, typer.Option("--competition", help="Competition slug. Repeat.")] = None,
    seasons: Annotated[str | None, typer.Option("--seasons", help="'2015-16..2024-25' or a comma list.")] = None,
    refit: Annotated[str, typer.Option("--refit", help="daily, weekly or monthly.")] = "weekly",
    odds: Annotated[str, typer.Option("--odds", help="The market's prices: closing, opening or none.")] = "closing",
    method: Annotated[
        str, typer.Option("--method", help="Overround removal: multiplicative, additive, power, shin, odds_ratio.")
    ] = "multiplicative",
    value_bets: Annotated[
        float | None, typer.Option("--value-bets", help="Also backtest betting when the edge exceeds this (e.g. 0.05).")
    ] = None,
    stake: Annotated[str, typer.Option("--stake", help="flat or kelly (a quarter Kelly).")] = "flat",
    out_path: Annotated[Path | None, typer.Option("--out", help="Write the predictions (.parquet or .csv).")] = None,
    png_dir: Annotated[
        Path | None, typer.Option("--png-dir", help="Draw reliability and by-season charts here.")
    ] = None,
    save: Annotated[
        bool, typer.Option("--save", help="Keep the predictions in the store (table predictions).")
    ] = False,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Walk-forward backtest of models, against the market's de-vigged prices on the same matches."""
    candidates = tuple(parse_candidate(m) for m in model or [DEFAULT_MODEL])
    _check_output(out_path, "--out")
    _check_output_dir(png_dir, "--png-dir")
    with _backtest_store(db, data) as (path, match_ids, reports):
        spec = BacktestSpec(
            candidates, tuple(competition) if competition else None, _seasons(seasons), match_ids, refit,
            odds=None if odds == "none" else odds, method=method,
        )  # fmt: skip
        with _open(path) as store:
            inputs = load_backtest(store, spec)
        result = _run_backtest(inputs, scheduler, workers)
        if save:
            with _open(path) as store:  # one short transaction at the end
                result_id = save_predictions(store, result)
            err.print(f"predictions kept in the store as backtest {result_id}")
    summary = result.summary()
    if reports:
        summary["files"] = [{k: r.as_dict()[k] for k in ("path", "rows", "matches_new", "matches_merged", "odds",
                                                          "rejects")} for r in reports]  # fmt: skip
    bets = None
    if value_bets is not None and MARKET in result.models:
        bets = result.value_bets(candidates[0].label, edge=value_bets, stake=stake)
        summary["value_bets"] = bets
    if out_path is not None:
        frame = result.predictions
        frame.to_parquet(out_path) if out_path.suffix == ".parquet" else frame.to_csv(out_path, index=False)
    if png_dir is not None:
        from remontada.app.charts import backtest_pngs  # matplotlib is slow to import: only when drawing

        summary["charts"] = [str(p) for p in backtest_pngs(result, png_dir)]
    if as_json:
        _emit_json(summary)
        return
    _print_backtest(result, summary)


@contextmanager
def _backtest_store(
    db: Path | None, data: list[Path] | None
) -> Iterator[tuple[Path | None, tuple[int, ...] | None, list[ImportReport]]]:
    """The store to backtest on (closed: the backtest opens it only to read and to save), and the files' matches.

    The files are imported first: into ``--db`` if given, else into a temporary store
    made from the bundled data (kept until the block ends).
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = db if db is not None or not data else Path(tmp) / "backtest.duckdb"
        if not data:
            yield path, None, []
            return
        with _open(path) as store:
            ids: set[int] = set()
            reports = []
            for file in data:
                report = import_file(store, file, source=str(file))
                reports.append(report)
                if report.matches_new + report.matches_merged == 0:
                    raise DataError(f"{file}: no matches imported ({report.rejects} rows rejected: see data rejects)")
                found = store.df(
                    "SELECT match_id FROM matches WHERE source_file = ? UNION SELECT match_id FROM match_sources "
                    "WHERE source_file = ?", [str(file), str(file)],
                )  # fmt: skip
                ids |= set(found["match_id"].astype(int))
        yield path, tuple(sorted(ids)), reports


def _print_backtest(result: Backtest, summary: dict[str, Any]) -> None:
    spec = result.spec
    scope = "the file's matches" if spec.match_ids is not None else (", ".join(spec.competitions or ["all"]))
    out.print(
        f"[bold]Backtest[/bold] of {', '.join(c.label for c in spec.candidates)} on {scope}"
        f"{' ' + spec.seasons[0] + '..' + spec.seasons[-1] if spec.seasons else ''}, refitted {spec.refit}, "
        f"{summary['n']} matches every forecaster has ({result.seconds:.0f} s)"
    )
    table = result.metrics()
    shown = table.assign(**{c: table[c].map("{:.4f}".format) for c in ("rps", "log_loss", "brier", "ece")})
    shown["accuracy"] = table["accuracy"].map("{:.1%}".format)
    _table(shown[["model", "n", "rps", "log_loss", "brier", "accuracy", "ece"]], "on the same matches")
    if MARKET in result.models:
        label = "market (" + (spec.odds or "") + f", overround removed: {spec.method})"
        for metric in ("rps", "log_loss"):
            c = summary["model_minus_market"][metric]
            out.print(
                f"  {spec.candidates[0].label} minus {label}, {metric}: {c['difference']:+.4f} "
                f"(95% CI {c['lo']:+.4f} to {c['hi']:+.4f})"
            )
    for report in summary.get("files", []):
        out.print(
            f"  {report['path']}: {report['rows']} rows, {report['matches_new'] + report['matches_merged']} matches, "
            f"{report['rejects']} rejected (remontada data rejects --source {Path(report['path']).name})"
        )
    if summary["market_excluded"]:
        left = ", ".join(f"{n} {reason}" for reason, n in summary["market_excluded"].items())
        out.print(f"  [yellow]left out of the market's metrics: {left}[/yellow]")
    by_season = result.metrics(["season"])
    if by_season["season"].nunique() > 1:
        wide = by_season.pivot_table(index="season", columns="model", values="rps").reset_index()
        _table(wide.assign(**{c: wide[c].map("{:.4f}".format) for c in wide.columns if c != "season"}), "RPS by season")
    bets = summary.get("value_bets")
    if bets:
        out.print(
            f"  value bets (a backtest on past prices, ignoring limits and timing): {bets['bets']} bets, "
            f"staked {bets['staked']:.1f}, profit {bets['profit']:+.1f}, ROI {bets['roi']:+.1%}"
        )


@app.command()
def tune(
    model: Annotated[str, typer.Option("--model", help="The model to tune.")] = DEFAULT_MODEL,
    param: Annotated[
        str, typer.Option("--param", help="A setting and its values: 'half_life_days=120,240,365,730'.")
    ] = "half_life_days=120,240,365,730",
    competition: Annotated[list[str] | None, typer.Option("--competition", help="Competition slug. Repeat.")] = None,
    seasons: Annotated[str | None, typer.Option("--seasons", help="'2019-20..2023-24' or a comma list.")] = None,
    refit: Annotated[str, typer.Option("--refit", help="daily, weekly or monthly.")] = "monthly",
    metric: Annotated[str, typer.Option("--metric", help="rps, log_loss or brier (lower is better).")] = "rps",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Pick a model setting by walk-forward score: each value is a backtest, on the same matches."""
    name, sep, values = param.partition("=")
    if not sep or not values:
        raise typer.BadParameter(f"--param {param!r}: write NAME=V1,V2,...")
    candidates = tuple(parse_candidate(f"{model}:{name}={v}") for v in values.split(","))
    with _open(db, read_only=True) as store:
        spec = BacktestSpec(candidates, tuple(competition) if competition else None, _seasons(seasons), refit=refit,
                            odds=None)  # fmt: skip
        inputs = load_backtest(store, spec)
    result = _run_backtest(inputs, scheduler, workers)
    table = result.metrics()
    best = str(table.sort_values(metric)["model"].iloc[0])
    gaps = {m: result.compare(best, m, metric=metric) for m in result.models if m != best}
    if as_json:
        rows = records(table)
        _emit_json({"best": best, "metric": metric, "candidates": rows, "versus_best": gaps})
        return
    shown = table.assign(**{c: table[c].map("{:.4f}".format) for c in ("rps", "log_loss", "brier", "ece")})
    shown["worse than best (95% CI)"] = [
        "" if m == best else f"{gaps[m]['difference']:+.4f} ({gaps[m]['lo']:+.4f} to {gaps[m]['hi']:+.4f})"
        for m in table["model"]
    ]
    _table(shown[["model", "n", metric, "worse than best (95% CI)"]], f"{model}: {name} by walk-forward {metric}")
    out.print(f"best: [bold]{best}[/bold]")


BERGAMO = dt.date(2024, 4, 18)


@app.command()
def demo(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The story remontada was born from: Liverpool v Atalanta, Europa League 2023-24 quarter-final."""
    with _open(db) as store:
        ties = TieForecaster(store)
        forecast = ties.tie("Liverpool (ENG)", "Atalanta (ITA)", date=BERGAMO)
        curve = LiveForecaster(store, ties=ties).replay(
            "Liverpool (ENG)", "Atalanta (ITA)", goals=[(7, "Liverpool (ENG)")], date=BERGAMO
        )
        comebacks = precedents(store, deficit=3, before=BERGAMO)
    comebacks = comebacks[comebacks["overturned"]].iloc[::-1]
    if as_json:
        payload = {
            "tie": forecast.as_dict(),
            "bergamo": curve.as_dict(),
            "comebacks_from_three_down": records(comebacks),
        }
        _emit_json(payload)
        return
    out.print("[bold]The morning of the return leg in Bergamo[/bold], with what was known then:\n")
    _print_tie(forecast)
    liverpool = curve.values["away"]
    out.print(
        f"\n[bold]Then Liverpool scored in the 7th minute[/bold]: their chance went from {liverpool[6]:.1%} to "
        f"{liverpool[7]:.1%}, and with no more goals ran down to {liverpool[45]:.1%} at half-time and "
        f"{liverpool[75]:.1%} after 75 minutes (had it stayed 0-0: {curve.stayed['away'][45]:.1%} at half-time)."
    )
    out.print(
        "[dim]  minute by minute: remontada replay Liverpool Atalanta --goals 7:Liverpool --png bergamo.png[/dim]"
    )
    out.print(f"\n[bold]Comebacks from three goals down before then[/bold] ({len(comebacks)}; most recent first):")
    for row in comebacks.head(8).to_dict("records"):
        out.print(f"  {row['season']} {row['competition']} {row['round'] or ''}: {row['leg1']}, then {row['leg2']}")
    out.print("[dim]  all of them: remontada precedents --deficit 3[/dim]")


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
    """Run the web app (pages, and the JSON API documented at /docs) with uvicorn."""
    import uvicorn  # the web stack loads only for this command

    from remontada.app.web import create_app
    from remontada.app.web.app import HOSTS_VARIABLE

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


DEBUG_ENV = "REMONTADA_DEBUG"
"""Set to 1 to see the traceback of an unexpected error instead of its one-line message."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; no error leaves it as a traceback.

    remontada's own errors, errors of the disk (``OSError``: a full disk, a missing
    or read-only folder) and of the store's database become one line and exit
    status 1. Anything else is a bug: one line saying so and how to report it, exit
    status 1, and the traceback only when ``REMONTADA_DEBUG=1``.
    """
    try:
        app(args=argv)
    except RemontadaError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(_os_message(exc))
    except duckdb.Error as exc:
        _fail(f"the store could not be read or written (damaged or truncated?): {str(exc).strip().splitlines()[0]}")
    except Exception as exc:
        if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            raise
        _fail(
            f"unexpected {type(exc).__name__}: {exc}. This is a bug in remontada: please report it with the "
            f"command you ran (run it again with {DEBUG_ENV}=1 to see the traceback)"
        )


def _os_message(exc: OSError) -> str:
    """An OSError as ``file: reason`` (e.g. ``out/x.csv: No space left on device``)."""
    reason = exc.strerror or str(exc)
    return f"{exc.filename}: {reason}" if exc.filename else reason


def _fail(message: str) -> None:
    err.print(Text("error: ", style="bold red") + Text(message))
    sys.exit(1)
