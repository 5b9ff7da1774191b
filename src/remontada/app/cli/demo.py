"""``remontada demo``: the Bergamo story on the bundled data, in one command."""

from __future__ import annotations

import datetime as dt

from remontada.app.cli.common import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    open_db,
    out,
    print_tie,
)
from remontada.app.plain import records

BERGAMO = dt.date(2024, 4, 18)
DEMO_SIMS = 100_000


@app.command()
def demo(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The story remontada was born from: Liverpool v Atalanta, Europa League 2023-24 quarter-final.

    Example: remontada demo
    """
    from remontada.knockout.forecast import TieForecaster
    from remontada.knockout.precedents import famous_comebacks
    from remontada.live.forecast import LiveForecaster
    from remontada.tournaments.forecast import TournamentForecaster

    with open_db(db) as store:
        ties = TieForecaster(store)
        forecast = ties.tie("Liverpool (ENG)", "Atalanta (ITA)", date=BERGAMO)
        curve = LiveForecaster(store, ties=ties).replay(
            "Liverpool (ENG)", "Atalanta (ITA)", goals=[(7, "Liverpool (ENG)")], date=BERGAMO
        )
        famous = famous_comebacks(store, deficit=3, before=BERGAMO)
        cup = TournamentForecaster(store, ties=ties)
        europa = cup.competition("uefa-el", "2023-24", as_of=BERGAMO, sims=DEMO_SIMS, seed=0)
        through = cup.competition(
            "uefa-el", "2023-24", as_of=BERGAMO, sims=DEMO_SIMS, seed=0, conditions=["Liverpool beat Atalanta"]
        )
    if as_json:
        payload = {
            "tie": forecast.as_dict(),
            "bergamo": curve.as_dict(),
            "comebacks_from_three_down": records(famous),
            "europa_league": europa.as_dict(),
            "europa_league_if_liverpool_go_through": through.as_dict(),
        }
        emit_json(payload)
        return
    out.print("[bold]The morning of the return leg in Bergamo[/bold], with what was known then:\n")
    print_tie(forecast)
    liverpool = curve.values["away"]
    out.print(
        f"\n[bold]Then Liverpool scored in the 7th minute[/bold]: their chance went from {liverpool[6]:.1%} to "
        f"{liverpool[7]:.1%}, and with no more goals ran down to {liverpool[45]:.1%} at half-time and "
        f"{liverpool[75]:.1%} after 75 minutes (had it stayed 0-0: {curve.stayed['away'][45]:.1%} at half-time)."
    )
    out.print(
        "[dim]  minute by minute: remontada replay Liverpool Atalanta --goals 7:Liverpool --png bergamo.png[/dim]"
    )
    out.print("\n[bold]Famous comebacks from three goals down or more before then[/bold] (European cups first):")
    for row in famous.to_dict("records"):
        out.print(f"  {row['season']} {row['competition']} {row['round'] or ''}: {row['leg1']}, then {row['leg2']}")
    out.print("[dim]  all of them: remontada precedents --deficit 3[/dim]")
    k = europa.stages.index("winner")
    won, won_through = europa.p[europa.index("Liverpool"), k], through.p[through.index("Liverpool"), k]
    semi = ", ".join(f"{name} {p:.0%}" for name, p in through.opponents("Liverpool"))
    out.print(
        f"\n[bold]And then?[/bold] That morning Liverpool's chance of winning the Europa League was {won:.1%}; "
        f"if they went through, {won_through:.1%} (semi-final against {semi}; {DEMO_SIMS:,} simulations)."
    )
    out.print(
        "[dim]  every team: remontada tournament --competition uefa-el --season 2023-24 --date 2024-04-18 "
        '[--if "Liverpool beat Atalanta"][/dim]'
    )
