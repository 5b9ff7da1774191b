"""A match or tie in play: ``remontada live`` (one moment or a feed) and ``remontada replay`` (a curve)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from remontada.app.cli.common import (
    BatchOutOption,
    CompetitionRulesOption,
    DbOption,
    JsonOption,
    KeepGoingOption,
    LiveDateOption,
    LiveLeg1Option,
    RulesOption,
    TieModelOption,
    app,
    check_output,
    emit_json,
    open_db,
    out,
    parse_date,
    print_warnings,
    read_batch,
    write_csv,
)
from remontada.app.cli.output import Grid, show
from remontada.models import DEFAULT_TIE_MODEL

if TYPE_CHECKING:
    from remontada.live.forecast import Curve, LiveForecast

MinuteOption = Annotated[str, typer.Option("--at", help="Minutes played: 67, 45+2, 90+3, up to 120 in extra time.")]


WhatIfOption = Annotated[
    list[str] | None,
    typer.Option(
        "--what-if",
        help="A change of approach, 'TEAM:+30%,+20%' (its goals for, against); repeat to compare several.",
    ),
]


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
    leg1: LiveLeg1Option = None,
    what_if: WhatIfOption = None,
    date: LiveDateOption = None,
    rules: RulesOption = None,
    competition: CompetitionRulesOption = None,
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
    out_path: BatchOutOption = "-",
    keep_going: KeepGoingOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print the chances (or the what-ifs) as CSV.")] = False,
) -> None:
    """The chances now, during a match or a tie: who goes through, the result, and what-ifs.

    Example: remontada live Liverpool Atalanta --date 2024-04-18 --at 67 --score "Atalanta 0-1 Liverpool"

    Example: remontada live Liverpool Atalanta --date 2024-04-18 --what-if "Liverpool:+30%,+20%"
    """
    from remontada.live.forecast import LiveForecaster, parse_what_if
    from remontada.models.inplay.kernels import results_kept_in

    check_output(out_path, "--out")
    with open_db(db, read_only=True) as store:
        forecaster = LiveForecaster(store, model)
        if batch is not None:
            rows = read_batch(batch)
            write_csv(forecaster.batch(rows, source=str(batch), keep_going=keep_going), out_path)
            return
        if team_a is None or team_b is None:
            raise typer.BadParameter("give TEAM_A and TEAM_B, or --batch FILE")
        asked: dict[str, Any] = {
            "minute": at, "score": score, "reds": red or [], "leg1": leg1, "date": parse_date(date), "rules": rules,
            "competition": competition, "neutral": neutral,
        }  # fmt: skip
        with results_kept_in(forecaster.ties.forecaster.cache):  # asked again, the in-play results are read back
            now = forecaster.live(team_a, team_b, **asked)
            scenarios = [forecaster.live(team_a, team_b, **asked, what_if=(parse_what_if(t),)) for t in what_if or []]
    if as_json:
        emit_json({"now": now.as_dict(), "what_if": [s.as_dict() for s in scenarios]})
        return
    if csv_out:
        grid = _what_if_grid(now, scenarios) if scenarios else _chances_grid(now)
        if grid is None:
            raise typer.BadParameter("a match outside a tie has no table of chances: use --json")
        show(out, grid, csv_out=True)
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
    print_warnings(f.warnings)
    if f.factors != (1.0, 1.0):
        out.print(f"  [dim]scoring rates from now: {f.home} x{f.factors[0]:.2f}, {f.away} x{f.factors[1]:.2f}[/dim]")
    chances = _chances_grid(f)
    if chances is not None:
        show(out, chances)
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
        show(out, _what_if_grid(f, scenarios))
    out.print("  most likely final scores: " + ", ".join(f"{h}-{a} {p:.1%}" for h, a, p in f.final.top_scores(4)))


def _chances_grid(f: LiveForecast) -> Grid | None:
    """Each side's chance of going through now, by route, and at kick-off (``None`` outside a tie)."""
    t = f.tie
    if f.probabilities is None or t is None:
        return None
    p, before = f.probabilities, t.probabilities
    columns = ("", "now", "in 90 minutes", "extra time", "penalties", "at kick-off")
    table = Grid(columns, "chance of going through", right=frozenset(columns[1:]))
    sides = ((f.home, "a" if f.home_is_a else "b"), (f.away, "b" if f.home_is_a else "a"))
    for name, side in sides:
        table.add(
            name, Text(f"{float(getattr(p, 'p_' + side)):.1%}", style="bold"),
            *[f"{float(getattr(p, f'{side}_{r}')):.1%}" for r in ("90", "extra_time", "penalties")],
            f"{float(getattr(before, 'p_' + side)):.1%}" if f.minute > 0 else "",
        )  # fmt: skip
    return table


