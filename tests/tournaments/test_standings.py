"""The tie-breakers of :mod:`remontada.tournaments.standings`, one hand-built table each.

Every table is written as results (``"A 2-1 B"``: A at home), and every expected order
is worked out in the comment above it. Criteria are written as in a format file and read
through :func:`~remontada.tournaments.formats.load_format`, so the reader's handling of
head-to-head lists and ``reapply`` is tested on the way. Where only some teams are ranked
(``rank=``), the others are opponents that only shape the statistics.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remontada.tournaments.formats import Criteria, load_format
from remontada.tournaments.standings import N_STATS, STAT, compile_criteria, rank_table, table_stats

RESULT = re.compile(r"\s*(.+?)\s+(\d+)-(\d+)\s+(.+?)\s*")


def criteria(items: list) -> Criteria:
    """The criteria of a league format whose ``criteria`` key is ``items`` (as written in TOML)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.toml"
        path.write_text(f'name = "table"\n[league]\nsize = 2\nmeetings = 0\ncriteria = {json.dumps(items)}\n')
        league = load_format(path).league
    assert league is not None
    return league.criteria


def parse(results: str) -> tuple[list[str], list[tuple[int, int, int, int]]]:
    """Teams (in order of first appearance) and matches from ``"A 2-1 B; C 0-0 D; ..."``."""
    names: dict[str, int] = {}
    matches = []
    for text in results.split(";"):
        match = RESULT.fullmatch(text)
        assert match is not None, text
        home, away = (names.setdefault(match[i], len(names)) for i in (1, 4))
        matches.append((home, away, int(match[2]), int(match[3])))
    return list(names), matches


def rank(
    results: str,
    items: list | Criteria,
    *,
    rank: str | None = None,
    lots: dict[str, float] | None = None,
    points: tuple[int, int, int] = (3, 1, 0),
) -> tuple[str, bool]:
    """The order (team names run together, first place first) and whether lots were drawn."""
    names, matches = parse(results)
    c = compile_criteria(items if isinstance(items, Criteria) else criteria(items))
    home, away, hg, ag = (np.array(col, np.int64) for col in zip(*matches, strict=True))
    teams = np.array([names.index(t) for t in (rank.split() if rank else names)], np.int64)
    stats = np.zeros((len(names), N_STATS))
    pts = np.array(points, np.int64)
    table_stats(home, away, hg, ag, pts, teams, stats)
    keys = np.zeros(len(names))
    for name, key in (lots or {}).items():
        keys[names.index(name)] = key
    order = np.empty(len(teams), np.int64)
    drawn = rank_table(teams, home, away, hg, ag, pts, stats, c.codes, c.starts, c.lengths, c.reapply, keys, order)
    return " ".join(names[t] for t in order), bool(drawn)


# -- overall criteria -------------------------------------------------------------------


def test_points_come_first() -> None:
    # A beats B and C (6 points), B beats C (3), C loses both (0); C's 5 goals do not count.
    assert rank("A 1-0 B; A 1-0 C; B 1-0 C", []) == ("A B C", False)
    assert rank("A 1-0 B; A 1-0 C; B 6-5 C", ["goals"]) == ("A B C", False)


def test_points_per_result_come_from_the_format() -> None:
    # With 2 points a win, A (a win and a loss: 2) and B (two draws: 2) are level, and goal
    # difference (A +2, B 0) puts A first; with 3 points a win A has 3 and B 2 anyway, but
    # with a win worth 1 and a draw 1 (a silly format) B's two draws beat A's one win.
    results = "A 3-0 C; D 1-0 A; B 1-1 C; B 0-0 D"
    assert rank(results, ["goal_difference"], rank="A B", points=(2, 1, 0)) == ("A B", False)
    assert rank(results, ["goal_difference"], rank="A B", points=(1, 1, 0)) == ("B A", False)


def test_goal_difference() -> None:
    # A cycle: every team 3 points. Goal difference: B +3 (lost 0-1, won 4-0), A -1 (won
    # 1-0, lost 0-2), C -2 (lost 0-4, won 2-0): B A C. By goals it would be B (4) C (2) A (1).
    results = "A 1-0 B; B 4-0 C; C 2-0 A"
    assert rank(results, ["goal_difference"]) == ("B A C", False)
    assert rank(results, ["goals"]) == ("B C A", False)


