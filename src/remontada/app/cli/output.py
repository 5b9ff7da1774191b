"""Tables that fit: Rich in a wide terminal, blocks in a narrow one, plain columns piped, CSV on demand.

A Rich table squeezed below its natural width breaks words into pieces (a file path
in four-letter slices), and piped output has no width at all: a reader's ``| cat``,
``| less -S`` or ``| grep`` wants each row on one line. So a table is rendered:

* with ``--csv``: as CSV (the text of each cell, no colour), nothing else printed;
* piped (stdout not a terminal): title, header and rows as plain columns separated
  by two spaces, each row on one line however wide;
* in a terminal: as a Rich table when every column fits its longest word, else as
  one block of ``column: value`` lines per row, so no word is ever cut.

Cells are plain text or Rich ``Text`` (for colour); a ``str`` is never read as markup,
so a team called ``[Evil]`` prints as it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import typer
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from remontada.app.plain import plain

Cell = str | Text
UNBOUNDED = 100_000
"""A width no table reaches: its natural minimum is measured against it."""


@dataclass
class Grid:
    """A table to show: its columns (the names of right-aligned ones in ``right``), rows, title and caption."""

    columns: Sequence[str]
    title: str | None = None
    caption: str | None = None
    right: frozenset[str] = frozenset()
    rows: list[list[Cell]] = field(default_factory=list)

    def add(self, *cells: Cell) -> None:
        """Append a row (one cell per column)."""
        self.rows.append(list(cells))

    @classmethod
    def of(cls, frame: pd.DataFrame, title: str | None = None, limit: int | None = None) -> Grid:
        """A data frame's first ``limit`` rows (numbers right-aligned; missing values empty)."""
        numeric = frozenset(str(c) for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]))
        grid = cls([str(c) for c in frame.columns], title, right=numeric)
        shown = frame if limit is None else frame.head(limit)
        for row in shown.itertuples(index=False):
            grid.add(*["" if plain(v) is None else str(plain(v)) for v in row])
        return grid


def text_of(cell: Cell) -> str:
    """A cell's text, without colour."""
    return cell.plain if isinstance(cell, Text) else cell


def as_csv(grid: Grid) -> str:
    """The grid as CSV text: its header and rows, no title."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(grid.columns)
    writer.writerows([text_of(c) for c in row] for row in grid.rows)
    return buffer.getvalue()


def as_plain(grid: Grid) -> list[str]:
    """The grid as lines of plain columns (two spaces apart, numbers right-aligned), one line a row."""
    texts = [[text_of(c) for c in row] for row in grid.rows]
    widths = [max([len(name), *(len(row[i]) for row in texts)]) for i, name in enumerate(grid.columns)]

    def line(cells: Iterable[str]) -> str:
        padded = [
            c.rjust(w) if name in grid.right else c.ljust(w)
            for c, w, name in zip(cells, widths, grid.columns, strict=True)
        ]
        return "  ".join(padded).rstrip()

    lines = [grid.title] if grid.title else []
    lines += [line(grid.columns), *(line(row) for row in texts)]
    return lines + ([grid.caption] if grid.caption else [])


def as_rich(grid: Grid) -> Table:
    """The grid as a Rich table (words are wrapped at spaces, never cut, when the table fits)."""
    table = Table(title=grid.title, caption=grid.caption, header_style="bold")
    for name in grid.columns:
        table.add_column(name, justify="right" if name in grid.right else "left")
    for row in grid.rows:
        table.add_row(*(c if isinstance(c, Text) else Text(c) for c in row))
    return table


def as_blocks(grid: Grid) -> list[Text]:
    """The grid as one block per row, ``column: value`` a line: for terminals too narrow for its columns."""
    lines = [Text(grid.title, style="bold")] if grid.title else []
    for row in grid.rows:
        lines.append(Text(""))
        for name, cell in zip(grid.columns, row, strict=True):
            value = cell if isinstance(cell, Text) else Text(cell)
            if value.plain:
                lines.append(Text.assemble((f"{name or '-'}: ", "dim"), value))
    return lines + ([Text(grid.caption, style="dim")] if grid.caption else [])


def show(console: Console, grid: Grid, *, csv_out: bool = False) -> None:
    """Print ``grid`` as CSV (``csv_out``), plain columns (piped), a Rich table or blocks (a narrow terminal)."""
    if csv_out:
        typer.echo(as_csv(grid), nl=False)
        return
    if not console.is_terminal:
        for text in as_plain(grid):
            console.print(text, markup=False, highlight=False, soft_wrap=True)
        return
    table = as_rich(grid)
    unbounded = console.options.update_width(UNBOUNDED)  # else the measure is clamped to the terminal's width
    if Measurement.get(console, unbounded, table).minimum <= console.width:
        console.print(table)
        return
    for block in as_blocks(grid):
        console.print(block, soft_wrap=True)  # a word longer than the terminal is wrapped by it, not cut in two


__all__ = ["Cell", "Grid", "as_blocks", "as_csv", "as_plain", "as_rich", "show", "text_of"]
