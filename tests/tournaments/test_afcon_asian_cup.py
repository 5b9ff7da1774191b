"""The AFC Asian Cup and Africa Cup of Nations formats against their sources, transcribed here by
hand from src/remontada/tournaments/builtin/thirds/SOURCES.md, and against the editions as played.

Both thirds tables are EURO 2016's where they could be read; the rows no copy gave (2 for the
Asian Cup, 4 for AFCON) are inferred from EURO 2016, and these tests pin which rows those are.
"""

import csv
import re
from itertools import combinations
from pathlib import Path

import pytest

from remontada.tournaments.formats import builtin_formats, load_format

BUILTIN = Path(__file__).resolve().parents[2] / "src" / "remontada" / "tournaments" / "builtin"
ASIAN_CUP = BUILTIN / "asian-cup-24.toml"
AFCON = BUILTIN / "afcon-24.toml"
RESULTS = Path("/work/shared/data/international/results.csv")
COLUMNS = ["qualified", "1A", "1B", "1C", "1D"]
ALL = {"".join(c) for c in combinations("ABCDEF", 4)}

# UEFA EURO 2016 (thirds facing 1A, 1B, 1C, 1D), complete in three copies (SOURCES.md).
EURO_2016 = {
    "ABCD": "CDAB", "ABCE": "CABE", "ABCF": "CABF", "ABDE": "DABE", "ABDF": "DABF",
    "ABEF": "EABF", "ACDE": "CDAE", "ACDF": "CDAF", "ACEF": "CAFE", "ADEF": "DAFE",
    "BCDE": "CDBE", "BCDF": "CDBF", "BCEF": "ECBF", "BDEF": "EDBF", "CDEF": "CDFE",
}  # fmt: skip

# "2019 AFC Asian Cup knockout stage", table "1A vs 1B vs 1C vs 1D": the 13 rows read.
ASIAN_CUP_READ = {
    "ABCD": "CDAB",  # "A B C D 3C 3D 3A 3B"
    "ABCE": "CABE",
    "ABCF": "CABF",
    "ABDE": "DABE",
    "ABDF": "DABF",
    "ABEF": "EABF",
    "ACDE": "CDAE",
    "ACDF": "CDAF",  # 2019 as played
    "ACEF": "CAFE",
    "ADEF": "DAFE",
    "BCDE": "CDBE",  # 2023 as played
    "BCDF": "CDBF",
    "BCEF": "ECBF",  # "B C E F 3E 3C 3B 3F"
}
ASIAN_CUP_INFERRED = {"BDEF", "CDEF"}  # from EURO 2016, see SOURCES.md

# "2019 Africa Cup of Nations knockout stage", same columns: the 11 rows read.
AFCON_READ = {q: EURO_2016[q] for q in sorted(ALL)[:11]}
AFCON_READ_SPOT = [("ABDF", "DABF"), ("ACEF", "CAFE"), ("BCDE", "CDBE")]  # "A B D F 3D 3A 3B 3F" ...
AFCON_INFERRED = {"BCDF", "BCEF", "BDEF", "CDEF"}  # from EURO 2016, see SOURCES.md

# Editions as played: the group winner, the third it met (group letter, team), and the
# results.csv date window when the edition is in it (None: played after results.csv ends).
EDITIONS = {
    "afcon-2019": ("ABDF", ("2019-07-05", "2019-07-08"), {
        "1A": ("Egypt", "D", "South Africa"),
        "1B": ("Madagascar", "A", "DR Congo"),
        "1C": ("Algeria", "B", "Guinea"),
        "1D": ("Morocco", "F", "Benin"),
    }),
    "afcon-2021": ("ABCF", ("2022-01-23", "2022-01-26"), {
        "1A": ("Cameroon", "C", "Comoros"),
        "1B": ("Senegal", "A", "Cape Verde"),
        "1C": ("Morocco", "B", "Malawi"),
        "1D": ("Nigeria", "F", "Tunisia"),
    }),
    "afcon-2023": ("ACDE", None, {
        "1A": ("Equatorial Guinea", "C", "Guinea"),
        "1B": ("Cape Verde", "D", "Mauritania"),
        "1C": ("Senegal", "A", "Ivory Coast"),
        "1D": ("Angola", "E", "Namibia"),
    }),
    "asian-cup-2019": ("ACDF", ("2019-01-20", "2019-01-22"), {
        "1A": ("United Arab Emirates", "C", "Kyrgyzstan"),
        "1B": ("Jordan", "D", "Vietnam"),
        "1C": ("South Korea", "A", "Bahrain"),
        "1D": ("Iran", "F", "Oman"),
    }),
    "asian-cup-2023": ("BCDE", None, {
        "1A": ("Qatar", "C", "Palestine"),
        "1B": ("Australia", "D", "Indonesia"),
        "1C": ("Iran", "B", "Syria"),
        "1D": ("Iraq", "E", "Jordan"),
    }),
}  # fmt: skip


