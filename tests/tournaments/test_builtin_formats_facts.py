"""Facts of the built-in tournament formats, checked on the TOML files alone.

The general loader lives elsewhere; these tests read the files with ``tomllib`` and
check what the regulations say (group counts, bracket shape, slots, criteria), so a
transcription slip in a built-in file is caught even before the loader exists.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

BUILTIN = Path(__file__).resolve().parents[2] / "src" / "remontada" / "tournaments" / "builtin"

FORMATS = [
    "world-cup-32",
    "world-cup-32-1998",
    "world-cup-32-2002",
    "euro-16",
    "afcon-24",
    "copa-america-16",
    "copa-america-16-2016",
    "gold-cup-16",
    "gold-cup-16-2019",
    "uefa-group-stage",
    "uefa-league-phase",
    "league",
    "league-eng-1",
    "league-esp-1",
    "league-ita-1",
    "league-ger-1",
    "league-fra-1",
]
LEAGUES = [name for name in FORMATS if name.startswith("league")]

TABLE_CRITERIA = {
    "goal_difference",
    "goals",
    "wins",
    "away_goals",
    "away_wins",
    "opponents_points",
    "opponents_goal_difference",
    "opponents_goals",
}
H2H_CRITERIA = {"h2h_points", "h2h_goal_difference", "h2h_goals", "h2h_away_goals"}
RULES = {"uefa-2021", "uefa-away-goals", "uefa-replays", "two-legged", "single-match", "cup-replays"}
RULE_FLAGS = {"away_goals", "away_goals_in_extra_time", "extra_time", "penalties", "replays"}
STAGES = {"top_8", "knockout_playoff", "round_of_32", "round_of_16", "quarterfinals", "semifinals", "final"}

TIE = re.compile(r"^(\d+): (\S+) v (\S+)$")
GROUP_SLOT = re.compile(r"^([1-9])([A-Z])$")
PAIR_SLOT = re.compile(r"^(\d+)/(\d+)$")
PLACE_SLOT = re.compile(r"^(\d+)$")
WINNER_SLOT = re.compile(r"^[WL](\d+)$")


def load(name: str) -> dict:
    with (BUILTIN / f"{name}.toml").open("rb") as f:
        return tomllib.load(f)


def parse_ties(ties: list[str]) -> list[tuple[int, str, str]]:
    out = []
    for tie in ties:
        m = TIE.match(tie)
        assert m, f"tie {tie!r} is not 'ID: HOME v AWAY'"
        out.append((int(m[1]), m[2], m[3]))
    return out


def round_slots(rnd: dict) -> list[str]:
    """Every slot a round names, ties or draw."""
    if "ties" in rnd:
        return [s for _, home, away in parse_ties(rnd["ties"]) for s in (home, away)]
    draw = rnd["draw"]
    if "pots" in draw:
        return [s for pot in draw["pots"] for s in pot]
    return list(draw["open"])


def round_size(rnd: dict) -> int:
    """The number of ties in a round."""
    return len(round_slots(rnd)) // 2


def tie_ids(fmt: dict) -> list[list[int]]:
    """The tie ids of each round; a drawn round's i-th pairing is the next id in turn."""
    out: list[list[int]] = []
    last = 0
    for rnd in fmt.get("rounds", []):
        if "ties" in rnd:
            ids = [i for i, _, _ in parse_ties(rnd["ties"])]
        else:
            ids = list(range(last + 1, last + 1 + round_size(rnd)))
        out.append(ids)
        last = max(ids)
    return out


def check_criteria(criteria: list) -> None:
    seen: set[str] = set()
    for item in criteria:
        if isinstance(item, list):
            names = item[:-1] if item and item[-1] == "reapply" else item
            assert names, "an empty head-to-head list"
            assert "reapply" not in names, "reapply may only end a head-to-head list"
            assert set(names) <= H2H_CRITERIA, f"not head-to-head criteria: {set(names) - H2H_CRITERIA}"
        else:
            assert item in TABLE_CRITERIA, f"{item!r} is not a criterion (head-to-head ones go in a list)"
            names = [item]
        assert not seen & set(names), f"criterion repeated: {seen & set(names)}"
        seen |= set(names)


