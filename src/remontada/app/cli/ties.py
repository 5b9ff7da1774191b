"""Tie forecasts and their precedents: ``remontada tie`` and ``remontada precedents``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from remontada.app.cli.common import (
    BatchOutOption,
    DbOption,
    JsonOption,
    KeepGoingOption,
    Leg1Option,
    RulesOption,
    TieModelOption,
    app,
    check_output,
    emit_json,
    open_db,
    out,
    parse_date,
    print_table,
    print_tie,
    read_batch,
    write_csv,
)
from remontada.app.plain import plain, records
from remontada.models import DEFAULT_TIE_MODEL

if TYPE_CHECKING:
    from remontada.knockout.forecast import TieForecast


@app.command()
def tie(
    team_a: Annotated[str | None, typer.Argument(help="The side at home in the first leg.", show_default=False)] = None,
    team_b: Annotated[
        str | None, typer.Argument(help="The side at home in the second leg.", show_default=False)
    ] = None,
    leg1: Leg1Option = None,
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
    out_path: BatchOutOption = "-",
    keep_going: KeepGoingOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who goes through a knockout tie: by route, the results that do it, and the precedents."""
    from remontada.knockout.forecast import TieForecaster
    from remontada.models.inplay.kernels import results_kept_in

    check_output(out_path, "--out")
    with open_db(db, read_only=True) as store:
        forecaster = TieForecaster(store, model)
        if batch is not None:
            rows = read_batch(batch)
            write_csv(forecaster.batch(rows, source=str(batch), keep_going=keep_going), out_path)
            return
        if round_ is not None:
            if competition is None or season is None:
                raise typer.BadParameter("--round needs --competition and --season")
            forecasts = forecaster.round(competition, season, round_)
            if as_json:
                emit_json([f.as_dict() for f in forecasts])
                return
            _print_round(forecasts)
            return
        if team_a is None or team_b is None:
            raise typer.BadParameter("give TEAM_A and TEAM_B, or --competition/--season/--round, or --batch FILE")
        with results_kept_in(forecaster.forecaster.cache):  # asked again, the in-play chain's results are read back
            forecast = forecaster.tie(
                team_a, team_b, leg1=leg1, date=parse_date(date), rules=rules, competition=competition, neutral=neutral
            )
    if as_json:
        emit_json(forecast.as_dict())
        return
    print_tie(forecast)


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
    from remontada.knockout.precedents import base_rates, precedents

    with open_db(db, read_only=True) as store:
        frame = precedents(
            store, deficit=deficit, lost_at=lost_at, competition=competition, since=since, before=parse_date(before)
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
        emit_json({"summary": summary, "by_era": records(rates), "ties": records(frame)})
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
    print_table(shown, "by era (the rules of the day)")
    comebacks = frame[frame["overturned"]].iloc[::-1]
    if len(comebacks):
        cols = ["date", "competition", "season", "round", "leg1", "leg2", "decided_by"]
        print_table(comebacks[cols], f"{len(comebacks)} overturned, most recent first", limit=limit)
    out.print(f"{len(frame) - len(comebacks)} not overturned (listed with --json)")