def read_table(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == COLUMNS
    return {row[0]: "".join(row[1:]) for row in rows[1:]}


def test_the_asian_cup_format_loads_and_is_built_in():
    fmt = load_format(ASIAN_CUP)
    assert fmt.name == "asian-cup-24" and fmt.neutral
    assert "asian-cup-24" in builtin_formats()
    assert fmt.thirds is not None and set(fmt.thirds.table) == ALL
    assert fmt.groups.names == tuple("ABCDEF") and fmt.groups.size == 4
    assert fmt.stages[-5:] == ("round_of_16", "quarterfinals", "semifinals", "final", "winner")


def test_the_afcon_format_loads_and_is_built_in():
    fmt = load_format(AFCON)
    assert fmt.name == "afcon-24" and fmt.neutral
    assert "afcon-24" in builtin_formats()
    assert fmt.thirds is not None and set(fmt.thirds.table) == ALL
    assert fmt.stages[-5:] == ("round_of_16", "quarterfinals", "semifinals", "final", "winner")


def test_the_afcon_file_says_which_rows_are_inferred():
    text = AFCON.read_text()
    assert "PARTLY INFERRED" in text
    assert all(q in text for q in AFCON_INFERRED)
    assert "INFERRED" in (BUILTIN / "thirds" / "SOURCES.md").read_text()


@pytest.mark.parametrize("path", [ASIAN_CUP, AFCON])
def test_the_bracket_slots(path):
    text = path.read_text()
    ties = dict(re.findall(r'"(\d+): (\S+ v \S+)"', text))
    assert sorted(ties) == [str(i) for i in range(37, 52)]
    thirds = {home: set(away[2:-1]) for home, away in (t.split(" v ") for t in ties.values()) if away.startswith("3[")}
    assert thirds == {"1A": set("CDE"), "1B": set("ACD"), "1C": set("ABF"), "1D": set("BEF")}
    direct = {s for t in list(ties.values())[:8] for s in t.split(" v ") if not s.startswith("3[")}
    assert direct == {"1E", "1F", "2A", "2B", "2C", "2D", "2E", "2F", "1A", "1B", "1C", "1D"}
    assert 'rules = "single-match"' in text and "neutral = true" in text


def test_the_afcon_round_of_16_is_cafs():
    ties = dict(re.findall(r'"(\d+): (\S+ v \S+)"', AFCON.read_text()))
    assert [ties[str(i)] for i in range(37, 45)] == [
        "1B v 3[ACD]", "2A v 2C", "1A v 3[CDE]", "1C v 3[ABF]",
        "1D v 3[BEF]", "2B v 2F", "1E v 2D", "1F v 2E",
    ]  # fmt: skip
    # 2019 schedule: QF W38-W41, W42-W39, W43-W40, W37-W44; SF QF1-QF4, QF3-QF2
    assert [ties[str(i)] for i in range(45, 52)] == [
        "W38 v W41", "W42 v W39", "W43 v W40", "W37 v W44", "W45 v W48", "W47 v W46", "W49 v W50",
    ]  # fmt: skip


def test_the_asian_cup_table_matches_the_rows_read():
    table = read_table(BUILTIN / "thirds" / "asian-cup-24.csv")
    assert set(table) == ALL
    for qualified, thirds in ASIAN_CUP_READ.items():
        assert table[qualified] == thirds, qualified
    assert set(table) - set(ASIAN_CUP_READ) == ASIAN_CUP_INFERRED
    for qualified in ASIAN_CUP_INFERRED:
        assert table[qualified] == EURO_2016[qualified]


def test_the_afcon_rows_match_the_rows_read():
    table = read_table(BUILTIN / "thirds" / "afcon-24.csv")
    assert set(table) == ALL
    assert {q: table[q] for q in AFCON_READ} == AFCON_READ
    for qualified, thirds in AFCON_READ_SPOT:
        assert table[qualified] == thirds
    assert set(table) - set(AFCON_READ) == AFCON_INFERRED
    for qualified in AFCON_INFERRED:
        assert table[qualified] == EURO_2016[qualified]


def test_no_edition_played_used_an_inferred_row():
    for edition, (qualified, _, _) in EDITIONS.items():
        assert qualified not in (AFCON_INFERRED if edition.startswith("afcon") else ASIAN_CUP_INFERRED), edition


@pytest.mark.parametrize("path", [BUILTIN / "thirds" / "asian-cup-24.csv", BUILTIN / "thirds" / "afcon-24.csv"])
def test_each_row_is_allowed_by_the_slots(path):
    allowed = {"1A": "CDE", "1B": "ACD", "1C": "ABF", "1D": "BEF"}
    for qualified, thirds in read_table(path).items():
        assert sorted(thirds) == sorted(qualified)
        for column, group in zip(COLUMNS[1:], thirds, strict=True):
            assert group in allowed[column], (qualified, column)


@pytest.mark.parametrize("edition", sorted(EDITIONS))
def test_the_editions_as_played_match_their_rows(edition):
    qualified, _, met = EDITIONS[edition]
    path = BUILTIN / "thirds" / "asian-cup-24.csv"
    if edition.startswith("afcon"):
        path = BUILTIN / "thirds" / "afcon-24.csv"
    row = read_table(path)[qualified]
    assert "".join(met[c][1] for c in COLUMNS[1:]) == row
    assert "".join(sorted(g for _, g, _ in met.values())) == qualified


@pytest.mark.parametrize("edition", sorted(e for e, v in EDITIONS.items() if v[1]))
def test_the_editions_as_played_are_in_the_results(edition):
    if not RESULTS.exists():
        pytest.skip("results.csv is not available here")
    _, (first, last), met = EDITIONS[edition]
    tournament = "African Cup of Nations" if edition.startswith("afcon") else "AFC Asian Cup"
    with open(RESULTS, newline="") as f:
        played = {
            frozenset((r["home_team"], r["away_team"]))
            for r in csv.DictReader(f)
            if r["tournament"] == tournament and first <= r["date"] <= last
        }
    for winner, _, third in met.values():
        assert frozenset((winner, third)) in played, (winner, third)