def check_rules(text: str) -> None:
    base, *changes = [part.strip() for part in text.split(",")]
    assert base in RULES, f"unknown rules {base!r}"
    for change in changes:
        flag, _, value = change.partition("=")
        assert flag in RULE_FLAGS and value in {"yes", "no"}, f"bad rules change {change!r}"


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_names_itself_and_cites_its_source(name: str) -> None:
    fmt = load(name)
    assert fmt["name"] == name
    assert fmt["title"].strip()
    assert "http" in fmt["source"], "the source gives a URL"
    assert isinstance(fmt["neutral"], bool)
    assert ("groups" in fmt) + ("league" in fmt) <= 1, "groups or league, not both"
    known = {"name", "title", "source", "neutral", "groups", "thirds", "league", "rounds"}
    assert set(fmt) <= known, f"unknown keys {set(fmt) - known}"


@pytest.mark.parametrize("name", FORMATS)
def test_criteria_are_from_the_schema_table(name: str) -> None:
    fmt = load(name)
    table = fmt.get("groups") or fmt.get("league")
    assert table["points"] == [3, 1, 0]
    check_criteria(table["criteria"])
    assert table["lots"].strip(), "lots says what the drawing of lots stands for"


@pytest.mark.parametrize("name", [n for n in FORMATS if "rounds" in load(n)])
def test_bracket_is_consistent(name: str) -> None:
    fmt = load(name)
    rounds = fmt["rounds"]
    ids = tie_ids(fmt)
    flat = [i for round_ids in ids for i in round_ids]
    assert len(flat) == len(set(flat)), "tie ids are unique"
    assert flat == sorted(flat), "tie ids grow from round to round"
    stages = [r["stage"] for r in rounds]
    assert set(stages) <= STAGES and len(stages) == len(set(stages))
    assert stages[-1] == "final"

    for k, rnd in enumerate(rounds):
        check_rules(rnd["rules"])
        assert ("ties" in rnd) != ("draw" in rnd), "a round has ties or a draw"
        slots = round_slots(rnd)
        if k > 0 and all(s.startswith("W") for s in slots):
            assert round_size(rnd) * 2 == round_size(rounds[k - 1]), f"round {k} halves the one before"
        earlier = {i for round_ids in ids[:k] for i in round_ids}
        plain = [s for s in slots if not PAIR_SLOT.match(s)]
        assert len(plain) == len(set(plain)), f"round {k}: a slot is used twice: {slots}"
        for slot in slots:
            if m := WINNER_SLOT.match(slot):
                assert int(m[1]) in earlier, f"{slot} refers to no earlier tie"
        for pair in {s for s in slots if PAIR_SLOT.match(s)}:
            a, b = map(int, PAIR_SLOT.match(pair).groups())
            assert b == a + 1, f"{pair} names two consecutive places"
            assert slots.count(pair) == 2, f"{pair} is named by two ties, which take one each"
        if k > 0:  # later rounds take exactly the winners of the round before
            winners = {s for s in slots if s.startswith("W")}
            assert winners == {f"W{i}" for i in ids[k - 1]}, f"round {k} takes the winners of round {k - 1}"


@pytest.mark.parametrize(
    "name",
    ["world-cup-32", "world-cup-32-1998", "world-cup-32-2002", "copa-america-16", "copa-america-16-2016",
     "gold-cup-16", "gold-cup-16-2019", "uefa-group-stage"],
)  # fmt: skip
def test_group_winners_and_runners_up_fill_the_first_round(name: str) -> None:
    fmt = load(name)
    groups = fmt["groups"]
    first = round_slots(fmt["rounds"][0])
    expected = {f"{p}{g}" for g in groups["names"] for p in (1, 2)}
    assert sorted(first) == sorted(expected), "each winner and runner-up exactly once"
    for slot in first:
        place, group = GROUP_SLOT.match(slot).groups()
        assert group in groups["names"] and 1 <= int(place) <= groups["size"]
    if "ties" in fmt["rounds"][0]:  # a group's winner and runner-up never meet first
        for _, home, away in parse_ties(fmt["rounds"][0]["ties"]):
            assert home[1] != away[1] and {home[0], away[0]} == {"1", "2"}


