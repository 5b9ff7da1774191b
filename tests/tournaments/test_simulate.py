"""Invariants of the tournament Monte Carlo (:mod:`remontada.tournaments.simulate`).

Plans are built by hand: small formats written to ``tmp_path``, teams with a strength
each, every match's score grid from :func:`~remontada.models.grid.poisson_grid` and every
knockout pair's P(going through) from the exact tie engine.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remontada.data.rules import parse_rules
from remontada.knockout.engine import extra_time_grid, single_match, two_legs_from_rates
from remontada.models.grid import poisson_grid
from remontada.tournaments import simulate as simulate_module
from remontada.tournaments.formats import Format, FormatError, load_format
from remontada.tournaments.simulate import Counts, Plan, simulate, simulate_chunk

BASE = 1.3
"""Goals a match between equals expects from each side."""


def write_format(folder: Path, text: str, name: str = "fmt.toml") -> Format:
    path = folder / name
    path.write_text(text)
    return load_format(path)


def rates(strengths: np.ndarray) -> np.ndarray:
    """``r[a, b]``: the goals ``a`` expects against ``b``."""
    s = np.asarray(strengths, float)
    return BASE * np.exp(s[:, None] - s[None, :])


def advance_matrices(fmt: Format, strengths: np.ndarray) -> dict[str, np.ndarray]:
    """P(a goes through against b, a at home first) for every pair, under each round's rules."""
    r = rates(strengths)
    out = {}
    for round_ in fmt.rounds:
        rules = round_.rules
        if rules.legs == 1:
            p = single_match(poisson_grid(r, r.T), rules, extra_time=extra_time_grid(r, r.T)).p_a
        else:  # leg 1 at a, leg 2 at b
            p = two_legs_from_rates(r.T, r, rules, leg1_rates=(r, r.T)).p_a
        out[rules.name] = np.asarray(p, float)
    return out


def round_robin(tables: list[list[int]], meetings: int = 1) -> list[tuple[int, int]]:
    out = []
    for teams in tables:
        for a, b in itertools.combinations(teams, 2):
            out.append((a, b))
            if meetings == 2:
                out.append((b, a))
    return out


def make_plan(
    fmt: Format,
    strengths,
    tables: list[list[int]],
    matches: list[tuple[int, int]] | None = None,
    played: dict[tuple[int, int], tuple[int, int]] | None = None,
    advance: dict[str, np.ndarray] | None = None,
    association=None,
) -> Plan:
    """A plan: ``matches`` (default: each table's round robin) with ``played`` scores, the rest simulated."""
    strengths = np.asarray(strengths, float)
    n = len(strengths)
    matches = matches if matches is not None else round_robin(tables)
    played = played or {}
    home = np.array([h for h, _ in matches], np.int64)
    away = np.array([a for _, a in matches], np.int64)
    hg = np.array([played.get(m, (-1, -1))[0] for m in matches], np.int64)
    ag = np.array([played.get(m, (-1, -1))[1] for m in matches], np.int64)
    r = rates(strengths)
    todo = hg < 0
    grid = poisson_grid(r[home[todo], away[todo]], r[away[todo], home[todo]])
    size = grid.probs.shape[-1]
    cdf = grid.probs.reshape(int(todo.sum()), size * size).cumsum(axis=1)
    return Plan(
        fmt, tuple(f"T{i}" for i in range(n)), home, away, hg, ag, cdf, size,
        tuple(np.array(t, np.int64) for t in tables),
        advance if advance is not None else advance_matrices(fmt, strengths),
        association=np.asarray(association if association is not None else np.zeros(0), np.int64),
    )  # fmt: skip


def se(p: float, n: int) -> float:
    return float(np.sqrt(p * (1 - p) / n))


# -- formats -------------------------------------------------------------------------------

KNOCKOUT_2 = """
name = "final-only"
[[rounds]]
stage = "final"
rules = "{rules}"
ties = ["1: 1 v 2"]
"""

