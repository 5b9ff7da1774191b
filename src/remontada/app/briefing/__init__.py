"""The pre-match briefing: what a journalist needs before a second leg's press conference.

"Can they turn it round?" :func:`build_briefing` gathers, for the side that trails
after the first leg (or both sides when it is level, or still to play), every
number the question leads to, each from a library call a test can repeat:

- the chance of going through, by route (:meth:`TieForecaster.tie`);
- the result needed and its chance (:meth:`TieForecast.needs`), and the likeliest
  second-leg scores that do it (the tie's second-leg grid);
- how often the deficit was overturned (:attr:`TieForecast.base_rate`) and the
  famous comebacks (:func:`remontada.knockout.precedents.precedents`);
- what an early goal, a goal conceded or a goalless first half would make of it
  (:meth:`LiveForecaster.live` at that moment);
- what attacking harder buys and costs (:class:`remontada.live.forecast.WhatIf`);
- the opponent's scorers, where the store has them (national teams only);
- where all of it came from: model, data, rules.

:meth:`Briefing.to_html` writes one self-contained printable page; the command
line prints the same sections (:meth:`Briefing.sections`) as text.
"""

from remontada.app.briefing.build import build_briefing
from remontada.app.briefing.facts import (
    EARLY_MINUTE,
    PUSH,
    Approach,
    Comeback,
    Scenario,
    Scorer,
    Section,
    SideBrief,
    Threat,
)
from remontada.app.briefing.report import Briefing

__all__ = [
    "EARLY_MINUTE",
    "PUSH",
    "Approach",
    "Briefing",
    "Comeback",
    "Scenario",
    "Scorer",
    "Section",
    "SideBrief",
    "Threat",
    "build_briefing",
]
