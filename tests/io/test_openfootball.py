import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from remontada.data.io.base import ParsedFile
from remontada.data.io.openfootball import OpenFootballImporter
from remontada.errors import DataError

DATA = Path(__file__).resolve().parents[1] / "data" / "openfootball"
IMPORTER = OpenFootballImporter()
SCORE_COLUMNS = ["home_goals", "away_goals", "ht_home_goals", "ht_away_goals", "et_home_goals", "et_away_goals"]
SCORE_COLUMNS += ["pen_home", "pen_away"]


def parse(name: str) -> ParsedFile:
    return IMPORTER.parse(DATA / name)


def match(parsed: ParsedFile, home: str, away: str, round_: str | None = None) -> pd.Series:
    m = parsed.matches
    rows = m[(m["home"] == home) & (m["away"] == away) & ((m["round"] == round_) if round_ else True)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def score(row: pd.Series) -> dict[str, object]:
    return {c: None if pd.isna(row[c]) else int(row[c]) for c in SCORE_COLUMNS}


def score_of(home, away, ht=None, et=None, pen=None) -> dict[str, object]:
    """The score columns as ``score`` returns them: ``(home, away)`` pairs or ``None``."""
    pairs = [(home, away), ht or (None, None), et or (None, None), pen or (None, None)]
    return dict(zip(SCORE_COLUMNS, [goals for pair in pairs for goals in pair], strict=True))


def test_real_sample_reads_whole():
    p = parse("el-2023-24.txt")
    assert len(p.matches) == 32
    assert p.rejects.empty
    assert set(p.matches["competition"]) == {"uefa-el"}
    assert set(p.matches["season"]) == {"2023-24"}
    assert set(p.matches["team_kind"]) == {"club"}
    assert not p.matches["score_includes_et"].any()
    assert list(p.matches["round"].unique()) == ["Group A", "Group B", "Playoffs", "Quarterfinals", "Final"]
    row = match(p, "Liverpool FC", "Atalanta")
    assert (row["line"], row["date"], row["kickoff"]) == (47, pd.Timestamp("2024-04-11"), "21:00")
    assert (row["home_country"], row["away_country"]) == ("ENG", "ITA")
    assert row["raw"] == "Liverpool FC (ENG)      v Atalanta (ITA)           0-3 (0-1)"
    assert score(row) == score_of(0, 3, ht=(0, 1))


def test_after_extra_time():
    p = parse("el-2023-24.txt")
    # 3-2 a.e.t. (2-2, 0-2): 3-2 after extra time, 2-2 after 90 minutes, 0-2 at half time
    assert score(match(p, "SC Freiburg", "RC Lens")) == score_of(2, 2, ht=(0, 2), et=(3, 2))
    assert score(match(p, "Qarabağ FK", "Sporting Braga")) == score_of(0, 2, ht=(0, 0), et=(2, 3))


def test_after_extra_time_with_only_the_90_minute_score():
    # 1-0 a.e.t. (0-0): 0-0 after 90 minutes, so 0-0 at half time too
    p = parse("bom.txt")
    assert score(match(p, "Olympiakos Piraeus", "ACF Fiorentina")) == score_of(0, 0, ht=(0, 0), et=(1, 0))


def test_penalties():
    p = parse("el-2023-24.txt")
    assert score(match(p, "AS Roma", "Feyenoord")) == score_of(1, 1, ht=(1, 1), et=(1, 1), pen=(4, 2))
    assert score(match(p, "Olympique Marseille", "SL Benfica", "Quarterfinals")) == score_of(
        1, 0, ht=(0, 0), et=(1, 0), pen=(4, 2)
    )


def test_missing_half_time():
    # "0-0" with no brackets was 0-0 at half time; "3-1" with none has no half-time score
    assert score(match(parse("el-2023-24.txt"), "RC Lens", "SC Freiburg")) == score_of(0, 0, ht=(0, 0))
    assert score(match(parse("newyear.txt"), "1. FC Nordstadt 1899", "St. Anne's Rovers")) == score_of(3, 1)


def test_kickoff_carries_to_the_lines_below_under_the_same_date():
    m = parse("el-2023-24.txt").matches.set_index("line")
    assert m.loc[25, "kickoff"] == "18:45"  # Feyenoord v AS Roma, with its own time
    assert list(m.loc[26:28, "kickoff"]) == ["18:45"] * 3  # the lines below it
    assert list(m.loc[29:32, "kickoff"]) == ["21:00"] * 4  # a new time, carried on
    assert m.loc[20, "kickoff"] == "18:45" and m.loc[21, "kickoff"] == "21:00"
    n = parse("newyear.txt").matches.set_index("line")
    assert pd.isna(n.loc[12, "kickoff"])  # no time right under a new date line: none carried from the old date
    assert n.loc[13, "kickoff"] == "21:00"


def test_dates_without_years_across_a_new_year():
    m = parse("newyear.txt").matches.set_index("line")["date"].dt.date
    assert m[7] == dt.date(2024, 9, 17)  # first date: the season 2024/25 starts in July 2024
    assert m[12] == dt.date(2024, 12, 11)
    assert m[17] == dt.date(2024, 9, 18)  # back to September for group B: same year, not 2025
    assert m[21] == dt.date(2025, 2, 18)  # December -> February: next year
    assert m[23] == dt.date(2025, 3, 12)
    assert m[27] == dt.date(2025, 5, 31)


def test_dates_without_years_in_real_samples():
    el = parse("el-2023-24.txt").matches.set_index("line")["date"].dt.date
    assert el[12] == dt.date(2023, 12, 14)
    assert el[18] == dt.date(2023, 9, 21)  # group B goes back to September 2023
    cl = parse("cl-2019-20.txt").matches.set_index("line")["date"].dt.date
    assert cl[21] == dt.date(2020, 3, 10)
    assert cl[27] == dt.date(2020, 8, 7)  # the Covid-delayed second legs, August 2020
    # the file's first date line has no year: it is the first Mar/10 after the "# Date" range starts (2021-09-15)
    assert parse("el-2021-22.txt").matches["date"].min().date() == dt.date(2022, 3, 10)


def test_byte_order_mark():
    assert (DATA / "bom.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    p = parse("bom.txt")
    assert p.rejects.empty
    row = match(p, "Olympiakos Piraeus", "ACF Fiorentina")
    assert (row["competition"], row["season"], row["round"], row["line"]) == ("uefa-ecl", "2023-24", "Final", 6)


def test_crlf_line_endings():
    assert b"\r\n" in (DATA / "crlf.txt").read_bytes()
    p = parse("crlf.txt")
    assert p.rejects.empty
    row = match(p, "Borussia Dortmund", "Real Madrid CF")
    assert (row["competition"], row["season"], row["round"], row["line"]) == ("uefa-cl", "2023-24", "Final", 6)
    assert score(row) == score_of(0, 2, ht=(0, 0))
    assert "\r" not in row["raw"]


def test_cancelled_matches_are_rejects():
    p = parse("el-2021-22.txt")
    assert list(p.rejects["line"]) == [9, 13]
    assert all("cancelled and never played" in r for r in p.rejects["reason"])
    assert "Spartak Moskva" not in set(p.matches["home"]) | set(p.matches["away"])
    assert len(p.matches) == 4 and set(p.matches["leg"]) == {"1", "2"}


def test_awarded_match_is_a_reject_and_vitesse_is_one_name():
    p = parse("conf-2021-22.txt")
    assert list(p.rejects["line"]) == [12]
    assert "awarded" in p.rejects["reason"].iloc[0] and "not played" in p.rejects["reason"].iloc[0]
    assert match(p, "Stade Rennais", "Vitesse")["away_country"] == "NED"
    assert match(p, "Vitesse", "NŠ Mura")["home_country"] == "NED"


def test_malformed_lines_are_rejects_with_reasons():
    p = parse("malformed.txt")
    assert list(p.matches["line"]) == [7, 24]
    assert list(p.fixtures["line"]) == [10]  # no score: a match not played yet
    reasons = dict(zip(p.rejects["line"], p.rejects["reason"], strict=True))
    expected = {
        8: "'3:1 (0-0)' is not a score",
        9: "'x-1' is not a score",
        11: "half-time score is more than the 90-minute score",
        12: "a.e.t. score needs the 90-minute score",
        13: "need 'a.e.t.'",
        14: "a note this importer does not know",
        15: "postponed",
        16: "2023-10-05 (year inferred) is a Thu, not a Fri",
        17: "its date line 16 is unusable",
        18: "outside the file's '# Date' range",
        19: "its date line 18 is unusable",
        20: "not a calendar date",
        21: "its date line 20 is unusable",
        22: "not a heading, comment, round, date or match",
    }
    assert set(reasons) == set(expected)
    for line, fragment in expected.items():
        assert fragment in reasons[line], (line, reasons[line])


def test_two_legs_share_a_tie():
    p = parse("el-2023-24.txt")
    first = match(p, "Liverpool FC", "Atalanta")
    second = match(p, "Atalanta", "Liverpool FC")
    assert first["tie_key"] == second["tie_key"] == "uefa-el|2023-24|Quarterfinals|Atalanta|Liverpool FC"
    assert (first["leg"], second["leg"]) == ("1", "2")
    assert second["date"] == pd.Timestamp("2024-04-18")
    assert not first["neutral"] and not second["neutral"]
    final = match(p, "Atalanta", "Bayer Leverkusen")
    assert pd.isna(final["leg"]) and final["neutral"]
    assert final["tie_key"] == "uefa-el|2023-24|Final|Atalanta|Bayer Leverkusen"
    groups = p.matches[~p.matches["knockout"]]
    assert set(groups["round"]) == {"Group A", "Group B"}
    assert groups["tie_key"].isna().all() and groups["leg"].isna().all() and not groups["neutral"].any()
    ko = p.matches[p.matches["knockout"]]
    assert ko.groupby("tie_key").size().to_dict() == {k: 1 if "|Final|" in k else 2 for k in ko["tie_key"]}


def test_single_match_knockout_ties_of_2020_are_neutral():
    p = parse("cl-2019-20.txt")
    qf = p.matches[p.matches["round"] == "Quarterfinals"]
    assert len(qf) == 4 and qf["leg"].isna().all() and qf["neutral"].all() and qf["tie_key"].is_unique
    r16 = p.matches[p.matches["round"] == "Round of 16"]
    assert r16["leg"].value_counts().to_dict() == {"1": 8, "2": 8} and not r16["neutral"].any()
    assert match(p, "Manchester City", "Real Madrid")["leg"] == "2"


def test_names_keep_their_spelling():
    p = parse("newyear.txt")
    names = set(p.matches["home"]) | set(p.matches["away"])
    assert {"1. FC Nordstadt 1899", "St. Anne's Rovers", "Sparta van Rotterdam", "Vitória Sul"} <= names
    assert match(p, "Northbridge FC", "Sparta van Rotterdam", "Group A")["away_country"] == "NED"
    el = parse("el-2023-24.txt")
    assert match(el, "Brighton & Hove Albion", "AFC Ajax")["home_country"] == "ENG"
    assert match(el, "West Ham United", "TSC Bačka Topola")["away_country"] == "SRB"


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.iterdir()))
def test_sniff_accepts_football_txt(name):
    path = DATA / name
    assert IMPORTER.sniff(path, path.read_bytes()[:8192].decode("utf-8-sig", errors="replace"))