def test_goals_after_goal_difference() -> None:
    # A cycle of one-goal wins: every team 3 points and goal difference 0, so goal difference
    # separates no one and goals decide: B 4 (2+2), A 3 (3+0), C 2 (1+1).
    assert rank("A 3-2 B; B 2-1 C; C 1-0 A", ["goal_difference", "goals"]) == ("B A C", False)


def test_wins() -> None:
    # A: 3-0 win, 0-1 and 0-2 defeats; B: three 1-1 draws. Both 3 points, goal difference 0,
    # 3 goals; A has a win and B none, so A is first. E/F/G only shape the table; ranking the
    # whole table: G (4 points, +2) F (4, +1) A B (3) E (1).
    results = "A 3-0 E; A 0-1 F; A 0-2 G; B 1-1 E; B 1-1 F; B 1-1 G"
    assert rank(results, ["goal_difference", "goals", "wins"]) == ("G F A B E", False)
    # without wins, A and B are level on everything: the drawing of lots (B's key is larger)
    assert rank(results, ["goal_difference", "goals"], rank="A B", lots={"B": 0.9}) == ("B A", True)


def test_away_goals_then_away_wins() -> None:
    # Each of A, B, C: 4 points (a win, a draw, a defeat), goal difference 0, 3 goals.
    #   A: home 1-0 win, away 2-2 draw, away 0-1 defeat: away goals 2, away wins 0
    #   B: home 1-2 defeat, away 1-0 win, away 1-1 draw: away goals 2, away wins 1
    #   C: home 2-1 win, away 1-1 draw, away 0-1 defeat: away goals 1, away wins 0
    # Away goals put A and B (2) above C (1); away wins put B (1) above A (0).
    results = "A 1-0 E; F 2-2 A; G 1-0 A; B 1-2 H; I 0-1 B; J 1-1 B; C 2-1 K; L 1-1 C; M 1-0 C"
    level = ["goal_difference", "goals", "wins"]
    assert rank(results, [*level, "away_goals", "away_wins"], rank="A B C") == ("B A C", False)
    # away goals alone leave A and B level: lots (A's key larger)
    assert rank(results, [*level, "away_goals"], rank="A B C", lots={"A": 0.5}) == ("A B C", True)
    # away wins alone: B (1) first, A and C (0) level -> lots (C's key larger)
    assert rank(results, [*level, "away_wins"], rank="A B C", lots={"C": 0.5}) == ("B C A", True)


# A league phase: A met E and F, B met G and H; A and B have identical records
# (a 1-0 home win, a 0-1 away defeat: 3 points, goal difference 0, 1 goal, no away goals).
# The fillers X, Y only change what A's and B's opponents did.
OPPONENTS = "A 1-0 E; F 1-0 A; B 1-0 G; H 1-0 B; {e}; {g}"
LEVEL = ["goal_difference", "goals", "away_goals", "wins", "away_wins"]


def test_opponents_points() -> None:
    # E beats X: A's opponents E (3) and F (3) have 6 points; B's, G (0) and H (3), have 3.
    results = OPPONENTS.format(e="E 2-0 X", g="Y 0-0 Z")
    assert rank(results, [*LEVEL, "opponents_points"], rank="B A") == ("A B", False)
    assert rank(results, LEVEL, rank="B A", lots={"B": 1.0}) == ("B A", True)


def test_opponents_goal_difference() -> None:
    # E beats X 3-0, G beats Y 1-0: opponents' points 6 each. Opponents' goal difference:
    # A's E +2 (-1 +3) and F +1 = +3; B's G 0 (-1 +1) and H +1 = +1.
    results = OPPONENTS.format(e="E 3-0 X", g="G 1-0 Y")
    assert rank(results, [*LEVEL, "opponents_points", "opponents_goal_difference"], rank="B A") == ("A B", False)
    assert rank(results, [*LEVEL, "opponents_points"], rank="B A", lots={"B": 1.0}) == ("B A", True)


