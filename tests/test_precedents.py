import datetime as dt
import json
import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from remontada.app.cli import app
from remontada.data.bundle import open_store
from remontada.errors import DataError
from remontada.knockout.precedents import ERAS, MIN_ERA_TIES, BaseRate, base_rate, base_rates, precedents

runner = CliRunner()


@pytest.fixture(scope="module")
def store(bundled_db):
    with open_store(bundled_db, read_only=True) as s:
        yield s


def one(frame: pd.DataFrame, leg1: str, season: str) -> pd.Series:
    rows = frame[(frame["leg1"] == leg1) & (frame["season"] == season)]
    assert len(rows) == 1, frame[["season", "leg1"]].tail(20)
    return rows.iloc[0]


def test_liverpool_overturned_barcelona_3_0_away(store):
    frame = precedents(store, deficit=3, lost_at="away", competition="uefa-cl")
    tie = one(frame, "Barcelona 3-0 Liverpool", "2018-19")
    assert bool(tie["overturned"])
    assert (tie["trailing"], tie["leading"], tie["lost_at"]) == ("Liverpool", "Barcelona", "away")
    assert (tie["leg2"], tie["decided_by"], tie["round"]) == ("Liverpool 4-0 Barcelona", "aggregate", "Semifinals")
    assert tie["era"] == "away goals (1965-66 to 2020-21)"
    assert list(frame.columns) == [
        "date",
        "competition",
        "season",
        "round",
        "trailing",
        "leading",
        "leg1",
        "leg2",
        "lost_at",
        "overturned",
        "decided_by",
        "rules",
        "era",
    ]
    assert frame["date"].is_monotonic_increasing
    assert set(frame["lost_at"]) == {"away"} and set(frame["competition"]) == {"UEFA Champions League"}


def test_barcelona_overturned_psg_4_0(store):
    tie = one(precedents(store, deficit=4), "Paris Saint-Germain 4-0 Barcelona", "2016-17")
    assert bool(tie["overturned"]) and tie["trailing"] == "Barcelona" and tie["lost_at"] == "away"
    assert tie["leg2"] == "Barcelona 6-1 Paris Saint-Germain"


def test_liverpool_did_not_overturn_atalanta(store):
    frame = precedents(store, deficit=3, lost_at="home", competition="uefa europa LEAGUE")  # name, any case
    tie = one(frame, "Liverpool 0-3 Atalanta", "2023-24")
    assert not bool(tie["overturned"]) and tie["lost_at"] == "home" and tie["leg2"] == "Atalanta 0-1 Liverpool"
    assert (tie["rules"], tie["era"]) == ("uefa-2021", "no away goals (from 2021-22)")
    assert tie["date"] == pd.Timestamp("2024-04-18")
    away = precedents(store, deficit=3, lost_at="away", competition="uefa-el")
    assert "Liverpool 0-3 Atalanta" not in set(away["leg1"])


def test_venues_partition_the_ties(store):
    both = precedents(store, deficit=2)
    home = precedents(store, deficit=2, lost_at="home")
    away = precedents(store, deficit=2, lost_at="away")
    assert len(home) + len(away) == len(both) > 0
    assert set(home["lost_at"]) == {"home"} and set(away["lost_at"]) == {"away"}


def test_play_off_ties_keep_the_rules_of_their_two_legs(store):
    # stored with the rules of the play-off match ("single-match"); judged as a two-legged tie of its day
    frame = precedents(store, deficit=3, lost_at="away", competition="uefa-cl")
    tie = one(frame, "KB Kobenhavn 3-0 Schalke 04", "1958-59")
    assert bool(tie["overturned"]) and tie["decided_by"] == "replay" and tie["rules"] == "uefa-replays"
    assert set(frame["rules"]) <= set(ERAS)


def test_before_excludes_ties_settled_on_or_after_the_day(store):
    day = dt.date(2024, 4, 18)
    kept = precedents(store, deficit=3, lost_at="home", competition="uefa-el", before=day)
    assert "Liverpool 0-3 Atalanta" not in set(kept["leg1"])
    assert (kept["date"] < pd.Timestamp(day)).all()
    later = precedents(store, deficit=3, lost_at="home", competition="uefa-el", before=day + dt.timedelta(days=1))
    assert "Liverpool 0-3 Atalanta" in set(later["leg1"])


def test_since_is_the_first_season(store):
    from_2018 = precedents(store, deficit=3, lost_at="away", competition="uefa-cl", since=2018)
    assert "Barcelona 3-0 Liverpool" in set(from_2018["leg1"])
    assert (from_2018["season"].str[:4].astype(int) >= 2018).all()
    from_2019 = precedents(store, deficit=3, lost_at="away", competition="uefa-cl", since=2019)
    assert "Barcelona 3-0 Liverpool" not in set(from_2019["leg1"])
    assert len(from_2019) < len(from_2018)


