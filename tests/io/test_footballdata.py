from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from remontada.data.io.base import ParsedFile
from remontada.data.io.footballdata import FOLDERS, LEAGUES, FootballDataImporter
from remontada.data.io.footballdata_odds import BOOKMAKERS, OddsColumn, handicap_column, parse_odds_column
from remontada.errors import DataError

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "football-data"
IMPORTER = FootballDataImporter()


def parse(path: Path) -> ParsedFile:
    return IMPORTER.parse(path)


def reasons(parsed: ParsedFile) -> list[tuple[int, str]]:
    return list(zip(parsed.rejects["line"].tolist(), parsed.rejects["reason"].tolist(), strict=True))


# --- the odds column grammar ---------------------------------------------------------------------

OPEN, CLOSE = "opening", "closing"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # 1X2, one bookmaker each, opening and closing
        ("B365H", ("B365", "1x2", "home", None, OPEN)),
        ("B365D", ("B365", "1x2", "draw", None, OPEN)),
        ("B365A", ("B365", "1x2", "away", None, OPEN)),
        ("B365CH", ("B365", "1x2", "home", None, CLOSE)),
        ("B365CD", ("B365", "1x2", "draw", None, CLOSE)),
        ("BWH", ("BW", "1x2", "home", None, OPEN)),
        ("BWCA", ("BW", "1x2", "away", None, CLOSE)),
        ("IWD", ("IW", "1x2", "draw", None, OPEN)),
        ("IWCH", ("IW", "1x2", "home", None, CLOSE)),
        ("PSH", ("PS", "1x2", "home", None, OPEN)),
        ("PSCA", ("PS", "1x2", "away", None, CLOSE)),
        ("PH", ("P", "1x2", "home", None, OPEN)),
        ("WHH", ("WH", "1x2", "home", None, OPEN)),
        ("WHCD", ("WH", "1x2", "draw", None, CLOSE)),
        ("VCH", ("VC", "1x2", "home", None, OPEN)),  # the C of VC is not "closing"
        ("VCD", ("VC", "1x2", "draw", None, OPEN)),
        ("VCCH", ("VC", "1x2", "home", None, CLOSE)),
        ("VCCA", ("VC", "1x2", "away", None, CLOSE)),
        ("GBH", ("GB", "1x2", "home", None, OPEN)),
        ("LBA", ("LB", "1x2", "away", None, OPEN)),
        ("LBCH", ("LB", "1x2", "home", None, CLOSE)),
        ("SBD", ("SB", "1x2", "draw", None, OPEN)),
        ("SJA", ("SJ", "1x2", "away", None, OPEN)),
        ("SYH", ("SY", "1x2", "home", None, OPEN)),
        ("SOH", ("SO", "1x2", "home", None, OPEN)),
        ("BSH", ("BS", "1x2", "home", None, OPEN)),
        ("BSA", ("BS", "1x2", "away", None, OPEN)),
        ("1XBH", ("1XB", "1x2", "home", None, OPEN)),
        ("1XBCA", ("1XB", "1x2", "away", None, CLOSE)),
        ("BFH", ("BF", "1x2", "home", None, OPEN)),
        ("BFD", ("BF", "1x2", "draw", None, OPEN)),  # Betfair's draw (2024-25)...
        ("BFDD", ("BFD", "1x2", "draw", None, OPEN)),  # ...and Betfred's (2025-26)
        ("BFDH", ("BFD", "1x2", "home", None, OPEN)),
        ("BFCD", ("BF", "1x2", "draw", None, CLOSE)),
        ("BFDCH", ("BFD", "1x2", "home", None, CLOSE)),
        ("BFDCD", ("BFD", "1x2", "draw", None, CLOSE)),
        ("BFEH", ("BFE", "1x2", "home", None, OPEN)),
        ("BFED", ("BFE", "1x2", "draw", None, OPEN)),
        ("BFECA", ("BFE", "1x2", "away", None, CLOSE)),
        ("BMGMH", ("BMGM", "1x2", "home", None, OPEN)),
        ("BMGMCD", ("BMGM", "1x2", "draw", None, CLOSE)),
        ("BVA", ("BV", "1x2", "away", None, OPEN)),
        ("CLH", ("CL", "1x2", "home", None, OPEN)),
        ("CLCA", ("CL", "1x2", "away", None, CLOSE)),
        ("MaxH", ("Max", "1x2", "home", None, OPEN)),
        ("MaxCA", ("Max", "1x2", "away", None, CLOSE)),
        ("AvgD", ("Avg", "1x2", "draw", None, OPEN)),
        ("AvgCH", ("Avg", "1x2", "home", None, CLOSE)),
        ("BbMxH", ("BbMx", "1x2", "home", None, OPEN)),
        ("BbAvA", ("BbAv", "1x2", "away", None, OPEN)),
        # over/under
        ("B365>2.5", ("B365", "over_under", "over", 2.5, OPEN)),
        ("B365<2.5", ("B365", "over_under", "under", 2.5, OPEN)),
        ("B365C>2.5", ("B365", "over_under", "over", 2.5, CLOSE)),
        ("P>2.5", ("P", "over_under", "over", 2.5, OPEN)),
        ("PC<2.5", ("P", "over_under", "under", 2.5, CLOSE)),
        ("GB>2.5", ("GB", "over_under", "over", 2.5, OPEN)),
        ("Max>2.5", ("Max", "over_under", "over", 2.5, OPEN)),
        ("MaxC<2.5", ("Max", "over_under", "under", 2.5, CLOSE)),
        ("Avg>2.5", ("Avg", "over_under", "over", 2.5, OPEN)),
        ("AvgC<2.5", ("Avg", "over_under", "under", 2.5, CLOSE)),
        ("BbMx>2.5", ("BbMx", "over_under", "over", 2.5, OPEN)),
        ("BbAv<2.5", ("BbAv", "over_under", "under", 2.5, OPEN)),
        ("BFE>2.5", ("BFE", "over_under", "over", 2.5, OPEN)),
        ("BFEC<2.5", ("BFE", "over_under", "under", 2.5, CLOSE)),
        ("B365>1.5", ("B365", "over_under", "over", 1.5, OPEN)),
        # Asian handicap
        ("B365AHH", ("B365", "asian_handicap", "home", None, OPEN)),
        ("B365AHA", ("B365", "asian_handicap", "away", None, OPEN)),
        ("B365CAHH", ("B365", "asian_handicap", "home", None, CLOSE)),
        ("PAHH", ("P", "asian_handicap", "home", None, OPEN)),
        ("PCAHA", ("P", "asian_handicap", "away", None, CLOSE)),
        ("MaxAHH", ("Max", "asian_handicap", "home", None, OPEN)),
        ("MaxCAHA", ("Max", "asian_handicap", "away", None, CLOSE)),
        ("AvgAHH", ("Avg", "asian_handicap", "home", None, OPEN)),
        ("AvgCAHA", ("Avg", "asian_handicap", "away", None, CLOSE)),
        ("BbMxAHH", ("BbMx", "asian_handicap", "home", None, OPEN)),
        ("BbAvAHA", ("BbAv", "asian_handicap", "away", None, OPEN)),
        ("GBAHH", ("GB", "asian_handicap", "home", None, OPEN)),
        ("LBAHA", ("LB", "asian_handicap", "away", None, OPEN)),
        ("BFEAHH", ("BFE", "asian_handicap", "home", None, OPEN)),
        ("BFECAHA", ("BFE", "asian_handicap", "away", None, CLOSE)),
    ],
)
def test_price_columns(name: str, expected: tuple[str, str, str, float | None, str]) -> None:
    assert parse_odds_column(name) == OddsColumn(*expected)