def test_world_cup_32() -> None:
    fmt = load("world-cup-32")
    assert fmt["groups"]["names"] == list("ABCDEFGH")
    assert (fmt["groups"]["size"], fmt["groups"]["meetings"]) == (4, 1)
    # FIFA 1998-2022: overall goal difference and goals BEFORE the head-to-head matches.
    assert fmt["groups"]["criteria"] == [
        "goal_difference",
        "goals",
        ["h2h_points", "h2h_goal_difference", "h2h_goals"],
    ]
    ties = {i: (h, a) for rnd in fmt["rounds"] for i, h, a in parse_ties(rnd["ties"])}
    assert ties[49] == ("1A", "2B") and ties[50] == ("1C", "2D")
    assert ties[51] == ("1D", "2C") and ties[52] == ("1B", "2A")
    assert ties[57] == ("W49", "W50") and ties[64] == ("W61", "W62")
    assert sorted(ties) == [*range(49, 63), 64], "49-64 without the third-place match 63"
    assert all(r["rules"] == "single-match" for r in fmt["rounds"])


def paths(name: str) -> list[set[frozenset[str]]]:
    """Each later round's ties as the first-round pairings feeding them: ``{frozenset({"1A", "2B"}), ...}``."""
    fmt = load(name)
    below: dict[int, set[frozenset[str]]] = {}
    out = []
    for k, rnd in enumerate(fmt["rounds"]):
        for i, home, away in parse_ties(rnd["ties"]):
            below[i] = {frozenset((home, away))} if k == 0 else below[int(home[1:])] | below[int(away[1:])]
        out.append([frozenset(below[i]) for i, _, _ in parse_ties(rnd["ties"])])
    return [set(r) for r in out]


def pairings(*texts: str) -> set[frozenset[frozenset[str]]]:
    """``"1A-2B 1D-2C"`` -> the set of first-round pairings below one tie; one text per tie."""
    return {frozenset(frozenset(p.split("-")) for p in text.split()) for text in texts}


