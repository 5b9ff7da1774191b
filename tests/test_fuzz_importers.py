"""Fuzzing every importer with damaged copies of small real samples (issue 12).

Each example takes a real sample of one format (football-data in both layouts, openfootball
Football.TXT, engsoccerdata, the internationals' results, goalscorers and shootouts), damages it
(truncation, random bytes, huge numbers, empty fields, other encodings, swapped columns, lost or
repeated lines) and imports it into a temporary store. Whatever the damage:

- nothing but remontada's own errors (:class:`~remontada.errors.RemontadaError`) comes out;
- an import that fails leaves every table exactly as it was;
- an import that succeeds records each rejected row with a reason, and counts what it stored;
- with one bad cell, every other row is kept and the bad row is imported or rejected, never lost.

Examples are bounded (a fifth of the profile's, at most 40) so that the suite stays quick;
``CI=1`` selects the conftest's larger profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remontada.data.ingest import import_file
from remontada.data.names import AliasBook
from remontada.data.store import TABLES, Store
from remontada.errors import RemontadaError

DATA = Path(__file__).parent / "data"
BOOK = AliasBook.shipped()
FUZZ = settings(
    max_examples=max(5, min(40, settings.default.max_examples // 5)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@dataclass(frozen=True)
class Sample:
    """A small real file of one format, and where it must sit for its name to mean something."""

    source: Path
    name: str
    lines: int | None = None
    """Keep only the first lines (header included) to keep examples quick."""

    def text(self) -> str:
        text = self.source.read_text(encoding="utf-8-sig")
        return text if self.lines is None else "\n".join(text.split("\n")[: self.lines]) + "\n"


SAMPLES = {
    "football-data": Sample(DATA / "football-data/N1.csv", "N1.csv", 12),
    "football-data-iso": Sample(
        DATA / "football-data/premier-league/season-2324.csv", "premier-league/season-2324.csv", 12
    ),
    "openfootball": Sample(DATA / "openfootball/el-2023-24.txt", "2023-24/el.txt", 40),
    "engsoccerdata": Sample(DATA / "engsoccerdata/italy.csv", "italy.csv", 12),
    "international-results": Sample(DATA / "international/results.csv", "results.csv"),
    "international-goalscorers": Sample(DATA / "international/goalscorers.csv", "goalscorers.csv"),
    "international-shootouts": Sample(DATA / "international/shootouts.csv", "shootouts.csv"),
}
CSV_SAMPLES = [k for k in SAMPLES if k != "openfootball"]
MATCH_SAMPLES = ["football-data", "football-data-iso", "engsoccerdata", "international-results"]

NASTY = [
    "",
    " ",
    "NA",
    "-1",
    "-0",
    "99999999999999999999",
    "1e400",
    "NaN",
    "inf",
    "1.5",
    "٣",
    "²",
    "\x00",
    '"',
    "x" * 200_000,
    "2024-02-30",
    "31/12/99",
    "9999-12-31",
    "0000-01-01",
    "Ä" * 3,
    "<img src=x onerror=alert(1)>",
]


# -- mutations ---------------------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, text: str) -> bytes:
    """The sample's bytes after one to three random kinds of damage."""
    for _ in range(draw(st.integers(1, 3))):
        text = draw(st.sampled_from([_cell, _swap_columns, _drop_line, _repeat_line, _same]))(draw, text)
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])))
    kind = draw(st.sampled_from(["none", "truncate", "bytes", "latin-1"]))
    if kind == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif kind == "bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    elif kind == "latin-1":
        data = text.encode("latin-1", errors="replace")
    return data


def _same(draw: st.DrawFn, text: str) -> str:
    return text