TWO_GROUPS = """
name = "two-groups"
[groups]
names = ["A", "B"]
size = 4
criteria = ["goal_difference", "goals", ["h2h_points", "h2h_goal_difference", "reapply"]]
[[rounds]]
stage = "semifinals"
rules = "single-match"
ties = ["1: 1A v 2B", "2: 1B v 2A"]
[[rounds]]
stage = "final"
rules = "single-match"
ties = ["3: W1 v W2"]
"""
GROUPS = [[0, 1, 2, 3], [4, 5, 6, 7]]


@pytest.fixture
def two_groups(tmp_path: Path) -> Format:
    return write_format(tmp_path, TWO_GROUPS)


def stage(counts: Counts, plan: Plan, name: str) -> np.ndarray:
    return counts.reached[:, plan.stages.index(name)]


# -- a two-team knockout is the tie engine --------------------------------------------------


@pytest.mark.parametrize("rules", ["single-match", "uefa-2021", "uefa-away-goals"])
def test_two_team_knockout_matches_the_tie_engine(tmp_path: Path, rules: str) -> None:
    fmt = write_format(tmp_path, KNOCKOUT_2.format(rules=rules))
    strengths = np.array([0.35, 0.0])
    plan = make_plan(fmt, strengths, [], matches=[])
    r = rates(strengths)
    if parse_rules(rules).legs == 1:
        grid, extra = poisson_grid(r[0, 1], r[1, 0]), extra_time_grid(r[0, 1], r[1, 0])
        p = float(single_match(grid, parse_rules(rules), extra_time=extra).p_a)
    else:
        p = float(two_legs_from_rates(r[1, 0], r[0, 1], parse_rules(rules), leg1_rates=(r[0, 1], r[1, 0])).p_a)
    assert 0.55 < p < 0.8
    sims = 40_000
    counts = simulate(plan, sims, seed=11)
    winner = counts.reached[:, plan.stages.index("winner")]
    assert abs(winner[0] / sims - p) < 4 * se(p, sims)
    assert winner.sum() == sims
    assert counts.reached[:, plan.stages.index("final")].tolist() == [sims, sims]
    assert counts.opponents[0, 0, 1] == counts.opponents[0, 1, 0] == sims


# -- counts that must add up exactly ---------------------------------------------------------


def check_counts(plan: Plan, counts: Counts, sims: int) -> None:
    """Slots, positions and opponents add up; reaching a stage implies reaching the earlier ones."""
    assert counts.sims == sims
    assert stage(counts, plan, "semifinals").sum() == 4 * sims
    assert stage(counts, plan, "final").sum() == 2 * sims
    assert stage(counts, plan, "winner").sum() == sims
    assert (np.diff(counts.reached, axis=1) <= 0).all()  # monotone along semifinals, final, winner
    assert (counts.positions.sum(1) == sims).all()  # each team has one place per simulation
    for teams in plan.tables:
        assert (counts.positions[teams].sum(0) == sims).all()  # each place of a table one team
    for r, round_ in enumerate(plan.format.rounds):
        assert (counts.opponents[r] == counts.opponents[r].T).all()
        assert counts.opponents[r].sum() == 2 * round_.size * sims
        # every team in the round met exactly one opponent in it
        assert (counts.opponents[r].sum(1) == counts.reached[:, plan.stages.index(round_.stage)]).all()
    assert 0 <= counts.lots <= sims


@given(
    strengths=st.lists(st.floats(-1, 1), min_size=8, max_size=8),
    played=st.lists(st.tuples(st.booleans(), st.integers(0, 3), st.integers(0, 3)), min_size=12, max_size=12),
    seed=st.integers(0, 2**32 - 1),
    sims=st.integers(1, 300),
)
@settings(max_examples=25)
def test_counts_add_up(two_groups_format, strengths, played, seed, sims) -> None:
    matches = round_robin(GROUPS)
    scores = {m: (h, a) for m, (done, h, a) in zip(matches, played, strict=True) if done}
    plan = make_plan(two_groups_format, strengths, GROUPS, played=scores)
    check_counts(plan, simulate(plan, sims, seed), sims)


