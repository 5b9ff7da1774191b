"""Importers, one per source format, and format detection.

``detect(path)`` asks each importer whether a file looks like its format (from the
first few KB of text, not the file name; UTF-8, Latin-1 or UTF-16) and refuses a
file nobody claims, or a binary one, with a message that lists the formats
remontada reads.
"""

from __future__ import annotations

from pathlib import Path

from remontada.data.io.base import Importer, decode, nul_line
from remontada.data.io.engsoccer import EngsoccerImporter
from remontada.data.io.fixtures_csv import FixturesCsvImporter
from remontada.data.io.footballdata import FootballDataImporter
from remontada.data.io.international import InternationalImporter
from remontada.data.io.openfootball import OpenFootballImporter
from remontada.errors import UnknownFormatError

__all__ = ["IMPORTERS", "detect", "formats_text", "importer_named"]

IMPORTERS: tuple[Importer, ...] = (
    FootballDataImporter(),
    EngsoccerImporter(),
    InternationalImporter(),
    OpenFootballImporter(),
    FixturesCsvImporter(),
)
"""Every importer, in the order detection asks them."""

_HEAD_BYTES = 8192
_BINARY_SHARE = 0.01
"""A head with more NUL characters than this share is binary; a few NULs only spoil their rows."""


def formats_text() -> str:
    """One line per format: its ``--format`` name and what it reads."""
    return "\n".join(f"  {imp.name}: {imp.description}" for imp in IMPORTERS)


def importer_named(name: str) -> Importer:
    """The importer for ``--format name``."""
    for imp in IMPORTERS:
        if imp.name == name:
            return imp
    raise UnknownFormatError(f"unknown format {name!r}; remontada reads:\n{formats_text()}")


def detect(path: Path) -> Importer:
    """The importer whose format ``path`` is in; refuses files no importer claims."""
    with open(path, "rb") as fh:
        raw = fh.read(_HEAD_BYTES)
    head = decode(raw, path, partial=True).replace("\r\n", "\n").replace("\r", "\n")
    if head.count("\x00") > _BINARY_SHARE * len(head):
        raise UnknownFormatError(
            f"{path}: a binary file (NUL bytes from line {nul_line(head)}), not one of the formats remontada "
            f"reads:\n{formats_text()}"
        )
    claims = [imp for imp in IMPORTERS if imp.sniff(path, head)]
    if not claims:
        raise UnknownFormatError(f"{path}: not in a format remontada recognises. It reads:\n{formats_text()}")
    return claims[0]