@pytest.mark.parametrize(
    "name",
    [
        # handicap sizes and Betbrain's counts of bookmakers: numbers, not prices
        *("AHh", "AHCh", "BbAHh", "GBAH", "LBAH", "B365AH", "Bb1X2", "BbOU", "BbAH"),
        # the match and its statistics
        *("Div", "Date", "Time", "HomeTeam", "AwayTeam", "FTHG", "FTAG", "FTR", "HTHG", "HTAG", "HTR"),
        *("Referee", "Attendance", "HS", "AS", "HST", "AST", "HF", "AF", "HC", "AC", "HY", "AY", "HR", "AR"),
        *("HO", "AO", "HBP", "ABP", "HHW", "AHW", "HFKC", "AFKC", "HxG", "AxG"),
        # the extra leagues' layout
        *("Country", "League", "Season", "Home", "Away", "HG", "AG", "Res"),
        # not the grammar: unknown bookmakers, wrong case, trailing junk
        *("XYH", "b365h", "B365H2", "B365>", "B365<x", "B365AH2", "B365CC", "C", "H", ""),
    ],
)
def test_other_columns_are_no_price(name: str) -> None:
    assert parse_odds_column(name) is None


REAL_HEADERS = {
    # mmz4281/2526/E0.csv
    "2025-26": "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,Referee,HS,AS,HST,AST,HF,AF,HC,AC,HY,AY,"
    "HR,AR,B365H,B365D,B365A,BFDH,BFDD,BFDA,BMGMH,BMGMD,BMGMA,BVH,BVD,BVA,BWH,BWD,BWA,CLH,CLD,CLA,LBH,LBD,LBA,PSH,PSD,"
    "PSA,MaxH,MaxD,MaxA,AvgH,AvgD,AvgA,BFEH,BFED,BFEA,B365>2.5,B365<2.5,P>2.5,P<2.5,Max>2.5,Max<2.5,Avg>2.5,Avg<2.5,"
    "BFE>2.5,BFE<2.5,AHh,B365AHH,B365AHA,PAHH,PAHA,MaxAHH,MaxAHA,AvgAHH,AvgAHA,BFEAHH,BFEAHA,B365CH,B365CD,B365CA,"
    "BFDCH,BFDCD,BFDCA,BMGMCH,BMGMCD,BMGMCA,BVCH,BVCD,BVCA,BWCH,BWCD,BWCA,CLCH,CLCD,CLCA,LBCH,LBCD,LBCA,PSCH,PSCD,PSCA,"
    "MaxCH,MaxCD,MaxCA,AvgCH,AvgCD,AvgCA,BFECH,BFECD,BFECA,B365C>2.5,B365C<2.5,PC>2.5,PC<2.5,MaxC>2.5,MaxC<2.5,"
    "AvgC>2.5,AvgC<2.5,BFEC>2.5,BFEC<2.5,AHCh,B365CAHH,B365CAHA,PCAHH,PCAHA,MaxCAHH,MaxCAHA,AvgCAHH,AvgCAHA,BFECAHH,"
    "BFECAHA",
    # mmz4281/1920/E0.csv, the first season with closing prices for all
    "2019-20": "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,Referee,HS,AS,HST,AST,HF,AF,HC,AC,HY,AY,"
    "HR,AR,B365H,B365D,B365A,BWH,BWD,BWA,IWH,IWD,IWA,PSH,PSD,PSA,WHH,WHD,WHA,VCH,VCD,VCA,MaxH,MaxD,MaxA,AvgH,AvgD,AvgA,"
    "B365>2.5,B365<2.5,P>2.5,P<2.5,Max>2.5,Max<2.5,Avg>2.5,Avg<2.5,AHh,B365AHH,B365AHA,PAHH,PAHA,MaxAHH,MaxAHA,AvgAHH,"
    "AvgAHA,B365CH,B365CD,B365CA,BWCH,BWCD,BWCA,IWCH,IWCD,IWCA,PSCH,PSCD,PSCA,WHCH,WHCD,WHCA,VCCH,VCCD,VCCA,MaxCH,MaxCD,"
    "MaxCA,AvgCH,AvgCD,AvgCA,B365C>2.5,B365C<2.5,PC>2.5,PC<2.5,MaxC>2.5,MaxC<2.5,AvgC>2.5,AvgC<2.5,AHCh,B365CAHH,"
    "B365CAHA,PCAHH,PCAHA,MaxCAHH,MaxCAHA,AvgCAHH,AvgCAHA",
    # mmz4281/1718/E0.csv, Betbrain's maximum and average
    "2017-18": "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,Referee,HS,AS,HST,AST,HF,AF,HC,AC,HY,AY,HR,AR,"
    "B365H,B365D,B365A,BWH,BWD,BWA,IWH,IWD,IWA,LBH,LBD,LBA,PSH,PSD,PSA,WHH,WHD,WHA,VCH,VCD,VCA,Bb1X2,BbMxH,BbAvH,BbMxD,"
    "BbAvD,BbMxA,BbAvA,BbOU,BbMx>2.5,BbAv>2.5,BbMx<2.5,BbAv<2.5,BbAH,BbAHh,BbMxAHH,BbAvAHH,BbMxAHA,BbAvAHA,PSCH,PSCD,"
    "PSCA",
    # the Betbrain years with Gamebookers, Stan James and Blue Square
    "2000s": "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,HS,AS,HST,AST,HF,AF,HC,AC,HY,AY,HR,AR,B365H,"
    "B365D,B365A,BWH,BWD,BWA,GBH,GBD,GBA,IWH,IWD,IWA,LBH,LBD,LBA,PSH,PSD,PSA,WHH,WHD,WHA,SJH,SJD,SJA,VCH,VCD,VCA,BSH,"
    "BSD,BSA,Bb1X2,BbMxH,BbAvH,BbMxD,BbAvD,BbMxA,BbAvA,BbOU,BbMx>2.5,BbAv>2.5,BbMx<2.5,BbAv<2.5,BbAH,BbAHh,BbMxAHH,"
    "BbAvAHH,BbMxAHA,BbAvAHA",
}
NOT_PRICES = {
    *("Div", "Date", "Time", "HomeTeam", "AwayTeam", "FTHG", "FTAG", "FTR", "HTHG", "HTAG", "HTR", "Referee"),
    *("HS", "AS", "HST", "AST", "HF", "AF", "HC", "AC", "HY", "AY", "HR", "AR"),
    *("AHh", "AHCh", "BbAHh", "Bb1X2", "BbOU", "BbAH"),
}


