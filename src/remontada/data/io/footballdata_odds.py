"""football-data.co.uk's price columns: what each column name says, and every price cell read as a price.

The files carry one column per bookmaker, market, selection and timing: ``B365H`` is
Bet365's price on a home win, ``PC>2.5`` Pinnacle's closing price on over 2.5 goals,
``AHh`` the Asian handicap's line. :func:`parse_odds_column` reads a column's name,
:func:`odds_of` a file's whole block of prices (see football-data.co.uk's notes.txt).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from remontada.data.io.base import ODDS, REJECTS

__all__ = ["BOOKMAKERS", "OddsColumn", "handicap_column", "odds_of", "parse_odds_column"]

_PRICE = next(c for c in ODDS.columns if c.name == "price")

BOOKMAKERS: dict[str, str] = {
    "1XB": "1xBet",
    "B365": "Bet365",
    "BF": "Betfair",
    "BFD": "Betfred",
    "BFE": "Betfair Exchange",
    "BMGM": "BetMGM",
    "BS": "Blue Square",
    "BV": "BetVictor",
    "BW": "Bet&Win",
    "CL": "Coral",
    "GB": "Gamebookers",
    "IW": "Interwetten",
    "LB": "Ladbrokes",
    "P": "Pinnacle (over/under, Asian handicap, and 1X2 in the extra leagues)",
    "PS": "Pinnacle (1X2)",
    "SB": "Sportingbet",
    "SJ": "Stan James",
    "SO": "Sporting Odds",
    "SY": "Stanleybet",
    "VC": "VC Bet",
    "WH": "William Hill",
    "Max": "market maximum",
    "Avg": "market average",
    "BbMx": "Betbrain maximum",
    "BbAv": "Betbrain average",
}
"""The price-column prefixes football-data.co.uk uses, with what they stand for.