# The brackets as played, from the Wikipedia knockout-stage articles cited in each file.
WORLD_CUP_1998 = [  # Brazil-Chile, Nigeria-Denmark, ...; QF Nantes, Marseille, Saint-Denis, Lyon
    pairings("1A-2B", "1D-2C", "1E-2F", "1H-2G", "1B-2A", "1C-2D", "1F-2E", "1G-2H"),
    pairings("1A-2B 1D-2C", "1E-2F 1H-2G", "1B-2A 1C-2D", "1F-2E 1G-2H"),
    pairings("1A-2B 1D-2C 1E-2F 1H-2G", "1B-2A 1C-2D 1F-2E 1G-2H"),
]
WORLD_CUP_2002 = [  # Germany-Paraguay, Mexico-USA, ...; QF Ulsan, Gwangju, Shizuoka, Osaka
    pairings("1E-2B", "1G-2D", "1B-2E", "1D-2G", "1A-2F", "1C-2H", "1F-2A", "1H-2C"),
    pairings("1E-2B 1G-2D", "1B-2E 1D-2G", "1A-2F 1C-2H", "1F-2A 1H-2C"),
    pairings("1E-2B 1G-2D 1B-2E 1D-2G", "1A-2F 1C-2H 1F-2A 1H-2C"),
]
WORLD_CUP_2006_2022 = [
    pairings("1A-2B", "1C-2D", "1D-2C", "1B-2A", "1E-2F", "1G-2H", "1F-2E", "1H-2G"),
    pairings("1A-2B 1C-2D", "1E-2F 1G-2H", "1D-2C 1B-2A", "1F-2E 1H-2G"),
    pairings("1A-2B 1C-2D 1E-2F 1G-2H", "1D-2C 1B-2A 1F-2E 1H-2G"),
]
EURO_2016 = [  # Switzerland-Poland, Croatia-Portugal, Wales-Northern Ireland, Hungary-Belgium, ...
    pairings("2A-2C", "1D-3[BEF]", "1B-3[ACD]", "1F-2E", "1C-3[ABF]", "1E-2D", "1A-3[CDE]", "2B-2F"),
    pairings("2A-2C 1D-3[BEF]", "1B-3[ACD] 1F-2E", "1C-3[ABF] 1E-2D", "1A-3[CDE] 2B-2F"),
    pairings("2A-2C 1D-3[BEF] 1B-3[ACD] 1F-2E", "1C-3[ABF] 1E-2D 1A-3[CDE] 2B-2F"),
]
COPA_AMERICA_2016 = [  # SF United States-Argentina (Houston), Colombia-Chile (Chicago)
    pairings("1A-2B", "1B-2A", "1C-2D", "1D-2C"),
    pairings("1A-2B 1D-2C", "1B-2A 1C-2D"),
]
COPA_AMERICA_2024 = [pairings("1A-2B", "1B-2A", "1C-2D", "1D-2C"), pairings("1A-2B 1B-2A", "1C-2D 1D-2C")]
GOLD_CUP_2019 = [  # QF Haiti-Canada, Mexico-Costa Rica, Jamaica-Panama, United States-Curaçao
    pairings("1B-2A", "1A-2B", "1C-2D", "1D-2C"),
    pairings("1B-2A 1A-2B", "1C-2D 1D-2C"),
]
GOLD_CUP_2023 = [pairings("1A-2D", "1B-2C", "1C-2B", "1D-2A"), pairings("1D-2A 1B-2C", "1A-2D 1C-2B")]


@pytest.mark.parametrize(
    "name,played",
    [
        ("world-cup-32-1998", WORLD_CUP_1998),
        ("world-cup-32-2002", WORLD_CUP_2002),
        ("world-cup-32", WORLD_CUP_2006_2022),
        ("euro-16", EURO_2016),
        ("copa-america-16-2016", COPA_AMERICA_2016),
        ("copa-america-16", COPA_AMERICA_2024),
        ("gold-cup-16-2019", GOLD_CUP_2019),
        ("gold-cup-16", GOLD_CUP_2023),
    ],
)
def test_brackets_as_played(name: str, played: list) -> None:
    assert paths(name)[: len(played)] == played


@pytest.mark.parametrize(
    "name,twin", [("world-cup-32-1998", "world-cup-32"), ("world-cup-32-2002", "world-cup-32"),
                  ("copa-america-16-2016", "copa-america-16"), ("gold-cup-16-2019", "gold-cup-16")],
)  # fmt: skip
def test_an_edition_file_differs_from_its_family_only_in_the_bracket(name: str, twin: str) -> None:
    """A file per edition is there because its bracket differs; its groups are the family's."""
    mine, theirs = load(name), load(twin)
    assert paths(name) != paths(twin)
    assert (mine["groups"]["names"], mine["groups"]["size"]) == (theirs["groups"]["names"], theirs["groups"]["size"])
    assert mine["groups"]["criteria"] == theirs["groups"]["criteria"]
    assert [r["rules"] for r in mine["rounds"]] == [r["rules"] for r in theirs["rounds"]]


def test_euro_16_groups_and_thirds() -> None:
    fmt = load("euro-16")
    assert fmt["groups"]["criteria"] == [["h2h_points", "h2h_goal_difference", "h2h_goals", "reapply"],
                                         "goal_difference", "goals"]  # fmt: skip
    assert fmt["thirds"] == {**fmt["thirds"], "count": 4, "criteria": ["goal_difference", "goals"]}
    assert fmt["thirds"]["table"] == "thirds/euro-16.csv"
    assert all(r["rules"] == "single-match" for r in fmt["rounds"])