@pytest.fixture(scope="module")
def two_groups_format(tmp_path_factory) -> Format:
    return write_format(tmp_path_factory.mktemp("fmt"), TWO_GROUPS)


def test_points_are_summed(two_groups: Format) -> None:
    # every group match gives out 2 or 3 points: six matches, 12 to 18 points a group
    plan = make_plan(two_groups, np.zeros(8), GROUPS)
    counts = simulate(plan, 500, 3)
    for teams in GROUPS:
        assert 12 * 500 <= counts.points[teams].sum() <= 18 * 500


# -- determinism and chunks -----------------------------------------------------------------


def same(a: Counts, b: Counts) -> bool:
    return all(np.array_equal(getattr(a, f), getattr(b, f)) for f in Counts.__dataclass_fields__)


def test_same_seed_same_counts_other_seed_other_counts(two_groups: Format) -> None:
    plan = make_plan(two_groups, np.linspace(-0.5, 0.5, 8), GROUPS)
    a, b, c = simulate(plan, 2_000, 7), simulate(plan, 2_000, 7), simulate(plan, 2_000, 8)
    assert same(a, b)
    assert not np.array_equal(a.reached, c.reached)
    # a fresh plan (nothing cached) gives the same answer
    assert same(a, simulate(make_plan(two_groups, np.linspace(-0.5, 0.5, 8), GROUPS), 2_000, 7))