The list has to be explicit: ``C`` both marks closing prices (``B365CH``) and ends
bookmaker codes (``VCH`` is VC Bet's opening home price, ``VCCH`` its closing one).
``Bb1X2``, ``BbOU`` and ``BbAH`` are counts of Betbrain bookmakers, not prices."""

_ODDS_COLUMN = re.compile(
    r"(?P<bookmaker>{})(?P<closing>C)?(?:(?P<result>[HDA])|(?P<side>[<>])(?P<goals>\d+(?:\.\d+)?)|AH(?P<team>[HA]))".format(
        "|".join(sorted(BOOKMAKERS, key=len, reverse=True))
    )
)
_SELECTIONS = {"H": "home", "D": "draw", "A": "away", ">": "over", "<": "under"}


class OddsColumn(NamedTuple):
    """What one price column holds (see :func:`parse_odds_column`)."""

    bookmaker: str
    market: str
    selection: str
    point: float | None
    timing: str


def parse_odds_column(name: str) -> OddsColumn | None:
    """Read a football-data.co.uk column name as a price column, or ``None``.

    The grammar is ``<bookmaker>[C]<market>``: ``bookmaker`` one of
    :data:`BOOKMAKERS`, ``C`` for the closing price (the last before kick-off; without
    it the price was taken days before), and ``market``:

    * ``H`` / ``D`` / ``A`` -- 1X2: home win, draw, away win (``B365H``, ``PSCA``);
    * ``>2.5`` / ``<2.5`` -- over/under that many goals (``P>2.5``, ``BbAv<2.5``);
    * ``AHH`` / ``AHA`` -- Asian handicap, home or away side (``B365CAHH``). The line is
      not in the name but in a handicap column of the row (:func:`handicap_column`).

    Parameters
    ----------
    name
        A column name from the header.

    Returns
    -------
    OddsColumn or None
        ``None`` for anything that is not a price: scores, statistics, ``AHh``, the
        Betbrain bookmaker counts, unknown bookmakers.
    """
    match = _ODDS_COLUMN.fullmatch(name.strip())
    if match is None:
        return None
    timing = "closing" if match["closing"] else "opening"
    if match["result"]:
        return OddsColumn(match["bookmaker"], "1x2", _SELECTIONS[match["result"]], None, timing)
    if match["side"]:
        return OddsColumn(match["bookmaker"], "over_under", _SELECTIONS[match["side"]], float(match["goals"]), timing)
    return OddsColumn(match["bookmaker"], "asian_handicap", "home" if match["team"] == "H" else "away", None, timing)


def handicap_column(odds: OddsColumn, header: Sequence[str]) -> str:
    """Name the column holding the home side's handicap for an Asian handicap price column.

    In order: the bookmaker's own (``B365AH``, ``GBAH``, ``LBAH`` in files before
    2012), else Betbrain's ``BbAHh`` for ``BbMx``/``BbAv``, else the market's ``AHh``
    (opening) or ``AHCh`` (closing) -- the last even when the header lacks it.
    """
    closing = "C" if odds.timing == "closing" else ""
    own = f"{odds.bookmaker}{closing}AH"
    shared = "BbAHh" if odds.bookmaker.startswith("Bb") else f"AH{closing}h"
    return own if own in header else shared


# --- dates and seasons ----------------------------------------------------------------------------


def odds_of(header: list[str], rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every price cell of ``rows`` as an ODDS row, and rejects for cells that hold no price.

    The block of price columns is flattened in one go, line by line and column by
    column; empty cells are skipped. The price rule is the ODDS table's own, checked
    here so that the reason names the column.
    """
    specs = [(name, spec) for name in header if (spec := parse_odds_column(name)) is not None]
    if not specs or rows.empty:
        return ODDS.empty(), REJECTS.empty()
    names = [name for name, _ in specs]
    points = np.full((len(rows), len(specs)), np.nan)
    handicaps = [handicap_column(spec, header) if spec.market == "asian_handicap" else "" for _, spec in specs]
    for j, (_, spec) in enumerate(specs):
        if spec.point is not None:
            points[:, j] = spec.point
        elif handicaps[j] in header:
            points[:, j] = pd.to_numeric(rows[handicaps[j]].str.strip(), errors="coerce").to_numpy(dtype=float)

    def per_column(values: Sequence[object]) -> np.ndarray:
        return np.tile(np.asarray(values, dtype=object), len(rows))

    flat = pd.DataFrame(
        {
            "line": np.repeat(rows["line"].to_numpy(), len(specs)),
            "raw": np.repeat(rows["raw"].to_numpy(), len(specs)),
            "column": per_column(names),
            "bookmaker": per_column([spec.bookmaker for _, spec in specs]),
            "market": per_column([spec.market for _, spec in specs]),
            "selection": per_column([spec.selection for _, spec in specs]),
            "point": points.reshape(-1),
            "timing": per_column([spec.timing for _, spec in specs]),
            "cell": rows[names].to_numpy(dtype=str).reshape(-1),
            "handicap": per_column(handicaps),
        }
    )
    flat["cell"] = flat["cell"].str.strip()
    flat = flat[flat["cell"] != ""].reset_index(drop=True)
    flat["price"] = pd.to_numeric(flat["cell"], errors="coerce")
    price_ok = flat["price"].notna()
    if _PRICE.check is not None:
        price_ok[price_ok] = _PRICE.check(flat.loc[price_ok, "price"])
    no_line = price_ok & (flat["market"] == "asian_handicap") & flat["point"].isna()
    reason = pd.Series("", index=flat.index, dtype=object)
    column = "odds column " + flat["column"] + ": "
    reason[~price_ok] = column + flat["cell"].map(repr) + f" is not {_PRICE.check_text}"
    reason[no_line] = column + "no handicap in " + flat["handicap"]
    bad = reason != ""
    rejects = pd.DataFrame({"line": flat.loc[bad, "line"], "raw": flat.loc[bad, "raw"], "reason": reason[bad]})
    return flat.loc[~bad, [*ODDS.names, "raw"]].reset_index(drop=True), rejects.reset_index(drop=True)