def _what_if_grid(f: LiveForecast, scenarios: list[LiveForecast]) -> Grid:
    """Each change of approach against the match as expected, for the side that changes."""
    what = "goes through" if f.tie is not None else "wins"
    columns = ("approach", what, "scores", "concedes")
    table = Grid(columns, "what if", right=frozenset(columns[1:]))
    for team in dict.fromkeys(s.what_if[0].team for s in scenarios):
        side = f.side(team)
        target = f.score[0 if side == "home" else 1] + (f.goals_to_level(side) or 1)
        rows = [(f"{team} as expected", f)] + [
            (s.what_if[0].describe(), s) for s in scenarios if s.what_if[0].team == team
        ]
        for label, s in rows:
            reach, concede = s.p_scores(side, target), s.p_concedes(side)
            table.add(label, f"{s.p_succeeds(side):.1%}", f"{target}+ {reach:.1%}", f"{concede:.1%}")
    return table


@app.command()
def replay(
    team_a: Annotated[str, typer.Argument(help="The side at home in the first leg (or the match).")],
    team_b: Annotated[str, typer.Argument(help="The other side.")],
    goals: Annotated[str, typer.Option("--goals", help="The goals, 'MINUTE:TEAM,...', e.g. '7:Liverpool'.")] = "",
    red: Annotated[str, typer.Option("--red", help="Red cards, 'MINUTE:TEAM,...'.")] = "",
    leg1: LiveLeg1Option = None,
    what_if: WhatIfOption = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="The match's date (default: the latest stored tie's second leg)."),
    ] = None,
    rules: RulesOption = None,
    competition: CompetitionRulesOption = None,
    neutral: Annotated[bool, typer.Option("--neutral", help="Played on neutral ground.")] = False,
    png: Annotated[Path | None, typer.Option("--png", help="Also draw the curve to this PNG file.")] = None,
    model: TieModelOption = DEFAULT_TIE_MODEL,
    db: DbOption = None,
    as_json: JsonOption = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print every minute's chance as CSV.")] = False,
) -> None:
    """The chance minute by minute over a whole match, for its goals and red cards.

    Example: remontada replay Liverpool Atalanta --goals "7:Liverpool" --png bergamo.png
    """
    from remontada.live.forecast import LiveForecaster, parse_events, parse_what_if

    check_output(png, "--png")
    with open_db(db, read_only=True) as store:
        curve = LiveForecaster(store, model).replay(
            team_a, team_b, goals=parse_events(goals), reds=parse_events(red), leg1=leg1, date=parse_date(date),
            rules=rules, competition=competition, neutral=neutral,
            what_if=tuple(parse_what_if(t) for t in what_if or []),
        )  # fmt: skip
    if png is not None:
        from remontada.app.charts import curve_png  # matplotlib is slow to import: only when drawing

        curve_png(curve, png)
    if as_json:
        emit_json(curve.as_dict())
        return
    if csv_out:
        show(out, _curve_grid(curve, every_minute=True), csv_out=True)
        return
    _print_curve(curve)
    if png is not None:
        out.print(f"  chart: {png}")


def _print_curve(c: Curve) -> None:
    kick_off = c.forecast
    out.print(f"[bold]{c.home} v {c.away}[/bold], as of {kick_off.as_of} ({kick_off.model})")
    print_warnings(kick_off.warnings)
    t = kick_off.tie
    if t is not None and t.leg1 is not None:
        out.print(f"  second leg; first leg {t.team_a} {t.leg1[0]}-{t.leg1[1]} {t.team_b}")
    for w in kick_off.what_if:
        out.print(f"  what if: {w.describe()}")
    show(out, _curve_grid(c))


def _curve_grid(c: Curve, *, every_minute: bool = False) -> Grid:
    """The chance at each quarter hour and around each event (every minute with ``every_minute``)."""
    what = "goes through" if c.kind == "advance" else "wins"
    events = {m for m, _ in c.goals + c.reds}
    quarters = {int(m) for m in c.minutes if every_minute or m % 15 == 0}
    shown = sorted(quarters | events | {int(m) - 1 for m in events if m > 0})
    columns = ("minute", "score", "event", f"{c.home} {what}", "had it stayed 0-0")
    table = Grid(columns, f"chance {c.home} {what}, minute by minute", right=frozenset({columns[0], *columns[3:]}))
    score = [0, 0]
    for minute in shown:
        for m, side in c.goals:
            if m == minute:
                score[side == "away"] += 1
        happened = [f"goal {c.home if s == 'home' else c.away}" for m, s in c.goals if m == minute]
        happened += [f"red card {c.home if s == 'home' else c.away}" for m, s in c.reds if m == minute]
        stayed = c.stayed["home"]
        table.add(
            str(minute), f"{score[0]}-{score[1]}", ", ".join(happened), f"{c.values['home'][minute]:.1%}",
            f"{stayed[minute]:.1%}" if minute < len(stayed) else "",
        )  # fmt: skip
    return table
