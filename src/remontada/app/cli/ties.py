"""Tie forecasts and their precedents: ``remontada tie`` and ``remontada precedents``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from remontada.app.cli.common import (
    BatchOutOption,
    BeforeAlias,
    DateOption,
    DbOption,
    JsonOption,
    KeepGoingOption,
    Leg1Option,
    RulesOption,
    TieModelOption,
    app,
    check_output,
    emit_json,
    one_date,
    open_db,
    out,
    parse_date,
    print_table,
    print_tie,
    read_batch,
    tie_grid,
    write_csv,
)
from remontada.app.cli.output import Grid, show
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
    date: DateOption = None,
    rules: RulesOption = None,
    competition: Annotated[
        str | None,
        typer.Option(
            help="Competition (slug or name): its rules, its kind's precedents (European or domestic), a round."
        ),
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
    csv_out: Annotated[
        bool, typer.Option("--csv", help="Print the table (the round's, or the chances) as CSV.")
    ] = False,
) -> None:
    """Who goes through a knockout tie: by route, the results that do it, and the precedents.

    A tie the store holds (two legs, or a final in one match) is forecast under its own
    rules, with what happened; without --date, as of the day after the store's last match.

    Example: remontada tie Liverpool Atalanta --date 2024-04-18

    Example: remontada tie Liverpool "AC Milan" --date 2005-05-25

    Example: remontada tie --competition uefa-el --season 2023-24 --round Quarterfinals
    """
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
            show(out, _round_grid(forecasts), csv_out=csv_out)
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
    if csv_out:
        show(out, tie_grid(forecast), csv_out=True)
        return
    print_tie(forecast)


def _round_grid(forecasts: list[TieForecast]) -> Grid:
    """Every tie of a round as of its second leg, and who went through."""
    first = forecasts[0]
    columns = ("second leg", "first leg", "A through", "B through", "ET", "pens", "went through")
    table = Grid(
        columns,
        f"{first.competition} {first.season} {first.round}: each tie as of its second leg",
        right=frozenset(columns[2:6]),
    )
    for f in forecasts:
        p = f.probabilities
        actual = f.actual or {}
        leg1 = f"{f.team_a} v {f.team_b}" if f.leg1 is None else f"{f.team_a} {f.leg1[0]}-{f.leg1[1]} {f.team_b}"
        table.add(
            f"{f.as_of:%d %b}", leg1, f"{float(p.p_a):.1%}", f"{float(p.p_b):.1%}", f"{float(p.p_extra_time):.1%}",
            f"{float(p.p_penalties):.1%}", {"a": f.team_a, "b": f.team_b}.get(actual.get("winner") or "", ""),
        )  # fmt: skip
    return table


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
    scope: Annotated[
        str | None, typer.Option("--scope", help="Only European cups (european) or only the others (domestic).")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="Only ties settled before this day.", show_default=False),
    ] = None,
    before: BeforeAlias = None,
    limit: Annotated[int, typer.Option(help="Overturned ties to show (all ties with --json or --csv).")] = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print every tie (overturned or not) as CSV.")] = False,
) -> None:
    """How often a first-leg deficit was overturned, by era, and the comebacks themselves.

    Example: remontada precedents --deficit 3 --lost-at away --competition uefa-cl --since 1994
    """
    from remontada.knockout.precedents import SCOPES, base_rates, precedents

    with open_db(db, read_only=True) as store:
        day = one_date(date, before, "--before")
        frame = precedents(
            store, deficit=deficit, lost_at=lost_at, competition=competition, since=since, before=day, scope=scope
        )
    rates = base_rates(frame)
    overall = rates.iloc[-1]
    summary = {
        "deficit": deficit,
        "lost_at": lost_at,
        "competition": competition,
        "since": since,
        "scope": scope,
        "before": plain(day),
        **{k: plain(overall[k]) for k in ("ties", "overturned", "rate", "lo", "hi")},
    }
    if as_json:
        emit_json({"summary": summary, "by_era": records(rates), "ties": records(frame)})
        return
    if csv_out:
        print_table(frame, "ties", csv_out=True)
        return
    venue = {"home": ", lost at home", "away": ", lost away", None: ""}[lost_at]
    kind = SCOPES.get(scope or "")
    limits = [competition, kind, f"since {since}-{(since + 1) % 100:02d}" if since else None, day and f"before {day}"]
    where = f" ({', '.join(s for s in limits if s)})" if any(limits) else ""
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
