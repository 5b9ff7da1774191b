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


@app.command()
def demo(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The story remontada was born from: Liverpool v Atalanta, Europa League 2023-24 quarter-final."""
    from remontada.knockout.forecast import TieForecaster
    from remontada.knockout.precedents import famous_comebacks
    from remontada.live.forecast import LiveForecaster

    with open_db(db) as store:
        ties = TieForecaster(store)
        forecast = ties.tie("Liverpool (ENG)", "Atalanta (ITA)", date=BERGAMO)
        curve = LiveForecaster(store, ties=ties).replay(
            "Liverpool (ENG)", "Atalanta (ITA)", goals=[(7, "Liverpool (ENG)")], date=BERGAMO
        )
        famous = famous_comebacks(store, deficit=3, before=BERGAMO)
    if as_json:
        payload = {
            "tie": forecast.as_dict(),
            "bergamo": curve.as_dict(),
            "comebacks_from_three_down": records(famous),
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
