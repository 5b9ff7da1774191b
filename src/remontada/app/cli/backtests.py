"""Evaluation against history and the market: ``remontada backtest`` and ``remontada tune``."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from remontada.app.cli.common import (
    CsvOption,
    DbOption,
    JsonOption,
    app,
    check_output,
    check_output_dir,
    choose,
    emit_json,
    err,
    open_db,
    out,
    print_table,
)
from remontada.app.plain import records
from remontada.errors import DataError
from remontada.models import DEFAULT_MODEL

if TYPE_CHECKING:
    from remontada.data.ingest import ImportReport
    from remontada.data.store import Store
    from remontada.evaluation.backtest import Backtest, BacktestInputs

SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Dask scheduler address (tcp://HOST:PORT; default REMONTADA_SCHEDULER), else local processes.",
        show_default=False,
    ),
]


WorkersOption = Annotated[int | None, typer.Option("--workers", help="Local processes (default: every core).")]


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


def _competitions(store: Store, given: list[str] | None) -> tuple[str, ...] | None:
    """The competitions' slugs for names or slugs (``Premier League``, ``eng-1``); an unknown one lists the closest."""
    from remontada.data.queries import find_competition

    return tuple(find_competition(store, text) for text in given) if given else None


def _run_backtest(inputs: BacktestInputs, scheduler: str | None, workers: int | None) -> Backtest:
    """Walk forward with a progress bar; no store is open meanwhile (other commands can use it)."""
    from remontada.evaluation import parallel
    from remontada.evaluation.backtest import walk_backtest

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
    competition: Annotated[
        list[str] | None, typer.Option("--competition", help="Competition slug or name (see data status). Repeat.")
    ] = None,
    seasons: Annotated[str | None, typer.Option("--seasons", help="'2015-16..2024-25' or a comma list.")] = None,
    refit: Annotated[str, typer.Option("--refit", help="daily, weekly or monthly.")] = "weekly",
    odds: Annotated[str, typer.Option("--odds", help="The market's prices: closing, opening or none.")] = "closing",
    method: Annotated[
        str, typer.Option("--method", help="Overround removal: multiplicative, additive, power, shin, odds_ratio.")
    ] = "multiplicative",
    value_bets: Annotated[
        float | None,
        typer.Option(
            "--value-bets", help="Also backtest betting when the edge exceeds this (e.g. 0.05: 5%), in units of stake."
        ),
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
    csv_out: Annotated[bool, typer.Option("--csv", help="Print the metrics table as CSV.")] = False,
) -> None:
    """Walk-forward backtest of models, against the market's de-vigged prices on the same matches.

    Example: remontada backtest --competition bel-1 --seasons 2021-22..2023-24 --refit monthly

    Example: remontada backtest --data E0.csv --odds closing --method shin
    """
    from remontada.evaluation.backtest import MARKET, BacktestSpec, load_backtest, parse_candidate, save_predictions

    candidates = tuple(parse_candidate(m) for m in model or [DEFAULT_MODEL])
    choose(stake, "--stake", ("flat", "kelly"))
    check_output(out_path, "--out")
    check_output_dir(png_dir, "--png-dir")
    with _backtest_store(db, data) as (path, match_ids, reports):
        with open_db(path) as store:
            spec = BacktestSpec(
                candidates, _competitions(store, competition), _seasons(seasons), match_ids, refit,
                odds=None if odds == "none" else odds, method=method,
            )  # fmt: skip
            inputs = load_backtest(store, spec)
        result = _run_backtest(inputs, scheduler, workers)
        if save:
            with open_db(path) as store:  # one short transaction at the end
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
        emit_json(summary)
        return
    _print_backtest(result, summary, stake, csv_out)


@contextmanager
def _backtest_store(
    db: Path | None, data: list[Path] | None
) -> Iterator[tuple[Path | None, tuple[int, ...] | None, list[ImportReport]]]:
    """The store to backtest on (closed: the backtest opens it only to read and to save), and the files' matches.

    The files are imported first: into ``--db`` if given, else into a temporary store
    made from the bundled data (kept until the block ends).
    """
    from remontada.data.ingest import import_file

    with tempfile.TemporaryDirectory() as tmp:
        path = db if db is not None or not data else Path(tmp) / "backtest.duckdb"
        if not data:
            yield path, None, []
            return
        with open_db(path) as store:
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


