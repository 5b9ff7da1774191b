"""openfootball files of qualifying rounds and play-offs, national cups and leagues: which rounds are knockout rounds.

Regression tests for issue 12: a file headed ``= UEFA Conference League - Quali 2024/25``
was stored as a league of that name, so its two-legged rounds were not ties.
"""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from remontada.data.io.base import ParsedFile
from remontada.data.io.openfootball import OpenFootballImporter

DATA = Path(__file__).resolve().parents[1] / "data" / "openfootball"
IMPORTER = OpenFootballImporter()

TWO_LEGS = """\
  Tue Jul/9 2024
    20.00  The New Saints (WAL)    v FK Dečić Tuzi (MNE)      3-0 (3-0)
  Tue Jul/16
    21.00  FK Dečić Tuzi (MNE)     v The New Saints (WAL)     1-1 (0-1)
"""
"""Real 2024-25 Champions League first qualifying round legs, to be put under any heading and round name."""


def parse(name: str) -> ParsedFile:
    return IMPORTER.parse(DATA / name)


def write(tmp_path: Path, text: str, name: str = "file.txt") -> ParsedFile:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return IMPORTER.parse(path)


def test_conference_league_qualifying_file_belongs_to_the_conference_league():
    p = parse("confq-2024-25.txt")
    m = p.matches
    assert set(m["competition"]) == {"uefa-ecl"} and set(m["season"]) == {"2024-25"}
    assert list(m["round"].unique()) == ["Qualifying Round 1", "Qualifying Round 2", "Qualifying Playoffs"]
    assert m["knockout"].all() and not m["neutral"].any()
    assert m.groupby("tie_key").size().eq(2).all() and m["tie_key"].nunique() == 12
    first = m[(m["home"] == "Caernarfon Town") & (m["away"] == "Crusaders FC")].iloc[0]
    second = m[(m["home"] == "Crusaders FC") & (m["away"] == "Caernarfon Town")].iloc[0]
    assert first["tie_key"] == second["tie_key"] == "uefa-ecl|2024-25|Qualifying Round 1|Caernarfon Town|Crusaders FC"
    assert (first["leg"], second["leg"]) == ("1", "2")
    assert (second["home_goals"], second["et_home_goals"], second["pen_home"], second["pen_away"]) == (3, 3, 7, 8)
    # both legs of SK Dnipro-1 v Puskás FC were awarded, not played: rejects, with no tie left over
    assert len(p.rejects) == 2 and p.rejects["reason"].str.contains("awarded").all()
    assert "SK Dnipro-1" not in set(m["home"]) | set(m["away"])


def test_date_range_without_its_first_year(tmp_path):
    # openfootball's qualifying files write the range as "Wed Jul/10 - Thu Aug/29 2024"
    p = parse("confq-2024-25.txt")
    assert p.matches["date"].min() == pd.Timestamp("2024-07-10")
    assert p.matches["date"].max() == pd.Timestamp("2024-08-29")
    early = write(
        tmp_path,
        "= UEFA Conference League - Quali 2024/25\n# Date       Wed Jul/10 - Thu Aug/29 2024 (50d)\n» Round 1\n"
        "  Tue Jul/9 2024\n    Team A (AND) v Team B (SMR)  1-0 (0-0)\n",
    )
    assert early.matches.empty
    assert "outside the file's '# Date' range 2024-07-10 to 2024-08-29" in early.rejects["reason"].iloc[0]
    across = write(tmp_path, "= Some Cup 2024/25\n# Date  Sat Dec/28 - Sun Jan/5 2025\n» Final\n  Sun Jan/5\n"
                   "    Team A v Team B  1-0\n")  # fmt: skip
    assert across.matches["date"].tolist() == [pd.Timestamp("2025-01-05")]  # the range started in 2024


@pytest.mark.parametrize(
    ("heading", "competition"),
    [
        ("UEFA Conference League - Quali", "uefa-ecl"),
        ("UEFA Europa Conference League Qualifying", "uefa-ecl"),
        ("UEFA Champions League - Qualification", "uefa-cl"),
        ("UEFA Champions League Qualifying Rounds", "uefa-cl"),
        ("UEFA Europa League, Qualifiers", "uefa-el"),
        ("UEFA Europa League (Qualifying)", "uefa-el"),
        ("UEFA Europa League - Play-offs", "uefa-el"),
        ("UEFA Champions League Preliminary Round", "uefa-cl"),
        ("Scottish Cup - Preliminary", "Scottish Cup"),
    ],
)
def test_a_qualifying_heading_names_its_parent_competition(tmp_path, heading, competition):
    p = write(tmp_path, f"= {heading} 2024/25\n» Round 1\n{TWO_LEGS}")
    m = p.matches
    assert set(m["competition"]) == {competition}
    assert set(m["round"]) == {"Qualifying Round 1"} and m["knockout"].all()
    assert list(m["leg"]) == ["1", "2"] and m["tie_key"].nunique() == 1


