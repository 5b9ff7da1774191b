"""The best-third-placed tables and the formats that use them agree with each other and with the regulations.

Only the standard library reads them (csv, tomllib): the format loader is written elsewhere.
The spot-checked rows are transcribed by hand from the sources in
src/remontada/tournaments/builtin/thirds/SOURCES.md, independently of the CSV files.
"""

import csv
import re
import tomllib
from itertools import combinations
from pathlib import Path

import pytest

BUILTIN = Path(__file__).resolve().parents[2] / "src" / "remontada" / "tournaments" / "builtin"
FORMATS = ["world-cup-48", "euro-24", "euro-16", "asian-cup-24", "afcon-24"]
STAGES = ["round_of_32", "round_of_16", "quarterfinals", "semifinals", "final"]
TIE = re.compile(r"^(\d+): (\S+) v (\S+)$")


def load_format(name):
    with open(BUILTIN / f"{name}.toml", "rb") as f:
        return tomllib.load(f)


def load_table(fmt):
    with open(BUILTIN / fmt["thirds"]["table"], newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    return header, rows


def ties(fmt):
    """(round index, id, home, away) for every tie, in order."""
    out = []
    for i, rnd in enumerate(fmt["rounds"]):
        for tie in rnd["ties"]:
            m = TIE.match(tie)
            assert m, tie
            out.append((i, int(m[1]), m[2], m[3]))
    return out


def third_slots(fmt):
    """Winner slot ('1B') -> the groups its '3[...]' opponent may come from."""
    slots = {}
    for _, _, home, away in ties(fmt):
        for mine, other in ((home, away), (away, home)):
            m = re.fullmatch(r"3\[([A-Z]+)\]", mine)
            if m:
                assert other not in slots, other
                slots[other] = set(m[1])
    return slots


@pytest.mark.parametrize("name", FORMATS)
def test_every_combination_of_qualified_groups_is_there_exactly_once(name):
    fmt = load_format(name)
    header, rows = load_table(fmt)
    qualified = [r[0] for r in rows]
    expected = {"".join(c) for c in combinations(fmt["groups"]["names"], fmt["thirds"]["count"])}
    assert len(qualified) == len(set(qualified)) == len(expected)
    assert set(qualified) == expected
    assert all(q == "".join(sorted(q)) for q in qualified)
    assert header[0] == "qualified" and len(header) == fmt["thirds"]["count"] + 1


@pytest.mark.parametrize("name", FORMATS)
def test_each_row_places_every_qualified_third_once(name):
    header, rows = load_table(load_format(name))
    for row in rows:
        assert len(row) == len(header), row
        assert sorted(row[1:]) == sorted(row[0]), row


@pytest.mark.parametrize("name", FORMATS)
def test_the_slots_in_the_bracket_allow_exactly_what_the_table_puts_there(name):
    fmt = load_format(name)
    header, rows = load_table(fmt)
    slots = third_slots(fmt)
    assert sorted(slots) == sorted(header[1:])
    for i, column in enumerate(header[1:], start=1):
        cells = {row[i] for row in rows}
        assert cells == slots[column], column
        assert column[1] not in cells, f"{column} would meet a third from its own group"


@pytest.mark.parametrize("name", FORMATS)
def test_the_bracket_is_consistent(name):
    fmt = load_format(name)
    groups, size = fmt["groups"]["names"], fmt["groups"]["size"]
    assert fmt["neutral"] is True
    assert [r["stage"] for r in fmt["rounds"]] == STAGES[-len(fmt["rounds"]) :]
    assert all(r["rules"] == "single-match" for r in fmt["rounds"])
    all_ties = ties(fmt)
    ids = [t[1] for t in all_ties]
    assert len(ids) == len(set(ids))
    round_of = {tie_id: rnd for rnd, tie_id, _, _ in all_ties}
    sizes = [len(r["ties"]) for r in fmt["rounds"]]
    assert sizes == [2**k for k in range(len(sizes) - 1, -1, -1)]

    first = [s for rnd, _, home, away in all_ties if rnd == 0 for s in (home, away)]
    direct = [s for s in first if not s.startswith("3[")]
    assert len(first) == len(set(first))
    assert sorted(direct) == sorted(f"{p}{g}" for g in groups for p in (1, 2))
    assert len(first) - len(direct) == fmt["thirds"]["count"]
    assert all(int(s[0]) <= size for s in direct)

    later = [(rnd, s) for rnd, _, home, away in all_ties if rnd > 0 for s in (home, away)]
    assert all(re.fullmatch(r"W\d+", s) for _, s in later)
    referenced = [int(s[1:]) for _, s in later]
    assert sorted(referenced) == sorted(i for i in ids if round_of[i] < len(sizes) - 1)
    for rnd, s in later:
        assert round_of[int(s[1:])] == rnd - 1, s


@pytest.mark.parametrize("name", FORMATS)
def test_ranking_keys_follow_the_schema(name):
    fmt = load_format(name)
    g = fmt["groups"]
    assert (g["size"], g["meetings"], g["points"]) == (4, 1, [3, 1, 0])
    assert g["criteria"][0] == ["h2h_points", "h2h_goal_difference", "h2h_goals", "reapply"]
    assert g["lots"] and fmt["thirds"]["lots"] and fmt["source"]
    assert not any(isinstance(c, list) or c.startswith("h2h") for c in fmt["thirds"]["criteria"])


# Annexe C of the Regulations for the FIFA World Cup 26: option number, then the third facing
# 1A, 1B, 1D, 1E, 1G, 1I, 1K, 1L. Options are numbered in the order of the CSV rows.
WORLD_CUP_ANNEX_C = [
    (1, "EFGHIJKL", "EJIFHGLK"),
    (7, "DEFGHIKL", "EGIDHFLK"),  # "7  D E F G H I K L  3E 3G 3I 3D 3H 3F 3L 3K"
    (19, "CDFHIJKL", "CJIDHFLK"),
    (41, "CDEFGHJL", "CGJDHFLE"),
    (46, "BFGHIJKL", "HJBFIGLK"),
    (127, "BCDFGHJK", "HGBCJFDK"),
    (166, "AFGHIJKL", "HJIFAGLK"),
    (246, "ACDFGHJL", "CGJDAFLH"),
    (288, "ABFGIJKL", "IJBFAGLK"),
    (325, "ABDFGJKL", "FJBDAGLK"),
    (391, "ABCEIJKL", "EJBAICLK"),
    (457, "ABCDFGHL", "CGBDAFLH"),
    (494, "ABCDEFGI", "CGBDAFEI"),  # 1E meets 3D (press reports on Annexe C, June 2026)
    (495, "ABCDEFGH", "HGBCAFDE"),  # 1E meets 3C (idem)
]

# Regulations of the UEFA European Football Championship 2018-20 and 2022-24, art. 21:
# the third facing 1B, 1C, 1E, 1F.
EURO_TABLE = [
    ("ABCD", "ADBC"),  # the regulation's own example: WB v 3A, WC v 3D, WE v 3B, WF v 3C
    ("ABEF", "EFBA"),
    ("ACDF", "FDCA"),  # EURO 2020 as played: Belgium-Portugal, Netherlands-Czechia, Sweden-Ukraine, France-Switzerland
    ("BCEF", "FECB"),
    ("CDEF", "FEDC"),  # EURO 2024 as played: Spain-Georgia, England-Slovakia, Romania-Netherlands, Portugal-Slovenia
]


@pytest.mark.parametrize("option,qualified,thirds", WORLD_CUP_ANNEX_C)
def test_world_cup_rows_match_annex_c(option, qualified, thirds):
    header, rows = load_table(load_format("world-cup-48"))
    assert header == ["qualified", "1A", "1B", "1D", "1E", "1G", "1I", "1K", "1L"]
    assert rows[option - 1] == [qualified, *thirds]


@pytest.mark.parametrize("qualified,thirds", EURO_TABLE)
def test_euro_rows_match_the_regulations(qualified, thirds):
    header, rows = load_table(load_format("euro-24"))
    assert header == ["qualified", "1B", "1C", "1E", "1F"]
    assert [qualified, *thirds] in rows


# Regulations of the UEFA European Championship 2014-16, art. 17.03, as printed in the Wikipedia
# article "UEFA Euro 2016 knockout phase" (revision of 22 June 2017): the third facing 1A (France),
# 1B (Wales), 1C (Germany), 1D (Croatia), for every combination, as the table reads row by row.
EURO_2016_TABLE = [
    ("ABCD", "3C 3D 3A 3B"), ("ABCE", "3C 3A 3B 3E"), ("ABCF", "3C 3A 3B 3F"),
    ("ABDE", "3D 3A 3B 3E"), ("ABDF", "3D 3A 3B 3F"), ("ABEF", "3E 3A 3B 3F"),
    ("ACDE", "3C 3D 3A 3E"), ("ACDF", "3C 3D 3A 3F"), ("ACEF", "3C 3A 3F 3E"),
    ("ADEF", "3D 3A 3F 3E"), ("BCDE", "3C 3D 3B 3E"), ("BCDF", "3C 3D 3B 3F"),
    ("BCEF", "3E 3C 3B 3F"),  # EURO 2016 as played: France-Rep. of Ireland, Wales-Northern Ireland,
    ("BDEF", "3E 3D 3B 3F"),  # Germany-Slovakia, Croatia-Portugal
    ("CDEF", "3C 3D 3F 3E"),
]  # fmt: skip


@pytest.mark.parametrize("qualified,thirds", EURO_2016_TABLE)
def test_euro_2016_rows_match_the_regulations(qualified, thirds):
    header, rows = load_table(load_format("euro-16"))
    assert header == ["qualified", "1A", "1B", "1C", "1D"]
    assert [qualified, *(cell[1] for cell in thirds.split())] in rows


def test_euro_2016_is_not_euro_2024():
    """The two 24-team EUROs put the thirds against different winners, so their tables differ."""
    assert load_table(load_format("euro-16"))[0] != load_table(load_format("euro-24"))[0]
    slots = third_slots(load_format("euro-16"))
    assert slots == {"1A": set("CDE"), "1B": set("ACD"), "1C": set("ABF"), "1D": set("BEF")}