@pytest.mark.parametrize(("season", "prices"), [("2025-26", 106), ("2019-20", 80), ("2017-18", 38), ("2000s", 44)])
def test_every_column_of_real_headers_is_read_or_known(season: str, prices: int) -> None:
    header = REAL_HEADERS[season].split(",")
    unread = [c for c in header if parse_odds_column(c) is None and c not in NOT_PRICES]
    assert unread == []
    assert sum(parse_odds_column(c) is not None for c in header) == prices


def test_bookmaker_codes_are_unambiguous() -> None:
    # no code is another code followed by a closing C, or the grammar could read both ways
    assert [b for b in BOOKMAKERS if b.endswith("C") and b[:-1] in BOOKMAKERS] == []


@pytest.mark.parametrize(
    ("column", "header", "expected"),
    [
        ("B365AHH", ["AHh", "AHCh"], "AHh"),
        ("B365CAHA", ["AHh", "AHCh"], "AHCh"),
        ("PCAHH", ["AHh"], "AHCh"),
        ("BbMxAHH", ["BbAH", "BbAHh"], "BbAHh"),
        ("BbAvAHA", ["AHh"], "BbAHh"),
        ("GBAHH", ["BbAHh", "GBAH", "LBAH"], "GBAH"),
        ("LBAHA", ["BbAHh", "GBAH", "LBAH"], "LBAH"),
        ("B365AHH", ["B365AH", "AHh"], "B365AH"),
    ],
)
def test_handicap_column(column: str, header: list[str], expected: str) -> None:
    odds = parse_odds_column(column)
    assert odds is not None
    assert handicap_column(odds, header) == expected