def test_opponents_goals() -> None:
    # E beats X 3-2, G beats Y 1-0: opponents' points 6 each, goal difference +1 each
    # (E 0 + F +1, G 0 + H +1); opponents' goals: A's E 3 + F 1 = 4, B's G 1 + H 1 = 2.
    results = OPPONENTS.format(e="E 3-2 X", g="G 1-0 Y")
    opp = ["opponents_points", "opponents_goal_difference"]
    assert rank(results, [*LEVEL, *opp, "opponents_goals"], rank="B A") == ("A B", False)
    assert rank(results, [*LEVEL, *opp], rank="B A", lots={"B": 1.0}) == ("B A", True)


def test_table_stats_columns() -> None:
    # The statistics themselves, for the opponents table above: A 3 pts, GD 0, 1 goal, 1 win,
    # 0 away goals, 0 away wins; opponents E (3 pts, GD +2, 3 goals) and F (3, +1, 1).
    names, matches = parse(OPPONENTS.format(e="E 3-0 X", g="G 1-0 Y"))
    home, away, hg, ag = (np.array(col, np.int64) for col in zip(*matches, strict=True))
    stats = np.zeros((len(names), N_STATS))
    table_stats(home, away, hg, ag, np.array([3, 1, 0]), np.arange(len(names)), stats)
    a, f = stats[names.index("A")], stats[names.index("F")]
    assert a.tolist() == [3, 0, 1, 1, 0, 0, 6, 3, 4]
    assert f[STAT["away_wins"]] == 0 and f[STAT["wins"]] == 1 and f[STAT["opponents_points"]] == 3


# -- head-to-head -------------------------------------------------------------------------

H2H = ["h2h_points", "h2h_goal_difference", "h2h_goals"]


def test_h2h_points_la_liga_and_premier_league() -> None:
    # A: beat B 1-0 and D 1-0, lost 0-1 to C: 6 points, GD +1. B: lost to A, beat C 5-0 and
    # D 1-0: 6 points, GD +5. C: 3 points (beat A), GD -5. D: 3 points (beat C), GD -1.
    # Premier League (goal difference first): B A D C. La Liga (head-to-head first, on the
    # teams level on points): A beat B, D beat C: A B D C. Read with the built-in formats.
    results = "A 1-0 B; C 1-0 A; A 1-0 D; B 5-0 C; B 1-0 D; D 1-0 C"
    eng, esp = load_format("league-eng-1").league, load_format("league-esp-1").league
    assert eng is not None and esp is not None
    assert rank(results, eng.criteria) == ("B A D C", False)
    assert rank(results, esp.criteria) == ("A B D C", False)
    assert rank(results, [["h2h_points"]]) == ("A B D C", False)


def test_h2h_goal_difference() -> None:
    # A and B split their two meetings (A 3-0 at home, B 1-0 at home): 3 head-to-head points
    # each, head-to-head goal difference A +2, B -2. Overall A lost 0-6 to C and B 0-1 to D:
    # both 3 points, goal difference A -4, B -3. Head-to-head first: A B; goal difference: B A.
    results = "A 3-0 B; B 1-0 A; A 0-6 C; B 0-1 D"
    assert rank(results, [["h2h_points", "h2h_goal_difference"], "goal_difference"], rank="A B") == ("A B", False)
    assert rank(results, ["goal_difference", ["h2h_points", "h2h_goal_difference"]], rank="A B") == ("B A", False)


def test_h2h_goals() -> None:
    # A cycle of one-goal wins among A, B, C (A 3-2 B, B 2-1 C, C 1-0 A): head-to-head points
    # 3 each and goal difference 0 each; head-to-head goals B 4, A 3, C 2. Each also beat D
    # (A 1-0, B 1-0, C 3-0): 6 points each, goal difference A +1, B +1, C +3; goals A 4, B 5, C 5.
    results = "A 3-2 B; B 2-1 C; C 1-0 A; A 1-0 D; B 1-0 D; C 3-0 D"
    assert rank(results, [H2H, "goal_difference", "goals"]) == ("B A C D", False)
    # without head-to-head goals the three are level on the list: goal difference (C +3),
    # then A and B (+1) by goals (B 5, A 4)
    assert rank(results, [H2H[:2], "goal_difference", "goals"]) == ("C B A D", False)