def test_copa_america_16_has_no_extra_time_before_the_final() -> None:
    fmt = load("copa-america-16")
    assert (len(fmt["groups"]["names"]), fmt["groups"]["size"]) == (4, 4)
    rules = {r["stage"]: r["rules"] for r in fmt["rounds"]}
    assert rules == {
        "quarterfinals": "single-match,extra_time=no",
        "semifinals": "single-match,extra_time=no",
        "final": "single-match",
    }


def test_gold_cup_16() -> None:
    fmt = load("gold-cup-16")
    assert (len(fmt["groups"]["names"]), fmt["groups"]["size"], fmt["groups"]["meetings"]) == (4, 4, 1)
    assert all(r["rules"] == "single-match" for r in fmt["rounds"]), "extra time, then penalties"
    assert [r["stage"] for r in fmt["rounds"]] == ["quarterfinals", "semifinals", "final"]


def test_uefa_group_stage() -> None:
    fmt = load("uefa-group-stage")
    groups = fmt["groups"]
    assert (len(groups["names"]), groups["size"], groups["meetings"]) == (8, 4, 2)
    assert groups["criteria"][0] == ["h2h_points", "h2h_goal_difference", "h2h_goals", "reapply"]
    r16, qf, sf, final = fmt["rounds"]
    assert r16["draw"]["pots"] == [[f"2{g}" for g in "ABCDEFGH"], [f"1{g}" for g in "ABCDEFGH"]]
    assert sorted(r16["draw"]["avoid"]) == ["association", "group"]
    assert qf["draw"]["open"] == [f"W{i}" for i in range(1, 9)]
    assert sf["draw"]["open"] == [f"W{i}" for i in range(9, 13)]
    assert final["ties"] == ["15: W13 v W14"]
    assert [r["rules"] for r in fmt["rounds"]] == ["uefa-2021"] * 3 + ["single-match"]


def _pair(slot: str) -> tuple[int, int]:
    m = PAIR_SLOT.match(slot)
    assert m, slot
    return int(m[1]), int(m[2])