# --- sniffing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sample", ["E0-2425.csv", "E0-0506.csv", "N1.csv", "premier-league/season-9394.csv", "serie-a/season-1920.csv"]
)
def test_sniff_claims_football_data(sample: str) -> None:
    path = SAMPLES / sample
    head = path.read_bytes()[:8192].decode("utf-8-sig").replace("\r\n", "\n")
    assert IMPORTER.sniff(path, head)
    assert IMPORTER.sniff(path, "\ufeff" + head)


@pytest.mark.parametrize(
    "head",
    [
        '"Date","Season","home","visitor","FT","hgoal","vgoal","division","tier","totgoal","goaldif","result"\n',
        '"Date","Season","home","visitor","HT","FT","hgoal","vgoal","tier","round","group","notes"\n',
        '"Date","Season","round","leg","home","visitor","FT","HT","aet","pens","hgoal","vgoal"\n',
        "date,home_team,away_team,home_score,away_score,tournament,city,country,neutral\n",
        "date,home_team,away_team,team,scorer,minute,own_goal,penalty\n",
        "= UEFA Champions League 2011/12\n\n# Date       Tue Sep/13 2011 - Sat May/19 2012 (249d)\n",
        "Date,HomeTeam,AwayTeam\n2023-08-11,Burnley,Man City\n",
        "",
    ],
)
def test_sniff_refuses_other_formats(head: str) -> None:
    assert not IMPORTER.sniff(Path("E0.csv"), head)


