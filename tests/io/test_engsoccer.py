"""Tests for the engsoccerdata importer, on tiny real samples and hand-made edge cases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from remontada.data.io.base import ParsedFile
from remontada.data.io.engsoccer import EngsoccerImporter
from remontada.errors import DataError

DATA = Path(__file__).resolve().parents[1] / "data" / "engsoccerdata"

IMPORTER = EngsoccerImporter()


def parse(name: str) -> ParsedFile:
    return IMPORTER.parse(DATA / name)


def match(parsed: ParsedFile, home: str, date: str) -> pd.Series:
    m = parsed.matches
    rows = m[(m["home"] == home) & (m["date"] == pd.Timestamp(date))]
    assert len(rows) == 1, (home, date)
    return rows.iloc[0]


def reasons(parsed: ParsedFile) -> dict[int, str]:
    return dict(zip(parsed.rejects["line"].tolist(), parsed.rejects["reason"].tolist(), strict=True))


def head(path: Path) -> str:
    return path.read_bytes()[:8192].decode("utf-8-sig").replace("\r\n", "\n")


# --- sniff ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(DATA.glob("*.csv")), ids=lambda p: p.name)
def test_sniff_claims_every_layout(path: Path) -> None:
    assert IMPORTER.sniff(path, head(path))


@pytest.mark.parametrize(
    "text",
    [
        "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR\nE0,16/08/2024,20:00,Man United,Fulham,1,0,H\n",
        "Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\n2024-08-16,Man United,Fulham,1,0,H\n",
        "date,home_team,away_team,home_score,away_score,tournament,city,country,neutral\n"
        "1872-11-30,Scotland,England,0,0,Friendly,Glasgow,Scotland,FALSE\n",
        "date,home_team,away_team,winner,first_shooter\n",
        "current,start_date,end_date,former\n",
        "= UEFA Champions League 2023/24\n",
        "",
    ],
)
def test_sniff_refuses_other_formats(text: str) -> None:
    assert not IMPORTER.sniff(Path("x.csv"), text)


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("italy.csv", "tier"),
        ("spain.csv", "tier"),
        ("holland.csv", "tier"),
        ("champs.csv", "tiewinner"),
        ("facup.csv", "nonmatch"),
        ("leaguecup.csv", "northsouth"),
        ("teamnames.csv", "name_other"),
    ],
)
def test_sniff_refuses_each_layout_without_a_defining_column(name: str, column: str) -> None:
    header = head(DATA / name).split("\n", 1)[0]
    assert f'"{column}"' in header
    assert not IMPORTER.sniff(DATA / name, header.replace(f'"{column}"', '"other"') + "\n")


def test_sniff_looks_at_the_header_not_the_name(tmp_path: Path) -> None:
    path = tmp_path / "italy.csv"
    path.write_text("Date,HomeTeam,AwayTeam,FTHG,FTAG\n")
    assert not IMPORTER.sniff(path, head(path))


# --- league files -----------------------------------------------------------------------------------------------


def test_league_layouts_map_country_and_tier_to_a_competition() -> None:
    italy = parse("italy.csv")  # tier before division
    juve = match(italy, "Juventus", "1929-10-06")
    assert (juve["competition"], juve["season"], juve["away"]) == ("ita-1", "1929-30", "SSC Napoli")
    assert (juve["home_goals"], juve["away_goals"]) == (3, 2)
    assert (juve["home_country"], juve["away_country"]) == ("ITA", "ITA")
    assert not juve["knockout"] and not juve["neutral"] and juve["team_kind"] == "club"
    assert not juve["score_includes_et"] and pd.isna(juve["round"]) and pd.isna(juve["tie_key"])
    assert match(italy, "AC Venezia", "2025-05-25")["season"] == "2024-25"

    germany = parse("germany.csv")  # tier, division
    assert match(germany, "SSV Ulm 1846", "2025-05-18")["competition"] == "ger-2"
    assert match(germany, "Werder Bremen", "1963-08-24")["competition"] == "ger-1"

    holland = parse("holland.csv")  # tier only
    assert set(holland.matches["competition"]) == {"ned-1"}
    assert set(holland.matches["home_country"]) == {"NED"}


def test_scotland_divisions_sc0_to_sc3_are_tiers_1_to_4() -> None:
    scotland = parse("scotland.csv")
    assert match(scotland, "Aberdeen", "1994-08-13")["competition"] == "sco-1"  # SC0
    assert match(scotland, "Kilmarnock", "2016-08-06")["competition"] == "sco-1"  # spelt SCO
    assert match(scotland, "Airdrie", "1994-08-13")["competition"] == "sco-2"  # SC1
    assert match(scotland, "Berwick", "1997-08-05")["competition"] == "sco-4"  # SC3


def test_spain_reads_half_time_groups_and_refuses_an_awarded_result() -> None:
    spain = parse("spain.csv")
    arenas = match(spain, "Arenas de Getxo", "1929-02-10")
    assert (arenas["ht_home_goals"], arenas["ht_away_goals"], arenas["home_goals"], arenas["away_goals"]) == (
        0,
        2,
        2,
        3,
    )
    assert arenas["competition"] == "esp-1" and pd.isna(arenas["round"])
    assert pd.isna(match(spain, "Athletic Bilbao", "2025-05-25")["ht_home_goals"])  # HT is NA
    sevilla = match(spain, "Sevilla FC", "1987-04-12")
    assert sevilla["round"] == "Group B" and not sevilla["knockout"]
    assert reasons(spain) == {4: "not a match: 1-0 win awarded to AD Almeria"}


def test_league_without_a_score_is_refused() -> None:
    greece = parse("greece.csv")
    assert len(greece.matches) == 1
    assert reasons(greece) == {3: "FT: 'NA-NA' is not a score"}


def test_league_file_must_be_named_after_its_country(tmp_path: Path) -> None:
    path = tmp_path / "league.csv"
    path.write_text((DATA / "holland.csv").read_text())
    with pytest.raises(DataError, match="country"):
        IMPORTER.parse(path)


def test_broken_rows_become_rejects_with_line_and_reason() -> None:
    broken = parse("broken_italy.csv")  # BOM, CRLF, a blank line, hand-made bad rows
    assert broken.matches["home"].tolist() == ["Juventus"]
    assert reasons(broken) == {
        3: "date: missing",
        4: "FT: 'x-1' is not a score",
        5: "wrong number of columns: 8 instead of 12",
        7: "FT: '2-1' disagrees with hgoal/vgoal",
        8: "Season: 'NA' is not a year",
        9: "tier: 'NA' is not a tier number",
        10: "FT: missing",
    }
    raw = broken.rejects.set_index("line")["raw"]
    assert raw[4] == '"1929-10-13",1929,"Bologna FC","Juventus","x-1",NA,1,1,"1",NA,NA,NA'
    assert not raw.str.contains("\r").any()


def test_unknown_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "italy.csv"
    path.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(DataError, match="not an engsoccerdata file"):
        IMPORTER.parse(path)


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "champs.csv"
    path.write_text((DATA / "champs.csv").read_text().split("\n", 1)[0] + "\n")
    parsed = IMPORTER.parse(path)
    assert len(parsed.matches) == 0 and len(parsed.rejects) == 0


# --- champs.csv -------------------------------------------------------------------------------------------------


def test_champs_two_legged_tie() -> None:
    champs = parse("champs.csv")
    first = match(champs, "AC Milan", "2004-03-23")
    second = match(champs, "Deportivo La Coruna", "2004-04-07")
    assert (first["leg"], second["leg"]) == ("1", "2")
    assert first["tie_key"] == second["tie_key"] == "2003-04 Quarterfinals: AC Milan v Deportivo La Coruna"
    assert first["tie_winner"] == second["tie_winner"] == "Deportivo La Coruna"
    assert (second["home_goals"], second["away_goals"], second["ht_home_goals"]) == (4, 0, 3)
    assert (first["home_country"], first["away_country"]) == ("ITA", "ESP")
    assert first["competition"] == "uefa-cl" and first["knockout"] and not first["neutral"]


def test_champs_extra_time_and_penalties() -> None:
    final = match(parse("champs.csv"), "Chelsea", "2012-05-19")
    assert (final["home_goals"], final["away_goals"]) == (1, 1)  # FT is after 90 minutes
    assert (final["et_home_goals"], final["et_away_goals"]) == (1, 1)
    assert (final["pen_home"], final["pen_away"]) == (4, 3)  # home side's count first
    assert final["tie_winner"] == "Chelsea" and final["round"] == "Final"
    assert pd.isna(final["leg"]) and final["neutral"] and not final["score_includes_et"]


def test_champs_replayed_final_is_one_tie() -> None:
    champs = parse("champs.csv")
    initial = match(champs, "Bayern Munich", "1974-05-15")
    replay = match(champs, "Bayern Munich", "1974-05-17")
    assert pd.isna(initial["leg"]) and replay["leg"] == "replay"
    assert initial["tie_key"] == replay["tie_key"]
    assert replay["neutral"]


def test_champs_coin_toss_away_goals_and_walkover() -> None:
    champs = parse("champs.csv")
    replay = match(champs, "Liverpool", "1965-03-24")
    assert replay["leg"] == "replay" and replay["decided_note"] == "coin toss"
    assert (replay["et_home_goals"], replay["et_away_goals"]) == (2, 2) and pd.isna(replay["pen_home"])
    legs = champs.matches[champs.matches["tie_key"] == replay["tie_key"]]
    assert sorted(legs["leg"]) == ["1", "2", "replay"]
    assert match(champs, "Jeunesse Esch", "1967-10-01")["decided_note"] == "away goals"
    assert reasons(champs) == {14: "not a match: walkover"}
    assert match(champs, "AC Milan", "1991-03-06")["leg"] == "1"


def test_champs_rounds_groups_and_single_semis() -> None:
    champs = parse("champs.csv")
    group = match(champs, "Barcelona", "2006-12-05")
    assert group["round"] == "Group A" and not group["knockout"]
    assert pd.isna(group["leg"]) and pd.isna(group["tie_key"]) and pd.isna(group["tie_winner"])
    assert match(champs, "TPS Turku", "1973-09-18")["round"] == "Round 1"  # written "1"
    assert match(champs, "Waterford AFC", "1966-08-31")["round"] == "Preliminary Round"  # "PrelimF"
    assert match(champs, "Sporting CP", "2009-08-18")["round"] == "Playoffs"
    assert match(champs, "Koln", "1965-02-10")["round"] == "Quarterfinals"
    semi = match(champs, "AC Milan", "1994-04-27")
    assert semi["round"] == "Semifinals" and pd.isna(semi["leg"]) and semi["knockout"] and not semi["neutral"]
    assert semi["ht_home_goals"] == 1
    assert pd.isna(match(champs, "TPS Turku", "1973-09-18")["ht_home_goals"])  # HT is NA


# --- facup.csv --------------------------------------------------------------------------------------------------


def test_facup_non_matches_and_rows_without_date_are_rejects() -> None:
    facup = parse("facup.csv")
    assert reasons(facup) == {
        4: "not a match: Walkover",
        5: "not a match: Bye",
        6: "not a match: Match void",
    }
    assert facup.matches["date"].notna().all()


def test_facup_replay_shares_its_tie_and_the_shootout_winner() -> None:
    facup = parse("facup.csv")
    initial = match(facup, "AFC Bournemouth", "1992-01-04")
    replay = match(facup, "Newcastle United", "1992-01-22")
    assert pd.isna(initial["leg"]) and replay["leg"] == "replay"
    assert initial["tie_key"] == replay["tie_key"] == "1991-92 Round 3: AFC Bournemouth v Newcastle United"
    # "4-3 AFC Bournemouth": the winner's count first; hp/vp are home/visitor
    assert (replay["pen_home"], replay["pen_away"]) == (3, 4)
    assert initial["tie_winner"] == replay["tie_winner"] == "AFC Bournemouth"
    # a.e.t.: FT includes extra time
    assert replay["score_includes_et"] and (replay["et_home_goals"], replay["et_away_goals"]) == (2, 2)
    assert not initial["score_includes_et"] and pd.isna(initial["et_home_goals"])
    assert initial["competition"] == "eng-fa-cup" and initial["home_country"] == "ENG" and initial["knockout"]


def test_facup_shootout_names_and_order() -> None:
    facup = parse("facup.csv")
    # "7-6 Stevenage" names neither team as spelt; hp/vp decide
    mk = match(facup, "Milton Keynes Dons", "2010-11-16")
    assert (mk["pen_home"], mk["pen_away"], mk["tie_winner"]) == (6, 7, "Stevenage Borough")
    # "4-5" without a name: home side first
    millwall = match(facup, "Millwall", "2019-03-17")
    assert (millwall["pen_home"], millwall["pen_away"], millwall["tie_winner"]) == (4, 5, "Brighton & Hove Albion")
    assert millwall["round"] == "Quarterfinals"


def test_facup_neutral_rounds_legs_and_notes() -> None:
    facup = parse("facup.csv")
    final = match(facup, "Tottenham Hotspur", "1981-05-09")
    replay = match(facup, "Tottenham Hotspur", "1981-05-14")
    assert final["neutral"] and replay["neutral"] and final["round"] == "Final"
    assert final["tie_key"] == replay["tie_key"] and replay["leg"] == "replay"
    assert final["score_includes_et"] and not replay["score_includes_et"]
    semi = match(facup, "Watford", "2019-04-07")
    assert (
        semi["round"] == "Semifinals" and semi["neutral"] and (semi["et_home_goals"], semi["et_away_goals"]) == (3, 2)
    )
    assert match(facup, "Stoke City", "1971-05-07")["round"] == "Third Place"
    first = match(facup, "Aldershot", "1946-01-05")
    second = match(facup, "Plymouth Argyle", "1946-01-09")
    assert (first["leg"], second["leg"]) == ("1", "2") and first["tie_key"] == second["tie_key"]
    assert not match(facup, "Barnes", "1871-11-11")["neutral"]
    assert match(facup, "Hitchin", "1871-11-11")["decided_note"] == "No replay, both teams progress"
    coin = match(facup, "Sheffield", "1873-11-17")
    assert coin["decided_note"] == "Sheffield won on a coin toss" and coin["leg"] == "replay"


def test_facup_hand_made_edge_cases() -> None:
    edge = parse("edge_facup.csv")
    assert reasons(edge) == {2: "pens: '4-3 Home Town' disagrees with hp/vp 2-2", 3: "date: missing"}
    assert not match(edge, "Gamma", "2001-01-06")["neutral"]  # "no"


# --- leaguecup.csv ----------------------------------------------------------------------------------------------


def test_leaguecup_legs_replays_and_unsure_replays() -> None:
    cup = parse("leaguecup.csv")
    assert len(cup.rejects) == 0
    # 1960-61 final: two legs (the first is dated after the second in the source)
    first, second = match(cup, "Rotherham United", "1961-09-22"), match(cup, "Aston Villa", "1961-09-05")
    assert (first["leg"], second["leg"]) == ("1", "2") and first["tie_key"] == second["tie_key"]
    assert not first["score_includes_et"] and second["score_includes_et"]
    assert not first["neutral"]
    # semi-final: two legs and a replay
    semi = cup.matches[cup.matches["tie_key"] == "1960-61 Semifinals: Aston Villa v Burnley"]
    assert sorted(semi["leg"]) == ["1", "2", "replay"]
    # check_replay_data: ordered by date within the tie
    qpr = cup.matches[cup.matches["tie_key"] == "1984-85 Round 4: Queens Park Rangers v Southampton"]
    assert qpr.sort_values("date")["leg"].fillna("-").tolist() == ["-", "replay", "replay2"]
    # a lone leg 1 is a single match; single-match finals are neutral
    assert pd.isna(match(cup, "Chesterfield", "2006-10-24")["leg"])
    final = match(cup, "Chelsea", "2019-02-24")
    assert pd.isna(final["leg"]) and final["neutral"] and final["round"] == "Final"
    replay = match(cup, "Leicester City", "1997-04-16")
    assert replay["leg"] == "replay" and replay["neutral"]
    assert set(cup.matches["competition"]) == {"eng-league-cup"}


def test_leaguecup_with_extra_time_and_penalties_recorded() -> None:
    edge = parse("edge_leaguecup.csv")
    home = match(edge, "Home Town", "2001-01-10")
    assert (home["pen_home"], home["pen_away"], home["tie_winner"]) == (4, 3, "Home Town")
    assert home["score_includes_et"] and home["et_home_goals"] == 1
    alpha = match(edge, "Alpha", "2001-01-10")
    assert (alpha["pen_home"], alpha["pen_away"], alpha["tie_winner"]) == (4, 5, "Beta")
    assert not match(edge, "Eta", "2001-01-10")["score_includes_et"]  # the file records extra time
    assert reasons(edge) == {
        4: "pens: '3-2 Epsilon' does not say whose count is first",
        6: "tie: 'quarter' is not initial, replay<n>, leg1, leg2 or none",
        7: "leg: '7' is not 0, 1 or 2",
        8: "aet: 'maybe' is not 'yes', 'no' or 'NA'",
        9: "pens: 'lots' is not a shootout score",
    }


# --- teamnames.csv ----------------------------------------------------------------------------------------------


def test_teamnames_become_aliases() -> None:
    names = parse("teamnames.csv")
    assert len(names.matches) == 0
    got = names.aliases[["name", "alias", "country", "team_kind"]].fillna("-").values.tolist()
    assert got == [
        ["Aberdare Athletic", "Aat", "ENG", "club"],
        ["NEC Nijmegen", "Nijmegen", "NED", "club"],
        ["New York Red Bulls", "New York Metrostars", "-", "club"],
    ]
    assert reasons(names) == {5: "alias: missing"}


# --- every real file --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_real_file_parses(shared_data: Path) -> None:
    REAL = shared_data / "engsoccerdata"
    parsed = {path.name: IMPORTER.parse(path) for path in sorted(REAL.glob("*.csv"))}
    assert len(parsed) >= 15
    for name, p in parsed.items():
        assert len(p.matches) + len(p.aliases) > 0, name
        assert IMPORTER.sniff(REAL / name, head(REAL / name)), name
    for name in ("belgium.csv", "france.csv", "germany.csv", "holland.csv", "italy.csv", "leaguecup.csv"):
        assert len(parsed[name].rejects) == 0, name
    assert parsed["facup.csv"].rejects["reason"].str.startswith("not a match: ").all()
    assert len(parsed["facup.csv"].rejects) == 341

    champs = parsed["champs.csv"]
    first = match(champs, "AC Milan", "2004-03-23")
    second = match(champs, "Deportivo La Coruna", "2004-04-07")
    assert first["tie_key"] == second["tie_key"] and (first["leg"], second["leg"]) == ("1", "2")
    assert second["tie_winner"] == "Deportivo La Coruna"
    final = match(champs, "Chelsea", "2012-05-19")
    assert (final["et_home_goals"], final["pen_home"], final["pen_away"]) == (1, 4, 3)
    shootouts = champs.matches[champs.matches["pen_home"].notna()]
    winners = shootouts["home"].where(shootouts["pen_home"] > shootouts["pen_away"], shootouts["away"])
    assert (winners == shootouts["tie_winner"]).all()

    spain = parsed["spain.csv"].matches
    assert spain["ht_home_goals"].notna().sum() > 20_000

    facup = parsed["facup.csv"].matches
    replays = facup[facup["leg"] == "replay"]
    firsts = facup.loc[~facup["leg"].fillna("").str.startswith("replay"), "tie_key"]
    # 3,140 replays; 33 lack a first match: void or walkover first matches (rejects) and a few spelling slips
    assert (~replays["tie_key"].isin(firsts)).sum() <= 33

    scotland = parsed["scotland.csv"].matches
    assert set(scotland["competition"]) == {"sco-1", "sco-2", "sco-3", "sco-4"}