def test_uefa_league_phase_bracket() -> None:
    fmt = load("uefa-league-phase")
    league = fmt["league"]
    assert (league["size"], league["meetings"]) == (36, 0)
    assert league["criteria"] == [
        "goal_difference",
        "goals",
        "away_goals",
        "wins",
        "away_wins",
        "opponents_points",
        "opponents_goal_difference",
        "opponents_goals",
    ]
    assert league["stages"] == [
        {"name": "top_8", "positions": [1, 8]},
        {"name": "knockout_playoff", "positions": [9, 24]},
    ]
    playoff, r16, qf, sf, final = fmt["rounds"]
    assert [r["stage"] for r in fmt["rounds"]] == [
        "knockout_playoff",
        "round_of_16",
        "quarterfinals",
        "semifinals",
        "final",
    ]
    assert [r["rules"] for r in fmt["rounds"]] == ["uefa-2021"] * 4 + ["single-match"]

    # Play-offs: 9/10 v 23/24, 11/12 v 21/22, 13/14 v 19/20, 15/16 v 17/18, twice each;
    # the seeded (better placed) pair is named second, at home in the second leg.
    po = {i: (_pair(h), _pair(a)) for i, h, a in parse_ties(playoff["ties"])}
    covered = sorted(p for ties in po.values() for pair in ties for p in pair)
    assert covered == sorted(2 * list(range(9, 25))), "each of 9-24 is in two ties' pairs"
    for (away_a, _), (home_a, _) in po.values():
        assert home_a < away_a and home_a + away_a == 32, "9/10 v 23/24, ..., 15/16 v 17/18"

    # Round of 16: the winners of 9/10 v 23/24 meet 7/8, ... those of 15/16 v 17/18 meet 1/2.
    r16_ties = {i: (h, a) for i, h, a in parse_ties(r16["ties"])}
    top = []
    for _i, (home, away) in r16_ties.items():
        seeded = po[int(home[1:])][1][0]
        a, _ = _pair(away)
        assert a + seeded == 16, f"{away} meets the winner of the {seeded}/{seeded + 1} play-off"
        top.append(a)
    assert sorted(top) == [1, 1, 3, 3, 5, 5, 7, 7]

    def feeders(tie: int) -> set[int]:
        """The top-8 pairs whose path runs through a tie."""
        if tie in r16_ties:
            return {_pair(r16_ties[tie][1])[0]}
        for rnd in (qf, sf, final):
            for i, h, a in parse_ties(rnd["ties"]):
                if i == tie:
                    return feeders(int(h[1:])) | feeders(int(a[1:]))
        raise AssertionError(tie)

    # 1/2 meets 7/8 and 3/4 meets 5/6 in the quarter-finals; each semi-final has one of each.
    assert sorted(sorted(feeders(i)) for i, _, _ in parse_ties(qf["ties"])) == [[1, 7], [1, 7], [3, 5], [3, 5]]
    for i, _, _ in parse_ties(sf["ties"]):
        assert feeders(i) == {1, 3, 5, 7}
    # 1 and 2 are in different halves: each semi-final has one of the two 1/2 ties below it.
    qf_ties = {i: (h, a) for i, h, a in parse_ties(qf["ties"])}
    for _i, home, away in parse_ties(sf["ties"]):
        below = {int(s[1:]) for q in (home, away) for s in qf_ties[int(q[1:])]}
        assert sum(r16_ties[t][1] == "1/2" for t in below) == 1
    assert parse_ties(final["ties"]) == [(23, "W21", "W22")]


@pytest.mark.parametrize("name", LEAGUES)
def test_league_stages_and_zones_fit_the_table(name: str) -> None:
    fmt = load(name)
    league = fmt["league"]
    assert league["meetings"] == 2
    assert league["stages"] == [{"name": "champion", "positions": [1, 1]}]
    taken: set[int] = set()
    for zone in league.get("zones", []):
        first, last = zone["positions"]
        assert 1 <= first <= last <= league["size"], f"{zone['name']} lies outside 1..{league['size']}"
        places = set(range(first, last + 1))
        assert not taken & places, f"zones overlap at {taken & places}"
        taken |= places
    assert "rounds" not in fmt


def test_league_sizes_and_tie_breakers() -> None:
    sizes = {name: load(name)["league"]["size"] for name in LEAGUES}
    assert sizes == {
        "league": 20,
        "league-eng-1": 20,
        "league-esp-1": 20,
        "league-ita-1": 20,
        "league-ger-1": 18,
        "league-fra-1": 18,
    }
    criteria = {name: load(name)["league"]["criteria"] for name in LEAGUES}
    assert criteria["league"] == ["goal_difference", "goals"]
    # Spain and Italy: head-to-head first; England, Germany, France: goal difference first.
    for name in ("league-esp-1", "league-ita-1"):
        assert criteria[name][0] == ["h2h_points", "h2h_goal_difference"]
    for name in ("league-eng-1", "league-ger-1", "league-fra-1"):
        assert criteria[name][0] == "goal_difference"
    assert criteria["league-eng-1"][2] == ["h2h_points", "h2h_away_goals"]
    assert criteria["league-ger-1"][-1] == "away_goals"
    zones = {z["name"]: z["positions"] for z in load("league-ger-1")["league"]["zones"]}
    assert zones["relegation_playoff"] == [16, 16] and zones["relegation"] == [17, 18]
    for name in ("league-eng-1", "league-esp-1", "league-ita-1"):
        zones = {z["name"]: z["positions"] for z in load(name)["league"]["zones"]}
        assert zones["relegation"] == [18, 20] and zones["champions_league"] == [1, 4]