# --- the download layout -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def modern() -> ParsedFile:
    """2024-25 header, BOM, CRLF, a blank line, and a row per quirk (hand-made prices)."""
    return parse(SAMPLES / "E0-2425.csv")


def test_modern_matches(modern: ParsedFile) -> None:
    own = modern.matches[modern.matches["competition"] == "X9"]  # a league remontada does not know: kept as such
    assert own["line"].tolist() == [10] and own["home_country"].isna().all()
    fixture = modern.fixtures.iloc[0]  # a line without a score: a match still to play
    assert len(modern.fixtures) == 1 and fixture["line"] == 8
    assert (fixture["home"], fixture["away"], fixture["competition"], fixture["season"]) == (
        "Brighton",
        "Tottenham",
        "eng-1",
        "2024-25",
    )
    m = modern.matches[modern.matches["competition"] != "X9"]
    assert m["line"].tolist() == [2, 3, 7, 11]
    assert m["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-08-16", "2024-08-17", "2024-08-17", "2024-08-24"]
    assert m["kickoff"].tolist() == ["20:00", "12:30", "15:00", "15:00"]
    assert set(m["competition"]) == {"eng-1"}
    assert set(m["season"]) == {"2024-25"}
    assert set(m["home_country"]) == set(m["away_country"]) == {"ENG"}
    assert set(m["team_kind"]) == {"club"}
    assert not m["neutral"].any() and not m["knockout"].any() and not m["score_includes_et"].any()
    first = m.iloc[0]
    assert (first["home"], first["away"], first["home_goals"], first["away_goals"]) == ("Man United", "Fulham", 1, 0)
    assert (first["ht_home_goals"], first["ht_away_goals"]) == (0, 0)
    assert first["raw"].startswith("E0,16/08/2024,20:00,Man United,Fulham,1,0,H")
    newcastle = m[m["line"] == 7].iloc[0]
    assert pd.isna(newcastle["ht_home_goals"]) and pd.isna(newcastle["ht_away_goals"])
    assert (newcastle["home_red"], newcastle["away_red"]) == (1, 0)


def test_modern_rejects(modern: ParsedFile) -> None:
    no_line = [(11, f"odds column {c}: no handicap in AHh") for c in ("B365AHH", "B365AHA", "PAHH", "PAHA")]
    no_line += [(11, f"odds column {c}: no handicap in AHh") for c in ("MaxAHH", "MaxAHA", "AvgAHH", "AvgAHA")]
    no_line += [(11, f"odds column {c}: no handicap in AHh") for c in ("BFEAHH", "BFEAHA")]
    assert reasons(modern) == [
        (3, "odds column B365H: '0.9' is not a decimal price above 1.0"),
        (3, "odds column BWD: 'x' is not a decimal price above 1.0"),
        (5, "FTR 'A' does not match the score 2-0"),
        (6, "wrong number of columns: 8 instead of 120"),
        (9, "Date: '31/02/2025' is not a date (dd/mm/yy, dd/mm/yyyy or yyyy-mm-dd)"),
        *no_line,
    ]
    assert modern.rejects.loc[0, "raw"].startswith("E0,17/08/24,12:30,Ipswich,Liverpool")


def test_modern_odds(modern: ParsedFile) -> None:
    odds = modern.odds
    # 94 price columns; line 3 has three unusable cells (0.9, x, empty), line 11 no handicap
    assert odds.groupby("line").size().to_dict() == {2: 94, 3: 91, 7: 94, 8: 94, 10: 94, 11: 84}
    assert set(odds["column"]) - set(REAL_HEADERS["2025-26"].split(",")) >= {"1XBH", "BFH", "BFD", "BFCA"}
    line3 = odds[odds["line"] == 3]
    assert not line3["column"].isin(["B365H", "BWD", "PSH"]).any()
    row = odds[(odds["line"] == 2) & (odds["column"] == "B365CAHA")].iloc[0]
    assert (row["bookmaker"], row["market"], row["selection"], row["timing"]) == (
        "B365",
        "asian_handicap",
        "away",
        CLOSE,
    )
    assert row["point"] == -0.75 and 1.8 < row["price"] < 2.0
    opening_ah = odds[(odds["line"] == 2) & (odds["market"] == "asian_handicap") & (odds["timing"] == OPEN)]
    assert set(opening_ah["point"]) == {-1.0}
    over = odds[(odds["line"] == 2) & (odds["column"] == "P>2.5")].iloc[0]
    assert (over["bookmaker"], over["market"], over["selection"], over["point"]) == ("P", "over_under", "over", 2.5)
    assert odds[odds["market"] == "1x2"]["point"].isna().all()
    assert odds["price"].gt(1.0).all()
    assert str(odds["price"].dtype) == "Float64"