def test_base_rates_add_up(store):
    frame = precedents(store, deficit=1)
    rates = base_rates(frame)
    eras, total = rates.iloc[:-1], rates.iloc[-1]
    assert total["era"] == "all" and total["ties"] == len(frame)
    assert eras["ties"].sum() == total["ties"] and eras["overturned"].sum() == total["overturned"]
    assert list(eras["era"]) == [e for e in ERAS.values() if e in set(eras["era"])]  # oldest rules first
    assert ((rates["lo"] <= rates["rate"]) & (rates["rate"] <= rates["hi"])).all()
    assert ((rates["lo"] >= 0) & (rates["hi"] <= 1)).all()
    assert total["rate"] == pytest.approx(frame["overturned"].mean())


def test_base_rates_of_no_ties(store):
    rates = base_rates(precedents(store, deficit=9, competition="uefa-el"))
    assert list(rates["era"]) == ["all"] and rates["ties"].iloc[0] == 0 and math.isnan(rates["rate"].iloc[0])


def test_base_rate_keeps_to_an_era_with_enough_ties(store):
    day = dt.date(2024, 4, 18)
    rate = base_rate(store, deficit=3, lost_at="away", before=day, rules="uefa-away-goals")
    era = precedents(store, deficit=3, lost_at="away", before=day)
    era = era[era["rules"] == "uefa-away-goals"]
    assert len(era) >= MIN_ERA_TIES
    assert isinstance(rate, BaseRate) and rate.era == "away goals (1965-66 to 2020-21)"
    assert (rate.ties, rate.overturned) == (len(era), int(era["overturned"].sum()))
    assert rate.lo is not None and rate.hi is not None and rate.lo <= rate.overturned / rate.ties <= rate.hi


def test_base_rate_falls_back_to_all_eras(store):
    day = dt.date(2024, 4, 18)
    rate = base_rate(store, deficit=3, lost_at="home", before=day, rules="uefa-2021")
    frame = precedents(store, deficit=3, lost_at="home", before=day)
    assert int((frame["rules"] == "uefa-2021").sum()) < MIN_ERA_TIES
    assert rate.era is None and rate.ties == len(frame) and rate.deficit == 3 and rate.lost_at == "home"
    assert base_rate(store, deficit=3, lost_at="home", before=day).ties == rate.ties
    empty = base_rate(store, deficit=9, lost_at="home", before=day, competition="uefa-el")
    assert (empty.ties, empty.rate, empty.lo, empty.hi) == (0, None, None, None)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"deficit": 0},
        {"deficit": -2},
        {"deficit": 1, "lost_at": "neutral"},
        {"deficit": 1, "competition": "Nowhere Cup"},
    ],
)
def test_invalid_arguments(store, kwargs):
    with pytest.raises(DataError):
        precedents(store, **kwargs)


def test_base_rate_refuses_single_match_rules(store):
    with pytest.raises(DataError, match="two-legged"):
        base_rate(store, deficit=1, lost_at="home", before=None, rules="single-match")


def test_cli_json_and_text(bundled_db):
    args = ["precedents", "--deficit", "3", "--lost-at", "away", "--competition", "uefa-cl", "--db", str(bundled_db)]
    result = runner.invoke(app, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    summary, total = payload["summary"], payload["by_era"][-1]
    assert summary["ties"] == total["ties"] == len(payload["ties"]) > summary["overturned"] > 0
    assert summary["rate"] == pytest.approx(summary["overturned"] / summary["ties"])
    assert summary["lo"] <= summary["rate"] <= summary["hi"]
    liverpool = [t for t in payload["ties"] if t["leg1"] == "Barcelona 3-0 Liverpool"]
    assert [(t["date"], t["leg2"], t["overturned"]) for t in liverpool] == [
        ("2019-05-07", "Liverpool 4-0 Barcelona", True)
    ]
    text = runner.invoke(app, args, catch_exceptions=False)
    assert text.exit_code == 0, text.output
    flat = " ".join(text.output.split())
    n, k = summary["ties"], summary["overturned"]
    assert f"3-goal first-leg deficits, lost away (uefa-cl): {k} of {n} overturned ({summary['rate']:.1%}" in flat
    assert f"{n - k} not overturned" in flat


@pytest.mark.parametrize("extra", [["--lost-at", "middle"], ["--deficit", "0"]])
def test_cli_errors_are_data_errors(bundled_db, extra):
    result = runner.invoke(app, ["precedents", "--deficit", "2", *extra, "--db", str(bundled_db)])
    assert result.exit_code != 0 and isinstance(result.exception, DataError)
