"""Match forecasts and team ratings: ``remontada match`` and ``remontada ratings``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.text import Text

from remontada.app.cli.common import (
    AsOfAlias,
    BatchOutOption,
    CsvOption,
    DateOption,
    DbOption,
    JsonOption,
    KeepGoingOption,
    app,
    check_output,
    emit_json,
    one_date,
    open_db,
    out,
    print_table,
    print_warnings,
    read_batch,
    write_csv,
)
from remontada.app.cli.output import Grid, show
from remontada.app.plain import records
from remontada.data import queries, schedule
from remontada.models import DEFAULT_MODEL

if TYPE_CHECKING:
    from remontada.data.store import Store
    from remontada.models.forecast import Forecaster, MatchForecast

ModelOption = Annotated[
    str, typer.Option("--model", help="Match model: dixon-coles (default), elo or elo+dixon-coles.")
]


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
    date: DateOption = None,
    as_of: AsOfAlias = None,
    model: ModelOption = DEFAULT_MODEL,
    batch: Annotated[Path | None, typer.Option("--batch", help="CSV with date,home,away[,neutral] rows.")] = None,
    out_path: BatchOutOption = "-",
    keep_going: KeepGoingOption = False,
    refit: Annotated[
        str,
        typer.Option(
            "--refit",
            help="Batch: fit as of every row's date (daily), or once a week on the matches before its Monday "
            "(weekly: several times faster over many dates).",
        ),
    ] = "daily",
    upcoming: Annotated[
        bool,
        typer.Option("--upcoming", help="Forecast the stored fixtures of the coming --days (from --date, or today)."),
    ] = False,
    competition: Annotated[
        str | None, typer.Option(help="With --upcoming: only this competition (slug or name).")
    ] = None,
    days: Annotated[int, typer.Option(help="With --upcoming: how many days of fixtures.", min=1)] = 7,
    db: DbOption = None,
    as_json: JsonOption = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print the score grid as CSV.")] = False,
) -> None:
    """Forecast a match: 1X2, expected goals, likeliest scores (or a whole CSV with --batch, or the stored fixtures).

    Example: remontada match Atalanta Liverpool --date 2024-04-18

    Example: remontada match --batch fixtures.csv --out forecasts.csv

    Example: remontada match --upcoming --competition eng-1
    """
    from remontada.models.forecast import Forecaster

    check_output(out_path, "--out")
    with open_db(db, read_only=True) as store:
        forecaster = Forecaster(store, model)
        if upcoming:
            if home is not None or batch is not None:
                raise typer.BadParameter("--upcoming forecasts the stored fixtures: give no teams and no --batch")
            _upcoming(store, forecaster, one_date(date, as_of) or dt.date.today(), days, competition, as_json)
            return
        if competition is not None:
            raise typer.BadParameter("--competition goes with --upcoming")
        if batch is not None:
            rows = read_batch(batch)
            write_csv(forecaster.batch(rows, source=str(batch), keep_going=keep_going, refit=refit), out_path)
            return
        if home is None or away is None:
            raise typer.BadParameter("give HOME and AWAY, or --batch FILE")
        forecast = forecaster.match(home, away, neutral=neutral, continental=european, as_of=one_date(date, as_of))
    if as_json:
        emit_json(forecast.as_dict())
        return
    _print_forecast(forecast, csv_out)


def _upcoming(
    store: Store, forecaster: Forecaster, start: dt.date, days: int, competition: str | None, as_json: bool
) -> None:
    """Forecast the fixtures from ``start`` for ``days`` days, each with the data before its own date."""
    end = start + dt.timedelta(days=days - 1)
    fixtures = schedule.upcoming(store, start=start, end=end, competition=competition)
    if fixtures.empty:
        if as_json:
            emit_json([])
            return
        later = schedule.upcoming(store, start=end + dt.timedelta(days=1), end=dt.date.max, competition=competition)
        after = f"; the next is on {later['date'].iloc[0]}" if len(later) else "; `remontada data update` fetches them"
        out.print(f"no fixtures {'of ' + competition + ' ' if competition else ''}from {start} to {end}{after}")
        return
    forecast = forecaster.fixtures(fixtures)
    shown = forecast[["date", "kickoff", "competition", "home", "away", "p_home", "p_draw", "p_away", "xg_home",
                      "xg_away", "odds_home", "odds_draw", "odds_away", "prior_only"]]  # fmt: skip
    if as_json:
        emit_json(records(shown))
        return
    print_warnings(forecaster.warnings(start))
    table = pd.DataFrame(
        {
            "date": [f"{d} {k or ''}".strip() for d, k in zip(shown["date"], shown["kickoff"], strict=True)],
            "competition": shown["competition"],
            "home": shown["home"],
            "away": shown["away"],
            **{
                label: shown[f"p_{side}"].map("{:.1%}".format)
                for label, side in zip("1X2", ("home", "draw", "away"), strict=True)
            },
            "xG": [f"{h:.2f}-{a:.2f}" for h, a in zip(shown["xg_home"], shown["xg_away"], strict=True)],
            "odds": [
                "" if pd.isna(h) else f"{h:.2f} {d:.2f} {a:.2f}"
                for h, d, a in zip(shown["odds_home"], shown["odds_draw"], shown["odds_away"], strict=True)
            ],
        }
    )
    print_table(
        table.drop(columns=["competition"] if competition else []),
        f"{len(table)} fixtures from {start} to {end} ({forecaster.model}; each with data before its day)",
    )


def _print_forecast(forecast: MatchForecast, csv_out: bool) -> None:
    """The forecast in words, then its score grid (only the grid, as CSV, with ``--csv``)."""
    if csv_out:
        show(out, _score_grid(forecast), csv_out=True)
        return
    d = forecast.as_dict()
    venue = " (neutral venue)" if forecast.neutral else ""
    out.print(
        f"[bold]{forecast.home} v {forecast.away}[/bold]{venue}, as of {forecast.as_of} "
        f"({forecast.model}, from {' and '.join(forecast.evidence)})"
    )
    if forecast.prior_only:
        out.print("[yellow]a side has no matches before this date: its rating is the pool average (prior)[/yellow]")
    print_warnings(forecast.warnings)
    out.print(
        f"  {forecast.home} {d['p_home']:.1%}   draw {d['p_draw']:.1%}   {forecast.away} {d['p_away']:.1%}\n"
        f"  expected goals {d['xg_home']:.2f} - {d['xg_away']:.2f};  over 2.5 {d['over_2_5']:.1%};  "
        f"both score {d['both_score']:.1%}"
    )
    out.print("  likeliest: " + ", ".join(f"{s['score']} ({s['p']:.1%})" for s in d["top_scores"]))
    show(out, _score_grid(forecast))


def _score_grid(forecast: MatchForecast) -> Grid:
    """P(each score) up to 5 goals a side, shaded by how likely (the numbers say it without colour)."""
    size = 6
    probs = forecast.grid.probs[:size, :size]
    grid = Grid(
        ["", *map(str, range(size))],
        f"P(score), {forecast.home} goals down, {forecast.away} goals across",
        right=frozenset(map(str, range(size))),
    )
    top = float(probs.max())
    for i in range(size):
        shades = [int(40 + 180 * float(probs[i, j]) / top) for j in range(size)]
        grid.add(
            str(i), *[Text(f"{probs[i, j]:.1%}", style=f"on rgb({c // 4},{c // 3},{c})") for j, c in enumerate(shades)]
        )
    return grid


@app.command()
def ratings(
    date: DateOption = None,
    as_of: AsOfAlias = None,
    model: ModelOption = DEFAULT_MODEL,
    competition: Annotated[
        str | None, typer.Option(help="Only teams that played in this competition (slug or name) that season.")
    ] = None,
    national: Annotated[bool, typer.Option("--national", help="National teams instead of clubs.")] = False,
    top: Annotated[int, typer.Option(help="How many teams to show.")] = 25,
    db: DbOption = None,
    as_json: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Team ratings as of a date, strongest first.

    Example: remontada ratings --date 2024-04-18 --competition "Serie A" --top 10
    """
    from remontada.models.forecast import Forecaster, team_ratings

    with open_db(db) as store:
        forecaster = Forecaster(store, model)
        day = one_date(date, as_of) or forecaster.latest_date()
        fitted = forecaster.fitted(day, "national" if national else "club")
        table = team_ratings(store, fitted)
        report = fitted.report()
        if competition is not None:
            recent = queries.matches(store, competition=competition, before=day)
            if recent.empty:
                raise typer.BadParameter(f"no matches of {competition!r} before {day}")
            last = recent[recent["season"] == recent["season"].iloc[-1]]
            table = table[table["team_id"].isin(set(last["home_id"]) | set(last["away_id"]))]
    table = table.head(top)
    if as_json:
        emit_json({"as_of": day.isoformat(), "model": model, "evidence": report, "ratings": records(table)})
        return
    shown = table.drop(columns=["team_id"])
    shown = shown.round({c: 3 for c in shown.select_dtypes("float").columns})
    print_table(shown, f"{model} ratings as of {day}", csv_out=csv_out)
    if report and not csv_out:
        kinds = [f"{kind} in {report[kind]:,}" for kind in ("shots", "prices") if report.get(kind)]
        out.print(f"  fitted on {report['matches']:,} matches' goals" + "".join(f", {k}" for k in kinds))
        for reason, count in report.items():
            if reason.startswith("kept out"):
                out.print(f"  [yellow]{reason}: {count:,} match{'es' if count != 1 else ''}[/yellow]")