def test_h2h_away_goals() -> None:
    # A and B split their meetings 1-2 and 0-1 away wins: 3 head-to-head points, goal
    # difference 0 and 2 goals each; head-to-head away goals B 2, A 1, so B is first. Overall
    # both 6 points (each beat C by two), GD +2, 4 goals, but away goals A 3 (1 at B, 2 at C)
    # against B's 2: overall away goals would put A first.
    results = "A 1-2 B; B 0-1 A; C 0-2 A; B 2-0 C"
    assert rank(results, [[*H2H, "h2h_away_goals"]]) == ("B A C", False)
    assert rank(results, ["goal_difference", "goals", "away_goals"]) == ("A B C", False)
    assert rank(results, [H2H], lots={"A": 0.7, "B": 0.1}) == ("A B C", True)


# Three of four teams level on 6 points. Among A, B, C: A 1-0 B, B 2-1 C, C 1-0 A, so
# 3 head-to-head points each, head-to-head goal difference 0 each, head-to-head goals
# A 1, B 2, C 2: A is third of the three, B and C still level. Between B and C alone,
# B won 2-1. Against D: A 2-0, B 1-0, C 3-0, so overall goal difference A +2, B +1, C +3.
THREE_WAY = "A 1-0 B; B 2-1 C; C 1-0 A; A 2-0 D; B 1-0 D; C 3-0 D"


def test_three_way_h2h_reapplied() -> None:
    # UEFA: the head-to-head list again on B v C's own match: B won, so B C A D.
    assert rank(THREE_WAY, [[*H2H, "reapply"], "goal_difference", "goals"]) == ("B C A D", False)


def test_three_way_h2h_not_reapplied() -> None:
    # FIFA 2018 style: B and C go on to overall goal difference (C +3, B +1): C B A D.
    assert rank(THREE_WAY, [H2H, "goal_difference", "goals"]) == ("C B A D", False)
    # and goal difference first (no head-to-head needed): C A B D
    assert rank(THREE_WAY, ["goal_difference", "goals", H2H]) == ("C A B D", False)


def test_h2h_block_that_separates_no_one_goes_on() -> None:
    # A, B, C drew 1-1 with each other: the head-to-head list (re-applied or not) separates
    # no one, so goal difference decides, from the wins over D: A 3-0 (+3), C 2-0, B 1-0.
    results = "A 1-1 B; B 1-1 C; C 1-1 A; A 3-0 D; B 1-0 D; C 2-0 D"
    for entry in ([*H2H, "reapply"], H2H):
        assert rank(results, [entry, "goal_difference"]) == ("A C B D", False)
        # nothing after it: lots, by the keys (B, C, A)
        assert rank(results, [entry], lots={"A": 0.1, "B": 0.9, "C": 0.5}) == ("B C A D", True)


def test_reapply_leaving_a_pair_level_goes_on_to_overall() -> None:
    # A double round robin among A, B, C, plus one match each against D; all three end on 6.
    #   A beat B 1-0 and C 1-0 at home, lost both away 0-1, and lost 0-1 at D.
    #   B and C drew twice 1-1; B drew 3-3 and C 0-0 with D.
    # Head-to-head among A, B, C: A 6 points, B 5, C 5: A first. Re-applied to B and C alone:
    # two 1-1 draws, level on everything, so the overall criteria decide: goal difference
    # 0 each, goals B 6 (1 + 2 + 3) and C 3: A B C D (D: 5 points).
    results = "A 1-0 B; B 1-0 A; A 1-0 C; C 1-0 A; B 1-1 C; C 1-1 B; D 1-0 A; B 3-3 D; C 0-0 D"
    assert rank(results, [[*H2H, "reapply"], "goal_difference", "goals"]) == ("A B C D", False)
    assert rank(results, [[*H2H, "reapply"], "goal_difference"], lots={"C": 0.9}) == ("A C B D", True)


# -- drawing of lots --------------------------------------------------------------------------


def test_lots_order_identical_teams() -> None:
    # Three teams that drew 1-1 with each other: level on every criterion there is.
    results = "A 1-1 B; B 1-1 C; C 1-1 A"
    every = [[*H2H, "h2h_away_goals", "reapply"], "goal_difference", "goals", "wins", "away_goals", "away_wins"]
    assert rank(results, every, lots={"A": 0.2, "B": 0.9, "C": 0.5}) == ("B C A", True)
    assert rank(results, every, lots={"A": 0.9, "B": 0.2, "C": 0.5}) == ("A C B", True)
    # and a decided table (C 4 points, B 2, A 1) says no lots were drawn
    assert rank("A 1-1 B; B 1-1 C; C 2-1 A", every) == ("C B A", False)