def test_legacy_handicaps_and_betbrain_counts() -> None:
    """2005-06 header (Betbrain, bookmakers' own handicap sizes), dd/mm/yy dates, hand-made prices."""
    parsed = parse(SAMPLES / "E0-0506.csv")
    assert parsed.rejects.empty
    m = parsed.matches
    assert m["date"].dt.strftime("%Y-%m-%d").tolist() == ["2005-08-13", "2005-08-13"]
    assert set(m["season"]) == {"2005-06"}
    assert m["kickoff"].isna().all()
    odds = parsed.odds
    assert not odds["column"].isin(["Bb1X2", "BbOU", "BbAH", "BbAHh", "GBAH", "LBAH", "B365AH"]).any()
    assert len(odds) == 2 * 54
    points = odds[(odds["line"] == 3) & (odds["market"] == "asian_handicap")].groupby("bookmaker")["point"].first()
    assert points.to_dict() == {"B365": 0.5, "BbAv": 0.5, "BbMx": 0.5, "GB": 0.75, "LB": 0.5}
    assert odds[odds["column"] == "BbAv>2.5"]["price"].tolist() == [1.97, 1.94]


def test_average_odds_file() -> None:
    """Real lines of odds/N1.csv: CRLF, dd/mm/yyyy, market averages opening and closing."""
    parsed = parse(SAMPLES / "N1.csv")
    assert parsed.rejects.empty
    assert parsed.matches["competition"].unique().tolist() == ["ned-1"]
    assert parsed.matches["season"].unique().tolist() == ["2009-10"]
    assert parsed.matches["kickoff"].tolist() == ["20:45", "18:45", "19:45"]
    assert len(parsed.odds) == 3 * 10
    first = parsed.odds[parsed.odds["line"] == 2].set_index("column")["price"]
    assert first["AvgH"] == 1.42 and first["AvgCA"] == 7.48 and first["AvgC<2.5"] == 2.6


# --- the ISO layout ----------------------------------------------------------------------------------


def test_iso_rewrite() -> None:
    parsed = parse(SAMPLES / "premier-league" / "season-2324.csv")
    assert parsed.rejects.empty
    m = parsed.matches
    assert m["date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-08-11", "2023-08-12", "2023-08-12"]
    assert set(m["competition"]) == {"eng-1"} and set(m["season"]) == {"2023-24"}
    assert m[["home_red", "away_red"]].iloc[0].tolist() == [1, 0]
    assert m["home"].tolist() == ["Burnley", "Arsenal", "Bournemouth"]
    assert parsed.odds.empty


def test_iso_rewrite_without_half_time() -> None:
    parsed = parse(SAMPLES / "premier-league" / "season-9394.csv")
    assert parsed.rejects.empty
    m = parsed.matches
    assert set(m["season"]) == {"1993-94"}
    assert m[["ht_home_goals", "ht_away_goals", "home_red", "away_red"]].isna().all().all()
    assert m[["home_goals", "away_goals"]].iloc[1].tolist() == [4, 1]


def test_a_season_that_ran_into_august_stays_one_season() -> None:
    parsed = parse(SAMPLES / "serie-a" / "season-1920.csv")
    assert parsed.rejects.empty
    assert parsed.matches["season"].tolist() == ["2019-20"] * 4
    assert parsed.matches["competition"].unique().tolist() == ["ita-1"]
    assert parsed.matches["date"].max() == pd.Timestamp("2020-08-02")


