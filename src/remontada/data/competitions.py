"""The competitions remontada knows, by a stable slug, and how seasons are named.

Every source names competitions its own way (football-data.co.uk's ``E0``, an
engsoccerdata file's ``tier`` 1, openfootball's ``= UEFA Champions League 2011/12``);
importers map them to one slug here so that the same league from two sources is one
competition, which is what lets overlapping matches be recognised as the same match.

Seasons are ``"2023-24"`` for club football (a season starts in July) and the
calendar year ``"2023"`` for internationals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["COMPETITIONS", "Competition", "competition", "season_label", "season_of", "slug_for"]


@dataclass(frozen=True)
class Competition:
    """A competition: ``kind`` is ``league``, ``cup``, ``continental`` or ``international``."""

    slug: str
    name: str
    country: str | None
    kind: str
    tier: int | None = None


def _league(slug: str, name: str, country: str, tier: int = 1) -> Competition:
    return Competition(slug, name, country, "league", tier)


COMPETITIONS: dict[str, Competition] = {
    c.slug: c
    for c in [
        _league("eng-1", "Premier League", "ENG"),
        _league("eng-2", "Championship", "ENG", 2),
        _league("eng-3", "League One", "ENG", 3),
        _league("eng-4", "League Two", "ENG", 4),
        _league("eng-5", "National League", "ENG", 5),
        _league("esp-1", "La Liga", "ESP"),
        _league("esp-2", "Segunda División", "ESP", 2),
        _league("ita-1", "Serie A", "ITA"),
        _league("ita-2", "Serie B", "ITA", 2),
        _league("ita-3", "Serie C", "ITA", 3),
        _league("ger-1", "Bundesliga", "GER"),
        _league("ger-2", "2. Bundesliga", "GER", 2),
        _league("ger-3", "3. Liga", "GER", 3),
        _league("fra-1", "Ligue 1", "FRA"),
        _league("fra-2", "Ligue 2", "FRA", 2),
        _league("fra-3", "National", "FRA", 3),
        _league("ned-1", "Eredivisie", "NED"),
        _league("ned-2", "Eerste Divisie", "NED", 2),
        _league("por-1", "Primeira Liga", "POR"),
        _league("por-2", "Liga Portugal 2", "POR", 2),
        _league("bel-1", "Belgian First Division", "BEL"),
        _league("bel-2", "Belgian Second Division", "BEL", 2),
        _league("sco-1", "Scottish Premiership", "SCO"),
        _league("sco-2", "Scottish Championship", "SCO", 2),
        _league("sco-3", "Scottish League One", "SCO", 3),
        _league("sco-4", "Scottish League Two", "SCO", 4),
        _league("tur-1", "Süper Lig", "TUR"),
        _league("gre-1", "Super League Greece", "GRE"),
        _league("egy-1", "Egyptian Premier League", "EGY"),
        _league("arg-1", "Liga Profesional (Argentina)", "ARG"),
        _league("aut-1", "Austrian Bundesliga", "AUT"),
        _league("bra-1", "Série A (Brazil)", "BRA"),
        _league("chn-1", "Chinese Super League", "CHN"),
        _league("den-1", "Danish Superliga", "DEN"),
        _league("fin-1", "Veikkausliiga", "FIN"),
        _league("irl-1", "League of Ireland Premier Division", "IRL"),
        _league("jpn-1", "J1 League", "JPN"),
        _league("mex-1", "Liga MX", "MEX"),
        _league("nor-1", "Eliteserien", "NOR"),
        _league("pol-1", "Ekstraklasa", "POL"),
        _league("rou-1", "Liga I", "ROU"),
        _league("rus-1", "Russian Premier League", "RUS"),
        _league("swe-1", "Allsvenskan", "SWE"),
        _league("sui-1", "Swiss Super League", "SUI"),
        _league("usa-1", "Major League Soccer", "USA"),
        Competition("eng-fa-cup", "FA Cup", "ENG", "cup"),
        Competition("eng-league-cup", "League Cup", "ENG", "cup"),
        Competition("uefa-cl", "UEFA Champions League", None, "continental"),
        Competition("uefa-el", "UEFA Europa League", None, "continental"),
        Competition("uefa-ecl", "UEFA Europa Conference League", None, "continental"),
    ]
}


_BY_NAME = {c.name.lower(): c.slug for c in COMPETITIONS.values()} | {
    c.name.lower().removeprefix("uefa "): c.slug for c in COMPETITIONS.values() if c.name.startswith("UEFA ")
}
"""Competition names (lower case, also without ``UEFA``) to slugs."""


def competition(slug: str, *, knockout: bool = False) -> Competition:
    """The competition for ``slug``; an unknown slug gets a descriptive stand-in.

    Internationals use ``int:<tournament>`` slugs (``int:FIFA World Cup``); other
    unknown slugs are kept as their own name so that nothing is refused for lack of a
    catalogue entry. Such a stand-in is a league, or a cup when ``knockout`` says its
    source shows only knockout rounds (a national cup, a competition's qualifying
    rounds): a cup's ties are forecast, and its clubs are not a league's members.
    """
    if slug in COMPETITIONS:
        return COMPETITIONS[slug]
    if slug.startswith("int:"):
        return Competition(slug, slug[4:], None, "international")
    return Competition(slug, slug, None, "cup" if knockout else "league")


def slug_for(text: str) -> str:
    """A competition's slug from its slug (``uefa-cl``) or a name it goes by.

    Names are read in any case and without ``UEFA`` (``Champions League``, ``premier
    league``); other text is kept as written: a competition of its own.
    """
    if text in COMPETITIONS:
        return text
    return _BY_NAME.get(text.lower(), text)


def season_of(day: dt.date, *, calendar_year: bool = False) -> str:
    """The club season a date falls in (seasons start on 1 July), or its year."""
    if calendar_year:
        return str(day.year)
    start = day.year if day.month >= 7 else day.year - 1
    return season_label(start)


def season_label(start_year: int) -> str:
    """``2023`` -> ``"2023-24"``."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"