def test_chunks_add_up_to_the_whole(two_groups: Format, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(simulate_module, "CHUNK", 700)
    plan = make_plan(two_groups, np.linspace(-0.5, 0.5, 8), GROUPS)
    whole = simulate(plan, 2_000, 5)
    parts = [simulate_chunk(plan, (5, i, k)) for i, k in enumerate((700, 700, 600))]
    assert same(whole, parts[0] + parts[1] + parts[2])
    check_counts(plan, whole, 2_000)


def test_processes_give_the_inline_counts(two_groups: Format, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(simulate_module, "CHUNK", 400)
    plan = make_plan(two_groups, np.linspace(-0.5, 0.5, 8), GROUPS)
    inline = simulate(plan, 1_000, 9)
    start = time.perf_counter()
    spread = simulate(plan, 1_000, 9, scheduler="processes")
    assert same(inline, spread), "the processes' chunks differ from the inline ones"
    assert time.perf_counter() - start < 120


def test_monte_carlo_error_shrinks_as_one_over_root_n(two_groups: Format) -> None:
    # P(T0 reaches the final), estimated with 40 seeds at n and at 4n simulations: the
    # spread of the estimates should halve (ratio 2; with 40 seeds, within about +-25%).
    plan = make_plan(two_groups, np.linspace(0.5, -0.5, 8), GROUPS)
    final = plan.stages.index("final")

    def spread(n: int) -> float:
        return float(np.std([simulate(plan, n, seed).reached[0, final] / n for seed in range(40)], ddof=1))

    ratio = spread(400) / spread(1_600)
    assert 1.4 < ratio < 2.8, ratio


# -- what the simulations must respect ------------------------------------------------------


def test_played_group_gives_the_same_table_every_time(two_groups: Format) -> None:
    # Group A played out: T2 won all three (9), T0 beat T1 and T3 (6), T3 beat T1 (3), T1 0.
    # Group B is still to play.
    played = {(0, 1): (2, 0), (0, 2): (0, 1), (0, 3): (1, 0), (1, 2): (0, 3), (1, 3): (0, 2), (2, 3): (1, 0)}
    plan = make_plan(two_groups, np.zeros(8), GROUPS, played=played)
    sims = 3_000
    counts = simulate(plan, sims, 1)
    expected = np.zeros((4, 4), np.int64)
    for place, team in enumerate([2, 0, 3, 1]):
        expected[team, place] = sims
    assert counts.positions[:4].tolist() == expected.tolist()
    assert counts.points[:4].tolist() == [6 * sims, 0, 9 * sims, 3 * sims]
    # 1A (T2) and 2A (T0) are in every semi-final, T1 and T3 in none
    assert stage(counts, plan, "semifinals")[:4].tolist() == [sims, 0, sims, 0]
    check_counts(plan, counts, sims)


def test_equal_teams_have_equal_chances(two_groups: Format) -> None:
    # Eight equal teams, symmetric grids, every tie a coin toss: P(winner) = 1/8 and every
    # place in a group 1/4 for everyone.
    sims = 20_000
    plan = make_plan(two_groups, np.zeros(8), GROUPS)
    assert np.allclose(plan.advance["single-match"], 0.5)
    counts = simulate(plan, sims, 2)
    winner = stage(counts, plan, "winner") / sims
    assert np.abs(winner - 1 / 8).max() < 4 * se(1 / 8, sims)
    assert np.abs(counts.positions / sims - 1 / 4).max() < 4 * se(1 / 4, sims)


def test_stronger_teams_go_further(two_groups: Format) -> None:
    plan = make_plan(two_groups, [1.0, 0.5, 0.0, -0.5, 1.0, 0.5, 0.0, -0.5], GROUPS)
    counts = simulate(plan, 5_000, 4)
    winner = stage(counts, plan, "winner")
    assert winner[0] > winner[1] > winner[2] > winner[3]
    assert counts.positions[0, 0] > counts.positions[3, 0]


# -- the best third-placed teams --------------------------------------------------------------

THIRDS = """
name = "three-groups"
[groups]
names = ["A", "B", "C"]
size = 3
criteria = ["goal_difference", "goals"]
[thirds]
count = 2
criteria = ["goal_difference", "goals"]
table = "thirds.csv"
[[rounds]]
stage = "quarterfinals"
rules = "single-match"
ties = ["1: 1A v 3[BC]", "2: 1B v 3[AC]", "3: 1C v 2A", "4: 2B v 2C"]
"""
# which group's third meets 1A and 1B, for each pair of groups whose thirds go through
THIRDS_TABLE = "qualified,1A,1B\nAB,B,A\nAC,C,A\nBC,B,C\n"
THREE = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]


@pytest.fixture
def thirds_format(tmp_path: Path) -> Format:
    (tmp_path / "thirds.csv").write_text(THIRDS_TABLE)
    return write_format(tmp_path, THIRDS)


def group_results(first: int, second: int, third: int, good_third: bool) -> dict[tuple[int, int], tuple[int, int]]:
    """A played group of three: ``first`` > ``second`` > ``third``; a good third has a point, a bad one none."""
    if good_third:  # first 2-0 second, first 1-1 third, second 1-0 third: 4, 3, 1 points
        scores = {(first, second): (2, 0), (first, third): (1, 1), (second, third): (1, 0)}
    else:  # first beats both, second beats third: 6, 3, 0 points
        scores = {(first, second): (1, 0), (first, third): (1, 0), (second, third): (1, 0)}
    return {(min(k), max(k)): (v if k[0] < k[1] else v[::-1]) for k, v in scores.items()}


@pytest.mark.parametrize(("qualified", "left_out"), [("AB", "C"), ("AC", "B"), ("BC", "A")])
def test_thirds_fill_the_slots_of_the_table(thirds_format: Format, qualified: str, left_out: str) -> None:
    # Every group played: in group g the teams finish 3g, 3g+1, 3g+2 (first, second,
    # third); the thirds of ``qualified`` have a point, the other's none.
    played: dict[tuple[int, int], tuple[int, int]] = {}
    for g, letter in enumerate("ABC"):
        played |= group_results(3 * g, 3 * g + 1, 3 * g + 2, letter != left_out)
    plan = make_plan(thirds_format, np.zeros(9), THREE, played=played)
    sims = 400
    counts = simulate(plan, sims, 3)
    third = {letter: 3 * g + 2 for g, letter in enumerate("ABC")}
    first = {letter: 3 * g for g, letter in enumerate("ABC")}
    row = {"AB": {"1A": "B", "1B": "A"}, "AC": {"1A": "C", "1B": "A"}, "BC": {"1A": "B", "1B": "C"}}[qualified]
    assert counts.opponents[0, first["A"], third[row["1A"]]] == sims
    assert counts.opponents[0, first["B"], third[row["1B"]]] == sims
    assert stage(counts, plan, "quarterfinals")[third[left_out]] == 0
    assert counts.lots == 0


def test_thirds_level_on_everything_go_to_lots(thirds_format: Format) -> None:
    # All three thirds have one point, goal difference -1 and one goal: lots pick two of
    # three, each pair a third of the time. 1A meets 3B in rows AB and BC (2/3), 3C in AC.
    played: dict[tuple[int, int], tuple[int, int]] = {}
    for g in range(3):
        played |= group_results(3 * g, 3 * g + 1, 3 * g + 2, True)
    plan = make_plan(thirds_format, np.zeros(9), THREE, played=played)
    sims = 6_000
    counts = simulate(plan, sims, 5)
    assert counts.lots == sims
    assert counts.opponents[0, 0, 5] + counts.opponents[0, 0, 8] == sims  # 1A meets 3B or 3C
    assert abs(counts.opponents[0, 0, 5] / sims - 2 / 3) < 4 * se(2 / 3, sims)
    assert abs(counts.opponents[0, 3, 2] / sims - 2 / 3) < 4 * se(2 / 3, sims)  # 1B meets 3A
    assert stage(counts, plan, "quarterfinals")[[2, 5, 8]].sum() == 2 * sims


def test_thirds_never_meet_their_own_group(thirds_format: Format) -> None:
    plan = make_plan(thirds_format, np.linspace(-0.4, 0.4, 9), THREE)
    sims = 3_000
    counts = simulate(plan, sims, 6)
    for teams in THREE:
        assert counts.opponents[0][np.ix_(teams, teams)].sum() == 0
    assert stage(counts, plan, "quarterfinals").sum() == 8 * sims
    assert (counts.opponents[0].sum(1) == stage(counts, plan, "quarterfinals")).all()


# -- drawn rounds -------------------------------------------------------------------------------

DRAWN = """
name = "four-groups-drawn"
[groups]
names = ["A", "B", "C", "D"]
size = 3
criteria = ["goal_difference", "goals"]
[[rounds]]
stage = "quarterfinals"
rules = "single-match"
draw = {{ pots = [["2A", "2B", "2C", "2D"], ["1A", "1B", "1C", "1D"]], avoid = {avoid} }}
[[rounds]]
stage = "semifinals"
rules = "single-match"
draw = {{ open = ["W1", "W2", "W3", "W4"] }}
[[rounds]]
stage = "final"
rules = "single-match"
ties = ["7: W5 v W6"]
"""
FOUR = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]