@pytest.mark.parametrize(("folder", "slug"), [(folder, LEAGUES[code][0]) for folder, code in FOLDERS.items()])
def test_league_from_folder(tmp_path: Path, folder: str, slug: str) -> None:
    path = tmp_path / folder / "season-2324.csv"
    path.parent.mkdir()
    path.write_text((SAMPLES / "premier-league" / "season-2324.csv").read_text())
    assert set(parse(path).matches["competition"]) == {slug}


@pytest.mark.parametrize(("name", "slug", "country"), [("SP2.csv", "esp-2", "ESP"), ("sc0.csv", "sco-1", "SCO")])
def test_league_from_file_name(tmp_path: Path, name: str, slug: str, country: str) -> None:
    path = tmp_path / name
    path.write_text((SAMPLES / "premier-league" / "season-2324.csv").read_text())
    m = parse(path).matches
    assert set(m["competition"]) == {slug} and set(m["home_country"]) == {country}
    assert set(m["season"]) == {"2023-24"}


def test_no_league_anywhere_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "downloads" / "results.csv"
    path.parent.mkdir()
    path.write_text((SAMPLES / "premier-league" / "season-2324.csv").read_text())
    with pytest.raises(DataError, match=r"results\.csv: no Div column.*premier-league.*E0\.csv"):
        parse(path)


# --- seasons -----------------------------------------------------------------------------------------

ISO_HEADER = "Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_row_outside_the_named_season_is_rejected(tmp_path: Path) -> None:
    text = ISO_HEADER + "2023-08-11,Burnley,Man City,0,3,A\n2024-09-01,Arsenal,Brighton,1,1,D\n"
    parsed = parse(write(tmp_path, "premier-league/season-2324.csv", text))
    assert parsed.matches["line"].tolist() == [2]
    assert reasons(parsed) == [(3, "Date 2024-09-01 is outside season 2023-24, which the file name gives")]


def test_a_misnamed_season_file_is_an_error(tmp_path: Path) -> None:
    text = ISO_HEADER + "2019-08-11,Burnley,Man City,0,3,A\n"
    with pytest.raises(DataError, match="file name says season 2023-24 but its matches are dated 2019-08-11"):
        parse(write(tmp_path, "premier-league/season-2324.csv", text))


def test_a_season_file_name_must_name_a_season(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="'season-1921' is not a season"):
        parse(write(tmp_path, "premier-league/season-1921.csv", ISO_HEADER + "2019-08-11,Burnley,Man City,0,3,A\n"))


def test_season_of_the_last_century(tmp_path: Path) -> None:
    text = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,14/08/99,Arsenal,Leicester,2,1\nE0,02/01/00,Arsenal,Leeds,2,0\n"
    m = parse(write(tmp_path, "season-9900.csv", text)).matches
    assert m["date"].dt.strftime("%Y-%m-%d").tolist() == ["1999-08-14", "2000-01-02"]
    assert set(m["season"]) == {"1999-00"}


def test_a_compilation_of_seasons_dates_each_match(tmp_path: Path) -> None:
    text = (
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\n"
        "N1,31/07/2009,Heerenveen,Roda,0,0\nN1,01/05/2010,Ajax,Roda,4,0\nN1,11/09/2010,Ajax,Groningen,2,0\n"
    )
    assert parse(write(tmp_path, "N1.csv", text)).matches["season"].tolist() == ["2009-10", "2009-10", "2010-11"]


def test_one_season_without_a_name_keeps_its_august_tail(tmp_path: Path) -> None:
    text = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nI1,24/08/2019,Parma,Juventus,0,1\nI1,02/08/2020,Lecce,Parma,3,4\n"
    assert parse(write(tmp_path, "I1.csv", text)).matches["season"].tolist() == ["2019-20", "2019-20"]


# --- other refusals ----------------------------------------------------------------------------------


def test_half_time_must_agree(tmp_path: Path) -> None:
    text = (
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR\n"
        "E0,16/08/2024,Man United,Fulham,1,0,H,2,0,H\n"
        "E0,16/08/2024,Ipswich,Liverpool,0,2,A,1,0,A\n"
        "E0,16/08/2024,Arsenal,Wolves,x,0,H,,,\n"
    )
    parsed = parse(write(tmp_path, "E0.csv", text))
    assert parsed.matches.empty
    assert reasons(parsed) == [
        (2, "half-time score 2-0 is more than the full-time 1-0"),
        (3, "HTR 'A' does not match the half-time score 1-0"),
        (4, "home_goals: 'x' is not an integer"),
    ]


