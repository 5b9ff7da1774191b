from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from remontada.data.io.base import ParsedFile
from remontada.data.io.international import InternationalImporter
from remontada.errors import DataError

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "international"
IMPORTER = InternationalImporter()


def reasons(parsed: ParsedFile) -> list[tuple[int, str]]:
    return list(zip(parsed.rejects["line"].tolist(), parsed.rejects["reason"].tolist(), strict=True))


def counts(parsed: ParsedFile) -> dict[str, int]:
    return {attr: len(getattr(parsed, attr)) for _, attr in parsed.tables() if len(getattr(parsed, attr))}


@pytest.mark.parametrize("name", ["results.csv", "goalscorers.csv", "shootouts.csv", "former_names.csv"])
def test_sniff_claims_the_four_files(name: str) -> None:
    path = SAMPLES / name
    assert IMPORTER.sniff(path, path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n"))


@pytest.mark.parametrize(
    "head",
    [
        "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR\n",
        "Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR\n",
        '"Date","Season","home","visitor","FT","hgoal","vgoal","division","tier"\n',
        "date,home_team,away_team,home_score\n",
        "current,name\n",
        "= UEFA Champions League 2011/12\n",
        "",
    ],
)
def test_sniff_refuses_other_formats(head: str) -> None:
    assert not IMPORTER.sniff(Path("results.csv"), head)


def test_results() -> None:
    parsed = IMPORTER.parse(SAMPLES / "results.csv")
    assert counts(parsed) == {"matches": 7}
    m = parsed.matches
    assert m["line"].tolist() == [2, 3, 4, 5, 6, 7, 11]
    final = m[m["line"] == 7].iloc[0]
    assert final["date"] == pd.Timestamp("2022-12-18")
    assert (final["home"], final["away"], final["home_goals"], final["away_goals"]) == ("Argentina", "France", 3, 3)
    assert (final["competition"], final["season"], final["neutral"]) == ("int:FIFA World Cup", "2022", True)
    assert m["season"].tolist()[:2] == ["1872", "1873"]
    assert m["neutral"].tolist() == [False, False, True, False, False, True, False]
    assert set(m["team_kind"]) == {"national"}
    assert m["score_includes_et"].all() and not m["knockout"].any()
    assert m[["home_country", "away_country", "kickoff", "round"]].isna().all().all()
    # two matches between the same teams on the same day, as the source has them
    assert len(m[(m["home"] == "Tahiti") & (m["date"] == pd.Timestamp("1974-02-17"))]) == 2
    assert reasons(parsed) == [
        (8, "no score: not played yet"),
        (9, "date: '2023-13-01' is not a date (yyyy-mm-dd)"),
        (10, "wrong number of columns: 8 instead of 9"),
    ]


def test_goals() -> None:
    parsed = IMPORTER.parse(SAMPLES / "goalscorers.csv")
    assert counts(parsed) == {"goals": 11}
    g = parsed.goals.set_index("line")
    assert g.loc[2, ["scorer", "minute", "team"]].tolist() == ["José Piendibene", 44, "Uruguay"]
    assert (g.loc[4, "penalty"], g.loc[4, "own_goal"]) == (True, False)
    assert (g.loc[5, "penalty"], g.loc[5, "own_goal"]) == (False, True)
    assert g.loc[13, ["minute", "minute_raw"]].tolist() == [118, "118"] and pd.isna(g.loc[13, "stoppage"])
    assert g.loc[14, ["minute", "stoppage", "minute_raw"]].tolist() == [90, 11, "90+11"]
    assert g["stoppage"].notna().sum() == 1
    assert reasons(parsed) == [
        (6, "goal without a minute"),
        (7, "goal without a minute"),
        (15, "team 'Brazil' is neither the home nor the away team"),
        (16, 'minute: "45\'" is not an integer'),
    ]


def test_shootouts_with_bom_and_crlf() -> None:
    parsed = IMPORTER.parse(SAMPLES / "shootouts.csv")
    assert counts(parsed) == {"shootouts": 2}
    s = parsed.shootouts
    assert s["date"].tolist() == [pd.Timestamp("1967-08-22"), pd.Timestamp("2022-12-18")]
    assert s["winner"].tolist() == ["Taiwan", "Argentina"]
    assert pd.isna(s.loc[0, "first_shooter"]) and s.loc[1, "first_shooter"] == "France"
    assert reasons(parsed) == [(4, "winner 'Brazil' is neither the home nor the away team")]


def test_shootouts_of_early_releases_have_no_first_shooter(tmp_path: Path) -> None:
    path = tmp_path / "shootouts.csv"
    path.write_text("date,home_team,away_team,winner\n1967-08-22,India,Taiwan,Taiwan\n")
    parsed = IMPORTER.parse(path)
    assert parsed.shootouts["first_shooter"].isna().all() and parsed.rejects.empty


def test_former_names() -> None:
    parsed = IMPORTER.parse(SAMPLES / "former_names.csv")
    assert counts(parsed) == {"aliases": 4}
    a = parsed.aliases
    assert a[["name", "alias"]].values.tolist() == [
        ["Benin", "Dahomey"],
        ["Burkina Faso", "Upper Volta"],
        ["Curaçao", "Netherlands Antilles"],
        ["Czechoslovakia", "Bohemia"],
    ]
    assert set(a["team_kind"]) == {"national"} and a["country"].isna().all()


def test_an_unknown_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_text("date,home,away\n2020-01-01,A,B\n")
    with pytest.raises(DataError, match="not one of the international results files"):
        IMPORTER.parse(path)


def test_header_only(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_text("date,home_team,away_team,home_score,away_score,tournament,city,country,neutral\n")
    parsed = IMPORTER.parse(path)
    assert parsed.matches.empty and parsed.rejects.empty


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "expected", "rejected"),
    [
        ("results.csv", {"matches": 46864}, 0),
        ("goalscorers.csv", {"goals": 43940}, 254),
        ("shootouts.csv", {"shootouts": 624}, 0),
        ("former_names.csv", {"aliases": 36}, 0),
    ],
)
def test_all_shared_international_files(shared_data: Path, name: str, expected: dict[str, int], rejected: int) -> None:
    path = shared_data / "international" / name
    if not path.exists():
        pytest.skip(f"no {path}")
    parsed = IMPORTER.parse(path)
    assert counts(parsed) == expected
    assert len(parsed.rejects) == rejected
    assert set(parsed.rejects["reason"]) <= {"goal without a minute"}