def played_groups(groups: list[list[int]]) -> dict[tuple[int, int], tuple[int, int]]:
    """Every group played, its teams finishing in the order listed."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for teams in groups:
        out |= group_results(*teams, good_third=False)
    return out


def test_draw_pots_tie_i_is_pot_one_v_pot_two(tmp_path: Path) -> None:
    fmt = write_format(tmp_path, DRAWN.format(avoid='["group"]'))
    ties = fmt.rounds[0].ties
    assert [(t.home.text, t.away.text) for t in ties] == [("2A", "1A"), ("2B", "1B"), ("2C", "1C"), ("2D", "1D")]
    assert [t.id for t in fmt.rounds[1].ties] == ["5", "6"]


def test_draw_avoiding_groups_is_uniform_among_the_allowed(tmp_path: Path) -> None:
    # Groups played: 1A = T0, 2A = T1, 1B = T3, ... Each runner-up meets a winner of another
    # group; 9 of the 24 pairings avoid every group, and each allowed pair is in 3 of them.
    fmt = write_format(tmp_path, DRAWN.format(avoid='["group"]'))
    plan = make_plan(fmt, np.zeros(12), FOUR, played=played_groups(FOUR))
    sims = 9_000
    counts = simulate(plan, sims, 12)
    winners, runners_up = [t[0] for t in FOUR], [t[1] for t in FOUR]
    meet = counts.opponents[0][np.ix_(runners_up, winners)]
    assert np.diag(meet).tolist() == [0, 0, 0, 0]
    off = meet[~np.eye(4, dtype=bool)] / sims
    assert np.abs(off - 1 / 3).max() < 4 * se(1 / 3, sims)
    assert (meet.sum(1) == sims).all() and (meet.sum(0) == sims).all()
    # the open semi-final draw pairs each of its four teams once
    semis = stage(counts, plan, "semifinals")
    assert semis.sum() == 4 * sims
    assert (counts.opponents[1].sum(1) == semis).all()


def test_draw_keeps_groups_apart_whatever_the_tables(tmp_path: Path) -> None:
    fmt = write_format(tmp_path, DRAWN.format(avoid='["group"]'))
    plan = make_plan(fmt, np.linspace(-0.5, 0.5, 12), FOUR)
    sims = 3_000
    counts = simulate(plan, sims, 13)
    for teams in FOUR:
        assert counts.opponents[0][np.ix_(teams, teams)].sum() == 0
    check = counts.opponents[0].sum(1) == stage(counts, plan, "quarterfinals")
    assert check.all()


def test_draw_keeps_compatriots_apart(tmp_path: Path) -> None:
    # 1A (T0) and 2B (T4) share a country, as do 1C (T6) and 2D (T10).
    fmt = write_format(tmp_path, DRAWN.format(avoid='["group", "association"]'))
    association = np.full(12, -1)
    association[[0, 4]] = 7
    association[[6, 10]] = 3
    plan = make_plan(fmt, np.zeros(12), FOUR, played=played_groups(FOUR), association=association)
    counts = simulate(plan, 2_000, 14)
    assert counts.opponents[0, 0, 4] == counts.opponents[0, 6, 10] == 0
    assert counts.opponents[0, 0].sum() == 2_000


def test_open_draw_without_avoid(tmp_path: Path) -> None:
    # Without avoid, 2A meets each of the four winners a quarter of the time, 1A included.
    fmt = write_format(tmp_path, DRAWN.format(avoid="[]"))
    plan = make_plan(fmt, np.zeros(12), FOUR, played=played_groups(FOUR))
    sims = 8_000
    counts = simulate(plan, sims, 15)
    row = counts.opponents[0, 1, [0, 3, 6, 9]] / sims
    assert np.abs(row - 1 / 4).max() < 4 * se(1 / 4, sims)


OPEN_AVOIDING = """
name = "four-groups-open"
[groups]
names = ["A", "B", "C", "D"]
size = 3
criteria = ["goal_difference", "goals"]
[[rounds]]
stage = "quarterfinals"
rules = "single-match"
draw = {{ open = ["1A", "2A", "1B", "2B", "1C", "2C", "1D", "2D"], avoid = {avoid} }}
[[rounds]]
stage = "semifinals"
rules = "single-match"
ties = ["5: W1 v W2", "6: W3 v W4"]
[[rounds]]
stage = "final"
rules = "single-match"
ties = ["7: W5 v W6"]
"""


def test_an_open_draw_keeps_groups_apart_uniformly(tmp_path: Path) -> None:
    # Eight teams, two from each group, paired at random but never with their group's other
    # team: 60 of the 105 pairings are allowed, and each allowed pair is in 10 of them (1/6).
    fmt = write_format(tmp_path, OPEN_AVOIDING.format(avoid='["group"]'))
    plan = make_plan(fmt, np.zeros(12), FOUR, played=played_groups(FOUR))
    sims = 6_000
    counts = simulate(plan, sims, 31)
    for teams in FOUR:
        assert counts.opponents[0][np.ix_(teams, teams)].sum() == 0
    top2 = [t for teams in FOUR for t in teams[:2]]
    meet = counts.opponents[0][np.ix_(top2, top2)] / sims
    allowed = ~np.kron(np.eye(4, dtype=bool), np.ones((2, 2), bool))
    assert np.abs(meet[allowed] - 1 / 6).max() < 4 * se(1 / 6, sims)
    assert (counts.opponents[0].sum(1)[top2] == sims).all()


def test_a_draw_no_pairing_can_satisfy_is_an_error(tmp_path: Path) -> None:
    # Every winner shares its country with every runner-up: no pairing keeps compatriots apart.
    fmt = write_format(tmp_path, DRAWN.format(avoid='["association"]'))
    association = np.zeros(12, np.int64)
    plan = make_plan(fmt, np.zeros(12), FOUR, played=played_groups(FOUR), association=association)
    with pytest.raises(FormatError, match="quarterfinals draw cannot keep teams of one country apart"):
        simulate(plan, 20, 32)


# -- drawn places of a league ----------------------------------------------------------------

LEAGUE_8 = """
name = "league-8"
[league]
size = 8
meetings = 1
criteria = ["goal_difference", "goals"]
stages = [{ name = "top_8", positions = [1, 8] }]
[[rounds]]
stage = "quarterfinals"
rules = "single-match"
ties = ["1: 1/2 v 7/8", "2: 3/4 v 5/6", "3: 1/2 v 7/8", "4: 3/4 v 5/6"]
[[rounds]]
stage = "semifinals"
rules = "single-match"
ties = ["5: W1 v W2", "6: W3 v W4"]
[[rounds]]
stage = "final"
rules = "single-match"
ties = ["7: W5 v W6"]
"""


def test_drawn_places_take_one_tie_each(tmp_path: Path) -> None:
    # A league played out in index order (i beats j 1-0 when i < j): 1st is T0, 8th T7.
    # 1/2 v 7/8 twice: T0 meets T6 or T7, half the time each, and never T1..T5; every team
    # plays exactly one quarter-final in every simulation.
    fmt = write_format(tmp_path, LEAGUE_8)
    matches = round_robin([list(range(8))])
    plan = make_plan(fmt, np.zeros(8), [list(range(8))], matches=matches, played=dict.fromkeys(matches, (1, 0)))
    sims = 6_000
    counts = simulate(plan, sims, 21)
    qf = stage(counts, plan, "quarterfinals")
    assert qf.tolist() == [sims] * 8
    assert counts.opponents[0].sum(1).tolist() == [sims] * 8
    assert counts.opponents[0, 0, 1:6].sum() == 0 and counts.opponents[0, 0, 6:].sum() == sims
    assert abs(counts.opponents[0, 0, 6] / sims - 0.5) < 4 * se(0.5, sims)
    assert abs(counts.opponents[0, 2, 4] / sims - 0.5) < 4 * se(0.5, sims)
    assert counts.positions.tolist() == (np.eye(8, dtype=np.int64) * sims).tolist()
    # the league band: all eight are "top 8"
    assert stage(counts, plan, "top_8").tolist() == [sims] * 8


def test_drawn_places_with_an_unplayed_league(tmp_path: Path) -> None:
    fmt = write_format(tmp_path, LEAGUE_8)
    plan = make_plan(fmt, np.linspace(-0.5, 0.5, 8), [list(range(8))])
    sims = 2_000
    counts = simulate(plan, sims, 22)
    assert counts.opponents[0].sum(1).tolist() == [sims] * 8
    assert stage(counts, plan, "semifinals").sum() == 4 * sims
    assert stage(counts, plan, "winner").sum() == sims


def test_avoiding_groups_needs_slots_that_name_a_group(tmp_path: Path) -> None:
    # W1..W4 have no group: "avoid group" could only ever be broken (every pairing refused).
    text = DRAWN.replace('draw = {{ open = ["W1", "W2", "W3", "W4"] }}',
                         'draw = {{ pots = [["W1", "W2"], ["W3", "W4"]], avoid = ["group"] }}')  # fmt: skip
    with pytest.raises(FormatError, match=r"rounds\[1\]\.draw\.avoid"):
        write_format(tmp_path, text.format(avoid="[]"))


def test_watched_match_counts(two_groups: Format) -> None:
    # Watching T0 v T1: its three results add up to every simulation, and split each count.
    plan = make_plan(two_groups, np.linspace(-0.3, 0.3, 8), GROUPS)
    plan = Plan(**{**{f: getattr(plan, f) for f in Plan.__dataclass_fields__}, "watch": np.array([0], np.int64)})
    counts = simulate(plan, 1_500, 30)
    assert counts.outcomes.sum() == 1_500
    assert (counts.watched[0].sum(0) == counts.reached).all()


# -- the built-in formats, end to end ---------------------------------------------------------


def builtin_plan(fmt: Format, seed: int = 0) -> Plan:
    """Random strengths, every group's (or the league's) matches still to play."""
    n = fmt.teams
    assert n is not None
    strengths = np.random.default_rng(seed).normal(0, 0.4, n)
    if fmt.groups is not None:
        size = fmt.groups.size
        tables = [list(range(g * size, (g + 1) * size)) for g in range(len(fmt.groups.names))]
        return make_plan(fmt, strengths, tables, matches=round_robin(tables, fmt.groups.meetings))
    assert fmt.league is not None
    if fmt.league.meetings == 0:  # a league phase: each team at home to the next four (8 matches each)
        matches = [(i, (i + k) % n) for i in range(n) for k in range(1, 5)]
    else:
        matches = round_robin([list(range(n))], fmt.league.meetings)
    return make_plan(fmt, strengths, [list(range(n))], matches=matches)


@pytest.mark.parametrize(
    "name", ["world-cup-32", "copa-america-16", "gold-cup-16", "uefa-group-stage", "uefa-league-phase", "league-eng-1"]
)
def test_builtin_formats_fill_every_slot(name: str) -> None:
    fmt = load_format(name)
    plan = builtin_plan(fmt)
    sims = 500
    counts = simulate(plan, sims, 40)
    rounds = {r.stage: r for r in fmt.rounds}
    bands = {b.name: b for b in fmt.league.stages} if fmt.league else {}
    for i, name_ in enumerate(plan.stages):
        if name_ in rounds:
            expected = 2 * rounds[name_].size
        elif name_ == "winner":
            expected = 1
        else:
            expected = bands[name_].last - bands[name_].first + 1
        assert counts.reached[:, i].sum() == expected * sims, name_
    if fmt.rounds:
        knockout = [plan.stages.index(r.stage) for r in fmt.rounds[1:]] + [plan.stages.index("winner")]
        assert (np.diff(counts.reached[:, knockout], axis=1) <= 0).all()
    assert (counts.positions.sum(1) == sims).all()
    for r, round_ in enumerate(fmt.rounds):
        assert (counts.opponents[r].sum(1) == counts.reached[:, plan.stages.index(round_.stage)]).all()
    if fmt.groups is not None:
        for teams in plan.tables:  # no knockout round pairs two teams of a group before the final
            assert counts.opponents[0][np.ix_(teams, teams)].sum() == 0