def test_header_problems_are_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="the header lacks FTAG"):
        parse(write(tmp_path, "E0.csv", "Div,Date,HomeTeam,AwayTeam,FTHG\n"))
    with pytest.raises(DataError, match="the header repeats B365H"):
        parse(write(tmp_path, "E1.csv", "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,B365H,B365H\n"))


def test_header_only(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "E0.csv", "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\n"))
    assert parsed.matches.empty and parsed.odds.empty and parsed.rejects.empty


# --- all the shared data -----------------------------------------------------------------------------


@pytest.mark.slow
def test_all_shared_football_data_files(shared_data: Path) -> None:
    root = shared_data
    files = sorted((root / "football-data").glob("*/*.csv")) + sorted((root / "odds").glob("*.csv"))
    if not files:
        pytest.skip(f"no shared data in {root}")
    matches = odds = 0
    shots_rejected = []
    for path in files:
        parsed = parse(path)
        shots = parsed.rejects["reason"].str.contains("the (?:home|away) side's shots are kept out")
        shots_rejected += [f"{path.parent.name}/{path.stem}:{line}" for line in parsed.rejects.loc[shots, "line"]]
        assert parsed.rejects[~shots].empty, (path, parsed.rejects.head())
        assert parsed.matches["competition"].notna().all() and parsed.matches["season"].notna().all()
        if path.stem.startswith("season-"):
            start = int(path.stem[7:9])
            assert parsed.matches["season"].unique().tolist() == [
                f"{start + (1900 if start >= 69 else 2000)}-{path.stem[9:]}"
            ]
        matches += len(parsed.matches)
        odds += len(parsed.odds)
    assert (len(files), matches, odds) == (168, 72340, 132558)
    # the real files' only damage: five sides with more shots on target than shots, in three matches
    assert shots_rejected == ["premier-league/season-0001:82"] * 2 + ["premier-league/season-0001:319"] * 2 + [
        "premier-league/season-2122:10"
    ]


# --- match statistics --------------------------------------------------------------------------------

STATS_HEADER = "Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HS,AS,HST,AST,HC,AC,HY,AY\n"


def test_statistics_are_kept() -> None:
    m = parse(SAMPLES / "premier-league" / "season-2324.csv").matches
    burnley = m.iloc[0]
    assert [burnley[c] for c in ("home_shots", "away_shots", "home_shots_on_target", "away_shots_on_target")] == [
        6, 17, 1, 8,
    ]  # fmt: skip
    assert [burnley[c] for c in ("home_corners", "away_corners", "home_yellow", "away_yellow")] == [6, 5, 0, 0]


def test_bad_statistics_are_rejected_and_the_match_kept(tmp_path: Path) -> None:
    text = STATS_HEADER + (
        "2023-08-11,Burnley,Man City,0,3,A,x,-6,1,8,6,5,0,0\n"  # no number, negative
        "2023-08-12,Arsenal,Brighton,1,1,D,4,3.5,5,1,,,1,1\n"  # more on target than shots; not whole; blanks
        "2023-08-13,Chelsea,Fulham,4,0,H,9,3,2,0,7,2,1,1\n"  # four goals from two on target: own goals, no error
    )
    parsed = parse(write(tmp_path, "premier-league/season-2324.csv", text))
    m = parsed.matches
    assert m["line"].tolist() == [2, 3, 4]
    assert reasons(parsed) == [
        (2, "HS: 'x' is not a count 0..100; the match is kept without it"),
        (2, "AS: '-6' is negative; the match is kept without it"),
        (3, "AS: '3.5' is not a count 0..100; the match is kept without it"),
        (3, "HST 5 is more than HS 4: the home side's shots are kept out"),
    ]
    assert m[["home_shots", "away_shots"]].iloc[:2].isna().all().all()
    assert m["home_shots_on_target"].isna().tolist() == [False, True, False]
    assert m["away_shots_on_target"].tolist()[:2] == [8, 1] and m["home_corners"].isna().tolist() == [
        False,
        True,
        False,
    ]
    assert m.iloc[2][["home_goals", "home_shots_on_target"]].tolist() == [4, 2]