def test_openfootball_file_names_of_qualifying_rounds(tmp_path):
    folder = tmp_path / "2024-25"
    folder.mkdir()
    m = write(folder, f"» Round 1\n{TWO_LEGS}", name="clq.txt").matches
    assert (set(m["competition"]), set(m["round"])) == ({"uefa-cl"}, {"Qualifying Round 1"})
    main = write(folder, f"» Round 1\n{TWO_LEGS}", name="cl.txt").matches  # the competition proper
    assert set(main["round"]) == {"Round 1"}


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Quali", "Quali"),
        ("Qualifying", "Qualifying"),
        ("Play-off", "Playoffs"),
        ("Play-offs", "Playoffs"),
        ("Play-off round", "Playoffs"),
        ("1st Qualifying Round", "Qualifying Round 1"),
        ("Second qualifying round", "Qualifying Round 2"),
        ("3rd qualifying round", "Qualifying Round 3"),
        ("Preliminary round", "Preliminary Round"),
        ("Knockout round play-offs", "Knockout Playoffs"),
        ("Play-off round (Champions Path)", "Play-off round (Champions Path)"),
        ("Zwischenrunde", "Zwischenrunde"),
    ],
)
def test_a_round_of_home_and_away_pairs_forms_ties_whatever_its_name(tmp_path, name, label):
    for heading in ("UEFA Champions League 2024/25", "Some Cup 2024/25"):
        m = write(tmp_path, f"= {heading}\n» {name}\n{TWO_LEGS}").matches
        assert set(m["round"]) == {label} and m["knockout"].all(), heading
        assert list(m["leg"]) == ["1", "2"] and m["tie_key"].nunique() == 1 and not m["neutral"].any(), heading


def test_named_qualifying_rounds_and_one_known_only_by_its_shape():
    m = parse("clq-2015-16.txt").matches
    assert set(m["competition"]) == {"uefa-cl"} and set(m["season"]) == {"2015-16"}
    rounds = ["Qualifying Round 1", "Qualifying Round 2", "Qualifying Round 3", "Play-off round (Champions Route)"]
    assert list(m["round"].unique()) == rounds
    assert m["knockout"].all() and m.groupby("tie_key").size().eq(2).all() and m["tie_key"].nunique() == 6
    assert m["date"].min().date() == dt.date(2015, 6, 30)


def test_a_single_match_cup_round_is_known_by_its_extra_time():
    m = parse("cup-2023-24.txt").matches
    assert set(m["competition"]) == {"DFB Pokal"} and set(m["round"]) == {"1. Runde"}
    assert m["knockout"].all() and m["leg"].isna().all() and not m["neutral"].any()
    assert m["tie_key"].is_unique and m["tie_key"].notna().all()


def test_league_rounds_stay_league_rounds(tmp_path):
    league = parse("league-2023-24.txt")
    m = league.matches
    assert set(m["round"]) == {"1. Spieltag", "2. Spieltag"}
    assert not m["knockout"].any() and m["tie_key"].isna().all() and m["leg"].isna().all()
    # both matchdays as one round: sides meet several opponents
    text = (DATA / "league-2023-24.txt").read_text(encoding="utf-8").replace("» 2. Spieltag", "")
    assert not write(tmp_path, text.replace("» 1. Spieltag", "» Hinrunde")).matches["knockout"].any()
    # a matchday with one match after extra time is still no knockout round when a side plays twice
    two_opponents = "= Liga 2024/25\n» Runde\n  Sat Aug/3 2024\n    A v B  1-1 a.e.t. (1-1)\n    B v C  2-0\n"
    assert not write(tmp_path, two_opponents).matches["knockout"].any()


def test_group_rounds_are_never_knockout_rounds_whatever_their_shape(tmp_path):
    m = write(tmp_path, f"= UEFA Champions League 2024/25\n» Group A\n{TWO_LEGS}").matches
    assert set(m["round"]) == {"Group A"} and not m["knockout"].any() and m["tie_key"].isna().all()


def test_a_qualifying_round_single_match_is_at_a_home_ground(tmp_path):
    # 2020-21 qualifying ties were single matches at one side's ground, unlike the 2020 "final eight"
    text = (
        "  Wed Aug/26 2020\n    Team A (AND) v Team B (SMR)  2-1 a.e.t. (1-1, 0-0)\n"
        "    Team C (LIE) v Team D (MLT)  0-1\n"
    )
    quali = write(tmp_path, f"= UEFA Europa League - Quali 2020/21\n» Round 1\n{text}").matches
    assert quali["knockout"].all() and quali["leg"].isna().all() and not quali["neutral"].any()
    proper = write(tmp_path, f"= UEFA Europa League 2020/21\n» Quarterfinals\n{text}").matches
    assert proper["neutral"].all()