@pytest.mark.parametrize(
    "head",
    [
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\nE0,2023-08-11,Burnley,Man City,0,3,A\n",
        "Date,Season,home,visitor,FT,hgoal,vgoal\n1888-09-08,1888,Bolton Wanderers,Derby County,3-6,3,6\n",
        "date,match,score\n2024-04-11,Liverpool FC v Atalanta,0-3\n",
        "= Notes 2024\nNo matches here.\n",
        "",
    ],
)
def test_sniff_refuses_other_text(head, tmp_path):
    assert not IMPORTER.sniff(tmp_path / "x.csv", head)


def test_competition_and_season_fall_back_on_openfootball_names(tmp_path):
    folder = tmp_path / "2022-23"
    folder.mkdir()
    path = folder / "conf.txt"
    path.write_text("» Final\n  Wed Jun/7 2023\n    21.00  ACF Fiorentina (ITA) v West Ham United (ENG)  1-2 (0-0)\n")
    row = IMPORTER.parse(path).matches.iloc[0]
    assert (row["competition"], row["season"], row["neutral"]) == ("uefa-ecl", "2022-23", True)
    other = tmp_path / "bundesliga.txt"
    other.write_text(
        "= Deutsche Bundesliga 2023/24\n» Matchday 1\n  Fri Aug/18 2023\n    Werder Bremen v FC Bayern München  0-4\n"
    )
    row = IMPORTER.parse(other).matches.iloc[0]
    assert (row["competition"], row["season"], row["round"], row["home_country"]) == (
        "Deutsche Bundesliga",
        "2023-24",
        "League",
        None,
    )
    cup = tmp_path / "cup.txt"
    cup.write_text("= Some Cup 2023\n» Final\n  Sat Feb/4\n    Team A v Team B  1-0\n")
    row = IMPORTER.parse(cup).matches.iloc[0]  # a calendar-year season: February is in 2023
    assert (row["competition"], row["season"], row["date"]) == ("Some Cup", "2023", pd.Timestamp("2023-02-04"))
    nameless = tmp_path / "matches.txt"
    nameless.write_text("» Final\n  Wed Jun/7 2023\n    ACF Fiorentina (ITA) v West Ham United (ENG)  1-2 (0-0)\n")
    with pytest.raises(DataError, match="no competition and season"):
        IMPORTER.parse(nameless)