# -- published tables ---------------------------------------------------------------------


def published(shared: Path, tournament: str, start: str, end: str, teams: set[str]) -> str:
    """The results of ``teams`` among themselves from results.csv, in ``"A 2-1 B; ..."`` form."""
    out = []
    with (shared / "international" / "results.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["tournament"] == tournament and start <= row["date"] <= end:
                if row["home_team"] in teams and row["away_team"] in teams:
                    out.append(f"{row['home_team']} {row['home_score']}-{row['away_score']} {row['away_team']}")
    assert len(out) == len(teams) * (len(teams) - 1) // 2
    return "; ".join(out)


def test_world_cup_2018_group_h_japan_senegal(shared_data: Path) -> None:
    # Colombia 6 points; Japan and Senegal 4 points, goal difference 0, 4 goals, and 2-2 with
    # each other; Poland 3. FIFA separated Japan and Senegal by fair-play points (Japan -4,
    # Senegal -6), which the data does not have: here a drawing of lots, and the lots key
    # decides. The published order (Japan second) with Japan's key the larger.
    results = published(shared_data, "FIFA World Cup", "2018-06-14", "2018-06-28",
                        {"Colombia", "Japan", "Senegal", "Poland"})  # fmt: skip
    groups = load_format("world-cup-32").groups
    assert groups is not None
    order, drawn = rank(results, groups.criteria, lots={"Japan": 0.6, "Senegal": 0.4})
    assert (order.split(), drawn) == (["Colombia", "Japan", "Senegal", "Poland"], True)
    order, drawn = rank(results, groups.criteria, lots={"Japan": 0.4, "Senegal": 0.6})
    assert (order.split(), drawn) == (["Colombia", "Senegal", "Japan", "Poland"], True)


EURO = [[*H2H, "reapply"], "goal_difference", "goals", "wins"]
"""EURO 2020's group criteria (UEFA EURO 2020 regulations, article 20.01), the data's part."""


def test_euro_2020_group_f_germany_above_portugal(shared_data: Path) -> None:
    # France 5; Germany and Portugal 4, goal difference +1 each, but Germany beat Portugal 4-2:
    # UEFA's head-to-head puts Germany second (as published), while FIFA's order (goal
    # difference, goals: Portugal 7 to Germany's 6) would have put Portugal second.
    results = published(shared_data, "UEFA Euro", "2021-06-11", "2021-06-23",
                        {"France", "Germany", "Portugal", "Hungary"})  # fmt: skip
    groups = load_format("world-cup-32").groups
    assert groups is not None
    assert rank(results, EURO)[0].split() == ["France", "Germany", "Portugal", "Hungary"]
    assert rank(results, groups.criteria)[0].split() == ["France", "Portugal", "Germany", "Hungary"]


def test_euro_2020_group_b_three_way(shared_data: Path) -> None:
    # Belgium 9; Denmark, Finland and Russia 3 each, each winning one of their three
    # matches: head-to-head goal difference Denmark +2 (0-1, 4-1), Finland 0, Russia -2.
    results = published(shared_data, "UEFA Euro", "2021-06-11", "2021-06-23",
                        {"Belgium", "Denmark", "Finland", "Russia"})  # fmt: skip
    assert rank(results, EURO) == ("Belgium Denmark Finland Russia", False)


# -- against a plain recursive reading of the rules ---------------------------------------


def reference(teams: list[int], matches: list[tuple[int, int, int, int]], c: Criteria, lots: list[float],
              points: tuple[int, int, int] = (3, 1, 0)) -> list[int]:  # fmt: skip
    """The docs' rules, recursively: rank a level block by entry ``i``, recurse into each run still level."""

    def record(team: int, among: set[int] | None) -> dict[str, float]:
        r = dict.fromkeys(("points", "goal_difference", "goals", "wins", "away_goals", "away_wins"), 0.0)
        for h, a, gh, ga in matches:
            if team not in (h, a) or (among is not None and not {h, a} <= among):
                continue
            mine, theirs = (gh, ga) if team == h else (ga, gh)
            r["points"] += points[0] if mine > theirs else points[1] if mine == theirs else points[2]
            r["goal_difference"] += mine - theirs
            r["goals"] += mine
            r["wins"] += mine > theirs
            r["away_goals"] += mine if team == a else 0
            r["away_wins"] += mine > theirs and team == a
        return r

    def key(team: int, entry: tuple[str, ...], block: list[int]) -> tuple[float, ...]:
        if entry[0].startswith("h2h_"):
            r = record(team, set(block))
            return tuple(r[name.removeprefix("h2h_")] for name in entry)
        if entry[0].startswith("opponents_"):
            name = entry[0].removeprefix("opponents_")
            met = [a if h == team else h for h, a, _, _ in matches if team in (h, a)]
            return (sum(record(o, None)[name] for o in met),)
        return (record(team, None)[entry[0]],)

    def order(block: list[int], i: int) -> list[int]:
        if len(block) <= 1:
            return block
        if i == len(c.entries):
            return sorted(block, key=lambda t: -lots[t])
        keys = {t: key(t, c.entries[i], block) for t in block}
        if len(set(keys.values())) == 1:
            return order(block, i + 1)
        out = []
        for value in sorted(set(keys.values()), reverse=True):
            out += order([t for t in block if keys[t] == value], i if c.reapply[i] else i + 1)
        return out

    return order(teams, 0)


ENTRIES = [
    "goal_difference", "goals", "wins", "away_goals", "away_wins", "opponents_points",
    "opponents_goal_difference", "opponents_goals", [*H2H, "reapply"], H2H, ["h2h_points", "h2h_away_goals"],
    ["h2h_goal_difference", "reapply"],
]  # fmt: skip


@st.composite
def tables(draw: st.DrawFn) -> tuple[int, list[tuple[int, int, int, int]], list, list[float]]:
    """A random table: 2-6 teams, some pairs met (0-2 times), low scores; random criteria and lots."""
    n = draw(st.integers(2, 6))
    matches = []
    for h in range(n):
        for a in range(n):
            if h != a and draw(st.booleans()):
                matches.append((h, a, draw(st.integers(0, 2)), draw(st.integers(0, 2))))
    if not matches:
        matches = [(0, 1, 0, 0)]
    items = draw(st.lists(st.sampled_from(range(len(ENTRIES))), max_size=4, unique=True))
    lots = draw(st.permutations([i / n for i in range(n)]))
    return n, matches, [ENTRIES[i] for i in items], list(lots)


@given(tables(), st.randoms(use_true_random=False))
@settings(max_examples=300)
def test_rank_table_matches_the_recursive_reading(table, random) -> None:
    n, matches, items, lots = table
    c = criteria(items)
    cc = compile_criteria(c)
    home, away, hg, ag = (np.array(col, np.int64) for col in zip(*matches, strict=True))
    pts = np.array([3, 1, 0], np.int64)
    stats = np.zeros((n, N_STATS))
    expected = reference(list(range(n)), matches, c, lots)
    teams = list(range(n))
    random.shuffle(teams)  # the order the teams come in does not matter
    table_stats(home, away, hg, ag, pts, np.array(teams, np.int64), stats)
    order = np.empty(n, np.int64)
    drawn = rank_table(np.array(teams, np.int64), home, away, hg, ag, pts, stats, cc.codes, cc.starts, cc.lengths,
                       cc.reapply, np.array(lots), order)  # fmt: skip
    assert order.tolist() == expected
    # lots were drawn exactly when changing the keys can change the order
    flipped = reference(list(range(n)), matches, c, [1 - x for x in lots])
    assert bool(drawn) == (flipped != expected)


@pytest.mark.parametrize("items", [[], ["goal_difference"], [[*H2H, "reapply"], "goals"]])
def test_single_team_and_empty_table(items: list) -> None:
    # One team, no matches: first, no lots.
    cc = compile_criteria(criteria(items))
    none = np.zeros(0, np.int64)
    stats = np.zeros((1, N_STATS))
    order = np.empty(1, np.int64)
    pts = np.array([3, 1, 0], np.int64)
    assert not rank_table(np.array([0]), none, none, none, none, pts, stats, cc.codes, cc.starts, cc.lengths,
                          cc.reapply, np.zeros(1), order)  # fmt: skip
    assert order.tolist() == [0]