def _cell(draw: st.DrawFn, text: str) -> str:
    """Replace one comma-separated cell (or one word of a text file) with a nasty value."""
    lines = text.split("\n")
    row = draw(st.integers(0, max(0, len(lines) - 1)))
    cells = lines[row].split(",") if "," in lines[row] else lines[row].split(" ")
    col = draw(st.integers(0, max(0, len(cells) - 1)))
    cells[col] = draw(st.sampled_from(NASTY) | st.text(max_size=12))
    lines[row] = ("," if "," in lines[row] else " ").join(cells)
    return "\n".join(lines)


def _swap_columns(draw: st.DrawFn, text: str) -> str:
    """Swap two columns in every line (or two words on one line of a text file)."""
    lines = text.split("\n")
    width = len(lines[0].split(","))
    i, j = draw(st.integers(0, max(0, width - 1))), draw(st.integers(0, max(0, width - 1)))
    swapped = []
    for line in lines:
        cells = line.split(",")
        if max(i, j) < len(cells):
            cells[i], cells[j] = cells[j], cells[i]
        swapped.append(",".join(cells))
    return "\n".join(swapped)


def _drop_line(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    del lines[draw(st.integers(0, max(0, len(lines) - 1)))]
    return "\n".join(lines)


def _repeat_line(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    at = draw(st.integers(0, max(0, len(lines) - 1)))
    return "\n".join(lines[: at + 1] + lines[at:])


# -- the checks ----------------------------------------------------------------------------------------


def _counts(store: Store) -> dict[str, int]:
    return {t: store.count(t) for t in TABLES}


def _write(tmp_path: Path, sample: Sample, data: bytes, n: int) -> Path:
    path = tmp_path / f"example-{n}" / sample.name
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    return path


def _import_checked(store: Store, path: Path):
    """Import ``path``; check the invariants; return the report, or ``None`` if it was refused."""
    before = _counts(store)
    try:
        report = import_file(store, path, book=BOOK, source=str(path))
    except RemontadaError:
        assert _counts(store) == before, "a refused import changed the store"
        return None
    after = _counts(store)
    assert after["matches"] - before["matches"] == report.matches_new
    assert after["rejects"] - before["rejects"] == report.rejects
    assert after["imports"] == before["imports"] + 1
    empty = store.one("SELECT count(*) FROM rejects WHERE reason IS NULL OR trim(reason) = ''")
    assert empty == (0,), "a rejected row without a reason"
    return report


@pytest.fixture(scope="module")
def counter():
    return iter(range(10**9))


@pytest.mark.parametrize("fmt", list(SAMPLES))
@FUZZ
@given(data=st.data())
def test_any_damage_ends_in_an_import_or_a_clear_error(tmp_path, counter, fmt, data):
    sample = SAMPLES[fmt]
    damaged = data.draw(mutated(sample.text()))
    with Store.memory() as store:
        _import_checked(store, _write(tmp_path, sample, damaged, next(counter)))


@pytest.mark.parametrize("fmt", MATCH_SAMPLES)
@FUZZ
@given(data=st.data())
def test_one_bad_cell_loses_nothing_else(tmp_path, counter, fmt, data):
    sample = SAMPLES[fmt]
    lines = sample.text().rstrip("\n").split("\n")
    row = data.draw(st.integers(1, len(lines) - 1), label="row")  # a data row, not the header
    cells = lines[row].split(",")
    col = data.draw(st.integers(0, len(cells) - 1), label="column")
    cells[col] = data.draw(st.sampled_from(NASTY), label="value")
    lines[row] = ",".join(cells)
    with Store.memory() as store:
        report = _import_checked(store, _write(tmp_path, sample, ("\n".join(lines) + "\n").encode(), next(counter)))
        assert report is not None, "one bad cell refused the whole file"
        kept = store.df(
            "SELECT source_line AS line FROM matches UNION SELECT source_line FROM match_sources "
            "UNION SELECT line FROM rejects"
        )
        accounted = set(kept["line"].dropna().astype(int))
    data_lines = {n for n, text in enumerate(lines, start=1) if n > 1 and text.strip()}
    assert data_lines <= accounted, f"lines neither stored nor rejected: {sorted(data_lines - accounted)}"