@pytest.mark.slow
def test_all_real_files(shared_data):
    root = shared_data / "openfootball"
    if not root.is_dir():
        pytest.skip(f"shared data not found at {root} (set REMONTADA_SHARED_DATA)")
    files = sorted(root.glob("*/*.txt"))
    parsed = {str(f.relative_to(root)): IMPORTER.parse(f) for f in files}
    assert len(parsed) == 20
    for name, p in parsed.items():
        head = (root / name).read_bytes()[:8192].decode("utf-8-sig")
        assert IMPORTER.sniff(root / name, head), name
        assert len(p.matches) >= 119, name
        assert p.matches["date"].notna().all() and p.matches["kickoff"].notna().all(), name
        ko = p.matches[p.matches["knockout"]]
        assert ko["tie_key"].notna().all() and ko.groupby("tie_key").size().max() <= 2, name
    counts = {name: len(p.matches) for name, p in parsed.items()}
    assert sum(counts.values()) == 2666
    assert counts["2019-20/cl.txt"] == 119 and counts["2020-21/el.txt"] == 204 and counts["2021-22/el.txt"] == 139
    rejects = {(name, line) for name, p in parsed.items() for line in p.rejects["line"]}
    assert rejects == {
        ("2020-21/el.txt", 194),
        ("2021-22/conf.txt", 154),
        ("2021-22/el.txt", 207),
        ("2021-22/el.txt", 214),
    }

    el = parsed["2023-24/el.txt"]
    first = match(el, "Liverpool FC", "Atalanta")
    second = match(el, "Atalanta", "Liverpool FC", "Quarterfinals")
    assert (first["date"], second["date"]) == (pd.Timestamp("2024-04-11"), pd.Timestamp("2024-04-18"))
    assert score(first) == score_of(0, 3, ht=(0, 1)) and score(second) == score_of(0, 1, ht=(0, 1))
    assert first["tie_key"] == second["tie_key"] and (first["leg"], second["leg"]) == ("1", "2")
    marseille = match(el, "Olympique Marseille", "SL Benfica", "Quarterfinals")
    assert marseille["date"] == pd.Timestamp("2024-04-18")
    assert score(marseille) == score_of(1, 0, ht=(0, 0), et=(1, 0), pen=(4, 2))
