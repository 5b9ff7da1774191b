"""Storing bookmakers' prices: a match's in ``odds``, a fixture's in ``fixture_odds``.

An importer gives every price of a file tied to its line (:data:`~remontada.data.io.base.ODDS`);
the import knows which line became which stored match or fixture. Files are fetched
again as a season goes on (``remontada data fetch``), and every new version of a
results file repeats the prices of the matches already stored. So a price is stored
once: a match's price is added only if the store has no price of that match under the
same column (bookmaker, market, selection, line and timing), and a fixture's prices are
those of its newest listing (a fixture listed again has its prices replaced: the
market has moved). A fixture's prices go with it when its result replaces it.
"""

from __future__ import annotations

import duckdb
import pandas as pd

__all__ = ["store_fixture_odds", "store_match_odds"]

_KEY = ("source_column", "bookmaker", "market", "selection", "point", "timing")
"""What makes two prices of one match the same price."""


def _priced(odds: pd.DataFrame, line_to_id: dict[int, int], id_column: str, import_id: int) -> pd.DataFrame:
    """The prices of the lines in ``line_to_id``, with the stored row's id and the import's."""
    frame = odds[odds["line"].isin(line_to_id)].copy()
    frame[id_column] = frame["line"].map(line_to_id)
    frame["import_id"] = import_id
    return frame.rename(columns={"column": "source_column"})


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], frame: pd.DataFrame, where: str) -> int:
    """Insert ``frame``'s rows into ``table`` that pass ``where`` (SQL on ``i``, the incoming row); return how many."""
    con.register("incoming_prices", frame[columns])
    try:
        row = con.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(f'i.{c}' for c in columns)} "
            f"FROM incoming_prices i WHERE {where}"
        ).fetchone()
    finally:
        con.unregister("incoming_prices")
    return int(row[0]) if row else 0


def store_match_odds(
    con: duckdb.DuckDBPyConnection,
    columns: list[str],
    odds: pd.DataFrame,
    line_to_match: dict[int, int],
    import_id: int,
) -> int:
    """Store the prices of the file's matches that the store lacks; return how many were added.

    Parameters
    ----------
    con
        The store's connection, inside the import's transaction.
    columns
        The ``odds`` table's columns.
    odds
        The file's prices (canonical ``ODDS`` rows).
    line_to_match
        Source line -> stored match id, for the file's matches (new or merged).
    import_id
        The import storing them.
    """
    frame = _priced(odds, line_to_match, "match_id", import_id)
    if frame.empty:
        return 0
    same = " AND ".join(f"o.{c} IS NOT DISTINCT FROM i.{c}" for c in _KEY)
    return _insert(
        con, "odds", columns, frame, f"NOT EXISTS (SELECT 1 FROM odds o WHERE o.match_id = i.match_id AND {same})"
    )


def store_fixture_odds(
    con: duckdb.DuckDBPyConnection,
    columns: list[str],
    odds: pd.DataFrame,
    line_to_fixture: dict[int, int],
    import_id: int,
) -> int:
    """Store the prices of the file's fixtures, replacing those of an earlier listing; return how many.

    Parameters are those of :func:`store_match_odds`, with ``line_to_fixture`` mapping
    source lines to stored fixture ids.
    """
    frame = _priced(odds, line_to_fixture, "fixture_id", import_id)
    if frame.empty:
        return 0
    con.execute(
        "DELETE FROM fixture_odds WHERE fixture_id IN (SELECT unnest(?::INTEGER[]))",
        [sorted({int(i) for i in frame["fixture_id"]})],
    )
    return _insert(con, "fixture_odds", columns, frame, "true")