def _print_backtest(result: Backtest, summary: dict[str, Any], stake: str, csv_out: bool) -> None:
    from remontada.evaluation.backtest import MARKET

    table = result.metrics()
    columns = ["model", "n", "rps", "log_loss", "brier", "accuracy", "ece"]
    if csv_out:
        print_table(table[columns], "on the same matches", csv_out=True)
        return
    spec = result.spec
    scope = "the file's matches" if spec.match_ids is not None else (", ".join(spec.competitions or ["all"]))
    out.print(
        f"[bold]Backtest[/bold] of {', '.join(c.label for c in spec.candidates)} on {scope}"
        f"{' ' + spec.seasons[0] + '..' + spec.seasons[-1] if spec.seasons else ''}, refitted {spec.refit}, "
        f"{summary['n']} matches every forecaster has ({result.seconds:.0f} s)"
    )
    shown = table.assign(**{c: table[c].map("{:.4f}".format) for c in ("rps", "log_loss", "brier", "ece")})
    shown["accuracy"] = table["accuracy"].map("{:.1%}".format)
    print_table(shown[columns], "on the same matches")
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
        print_table(
            wide.assign(**{c: wide[c].map("{:.4f}".format) for c in wide.columns if c != "season"}), "RPS by season"
        )
    bets = summary.get("value_bets")
    if bets:
        unit = "units (one unit a bet)" if stake == "flat" else "bankrolls (a quarter Kelly on a bankroll of 1)"
        out.print(
            f"  value bets (a backtest on past prices, ignoring limits and timing): {bets['bets']} bets, "
            f"staked {bets['staked']:.1f}, profit {bets['profit']:+.1f} {unit}, ROI {bets['roi']:+.1%}"
        )


@app.command()
def tune(
    model: Annotated[str, typer.Option("--model", help="The model to tune.")] = DEFAULT_MODEL,
    param: Annotated[
        str, typer.Option("--param", help="A setting and its values: 'half_life_days=120,240,365,730'.")
    ] = "half_life_days=120,240,365,730",
    competition: Annotated[
        list[str] | None, typer.Option("--competition", help="Competition slug or name (see data status). Repeat.")
    ] = None,
    seasons: Annotated[str | None, typer.Option("--seasons", help="'2019-20..2023-24' or a comma list.")] = None,
    refit: Annotated[str, typer.Option("--refit", help="daily, weekly or monthly.")] = "monthly",
    metric: Annotated[str, typer.Option("--metric", help="rps, log_loss or brier (lower is better).")] = "rps",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Pick a model setting by walk-forward score: each value is a backtest, on the same matches.

    Example: remontada tune --param half_life_days=180,365,730 --competition bel-1 --seasons 2021-22..2023-24
    """
    from remontada.evaluation.backtest import BacktestSpec, load_backtest, parse_candidate

    choose(metric, "--metric", ("rps", "log_loss", "brier"))
    name, sep, values = param.partition("=")
    if not sep or not values:
        raise typer.BadParameter(f"--param {param!r}: write NAME=V1,V2,...")
    candidates = tuple(parse_candidate(f"{model}:{name}={v}") for v in values.split(","))
    with open_db(db, read_only=True) as store:
        spec = BacktestSpec(candidates, _competitions(store, competition), _seasons(seasons), refit=refit,
                            odds=None)  # fmt: skip
        inputs = load_backtest(store, spec)
    result = _run_backtest(inputs, scheduler, workers)
    table = result.metrics()
    best = str(table.sort_values(metric)["model"].iloc[0])
    gaps = {m: result.compare(best, m, metric=metric) for m in result.models if m != best}
    if as_json:
        rows = records(table)
        emit_json({"best": best, "metric": metric, "candidates": rows, "versus_best": gaps})
        return
    shown = table.assign(**{c: table[c].map("{:.4f}".format) for c in ("rps", "log_loss", "brier", "ece")})
    shown["worse than best (95% CI)"] = [
        "" if m == best else f"{gaps[m]['difference']:+.4f} ({gaps[m]['lo']:+.4f} to {gaps[m]['hi']:+.4f})"
        for m in table["model"]
    ]
    title = f"{model}: {name} by walk-forward {metric}"
    print_table(shown[["model", "n", metric, "worse than best (95% CI)"]], title, csv_out=csv_out)
    if csv_out:
        return
    out.print(f"best: [bold]{best}[/bold]")
