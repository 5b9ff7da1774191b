"""Past first knockout rounds come out of their real group results through the formats.

Each group is ranked from its real matches with the format's criteria (``standings``), and the
first knockout round is derived from the ranking: fixed slots and the thirds table for the
international tournaments in ``builtin/editions.csv``, checked to be the real round of 16 (or
quarter-finals); for the Champions League group-stage seasons in the bundled store, the real
round of 16 is checked against the draw's constraints as ``uefa-group-stage`` encodes them
(a group winner against a runner-up, from another group and another association, the
runner-up at home first).

Where the data cannot separate teams (fair play, a coefficient, lots), the ranking needs the
drawing of lots: each such case is named below with the real order, which the ranking then
uses; a table that needs lots without being named, or is named without needing them, fails.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from remontada.data.store import Store
from remontada.tournaments.formats import BUILTIN, Criteria, Format, load_format
from remontada.tournaments.standings import compile_criteria, rank_table, table_stats

WINDOW = dt.timedelta(days=45)

# (edition or "uefa-cl season", group) -> the real final order, where the data leave teams level.
LOTS = {
    # Japan and Senegal level on points, goals, goal difference and their 2-2 draw; Japan second
    # on fair play (4 yellow cards to 6). FIFA, 2018 World Cup Group H final standings.
    ("world-cup-2018", "H"): ["Colombia", "Japan", "Senegal", "Poland"],
}
# The thirds tables: (edition) -> the real order of the third-placed teams, where lots were needed.
THIRDS_LOTS = {
    # Kyrgyzstan over Oman and Vietnam over Lebanon, level on points, goal difference and goals, on
    # yellow cards (thirds/SOURCES.md): Vietnam took the last place, Lebanon went out.
    "asian-cup-2019": ["Bahrain", "Kyrgyzstan", "Oman", "Vietnam", "Lebanon", "Palestine"],
}


# -- international tournaments --------------------------------------------------------------


def _editions():
    out: dict[str, dict] = {}
    with (BUILTIN / "editions.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            ed = out.setdefault(row["edition"], {**row, "groups": {}})
            ed["groups"][row["team"]] = row["group"]
    return out


EDITIONS = _editions()


@pytest.fixture(scope="module")
def results(shared_data: Path) -> Path:
    path = shared_data / "international" / "results.csv"
    if not path.exists():
        pytest.skip(f"{path} is not available here")
    return path


def _played(results: Path, edition: dict) -> list[tuple[str, str, int, int]]:
    first = dt.date.fromisoformat(edition["first_date"])
    last = (first + WINDOW).isoformat()
    with results.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f)
                if r["tournament"] == edition["tournament"] and first.isoformat() <= r["date"] <= last]  # fmt: skip
    rows.sort(key=lambda r: r["date"])  # stable: the file's order within a day
    return [(r["home_team"], r["away_team"], int(r["home_score"]), int(r["away_score"])) for r in rows]


def _stats(matches, points):
    """Every team's points and overall criteria over ``matches``, and the arrays ``rank_table`` reads."""
    teams = sorted({t for m in matches for t in m[:2]})
    index = {t: i for i, t in enumerate(teams)}
    home, away, hg, ag = (
        np.array(col, np.int64) for col in zip(*[(index[a], index[b], x, y) for a, b, x, y in matches], strict=True)
    )
    pts = np.array(points, np.int64)
    stats = np.zeros((len(teams), 9))
    table_stats(home, away, hg, ag, pts, np.arange(len(teams), dtype=np.int64), stats)
    return teams, (home, away, hg, ag), pts, stats


def _rank(matches, criteria: Criteria, points, matters, real=None, among=None):
    """The teams in order by the criteria (``among``: only these, on overall criteria), and whether the
    drawing of lots decided ``matters(order)`` (what the knockout reads: the top places, the set of thirds
    through): it did if drawing the other way round changes it. ``real`` (names in order) then decides."""
    teams, arrays, pts, stats = _stats(matches, points)
    if among is not None:  # a table of teams from different groups: no matches among them
        arrays = tuple(np.zeros(0, np.int64) for _ in range(4))
    ids = np.array([teams.index(t) for t in (among or teams)], np.int64)
    c = compile_criteria(criteria)

    def ranked(lots):
        order = np.empty(len(ids), np.int64)
        rank_table(ids, *arrays, pts, stats, c.codes, c.starts, c.lengths, c.reapply, lots, order)
        return [teams[i] for i in order]

    keys = np.arange(len(teams), dtype=np.float64)
    needed = matters(ranked(keys)) != matters(ranked(-keys))
    if real is None:
        return ranked(keys), needed
    return ranked(-np.array([real.index(t) if t in real else len(real) for t in teams], np.float64)), needed


def _tables(fmt: Format, by_group, named, where, criteria: Criteria | None = None):
    """Each group ranked from its matches (by the format's criteria unless given); a case needing lots must be
    named in ``named`` with the real order."""
    places = 3 if fmt.thirds is not None else 2  # a third can go on; a fourth never does
    crit = criteria or fmt.groups.criteria
    tables = {}
    for g in fmt.groups.names:
        real = named.get((where, g))
        tables[g], drawn = _rank(by_group[g], crit, fmt.groups.points, lambda o: o[:places], real)
        assert drawn == (real is not None), f"{where} group {g}: lots needed ({tables[g]}): name the case"
    return tables


def derive_first_round(fmt: Format, tables, group_matches, thirds_real=None):
    """Each first-round tie's two teams, from the group tables and (for best thirds) the thirds table."""
    qualified = ""
    if fmt.thirds is not None:
        third = {tables[g][2]: g for g in tables}
        count = fmt.thirds.count
        ranked, drawn = _rank(group_matches, fmt.thirds.criteria, fmt.groups.points, lambda o: set(o[:count]),
                              thirds_real, among=list(third))  # fmt: skip
        assert drawn == (thirds_real is not None), f"lots needed for the thirds ({ranked}): name it in THIRDS_LOTS"
        qualified = "".join(sorted(third[t] for t in ranked[: fmt.thirds.count]))
    out = []
    for tie in fmt.rounds[0].ties:
        pair = []
        for slot, other in ((tie.home, tie.away), (tie.away, tie.home)):
            if slot.kind == "group":
                pair.append(tables[slot.group][slot.position - 1])
            else:
                assert slot.kind == "third" and fmt.thirds is not None
                pair.append(tables[fmt.thirds.table[qualified][other.text]][2])
        out.append(frozenset(pair))
    return out


def _international(results: Path, name: str, fmt: Format):
    edition = EDITIONS[name]
    groups = edition["groups"]
    played = _played(results, edition)
    n_group = len(fmt.groups.names) * 6
    group_part, knockout = played[:n_group], played[n_group:]
    assert all(groups.get(h, "?") == groups.get(a, "") for h, a, _, _ in group_part), "the group stage comes first"
    by_group = defaultdict(list)
    for m in group_part:
        by_group[groups[m[0]]].append(m)
    return by_group, group_part, [frozenset(m[:2]) for m in knockout[: fmt.rounds[0].size]]


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_the_first_knockout_round_follows_from_the_group_results(results, name):
    fmt = load_format(EDITIONS[name]["format"])
    by_group, group_part, real_round = _international(results, name, fmt)
    tables = _tables(fmt, by_group, LOTS, name)
    for g in fmt.groups.names:
        if (name, g) in LOTS:
            assert tables[g] == LOTS[(name, g)]
    assert set(derive_first_round(fmt, tables, group_part, THIRDS_LOTS.get(name))) == set(real_round)


def test_a_wrong_bracket_would_be_caught(results):
    """World Cup 2002 through world-cup-32 (2006-2022's bracket): not the real round of 16."""
    fmt = load_format("world-cup-32")
    by_group, group_part, real_round = _international(results, "world-cup-2002", fmt)
    tables = _tables(fmt, by_group, LOTS, "world-cup-2002")
    assert set(derive_first_round(fmt, tables, group_part)) != set(real_round)


# -- Champions League --------------------------------------------------------------------------

CL_SEASONS = [f"{y}-{(y + 1) % 100:02d}" for y in range(2003, 2023)]
CL_LOTS: dict[tuple[str, str], list[str]] = {}
# Groups where uefa-group-stage's criteria (2021-24) give other top two than the season's own rules:
# 2012-13 E, Shakhtar and Chelsea level on points and on head-to-head points, goal difference and
# goals (2-1, 3-2); Shakhtar through on head-to-head away goals, which 2021-22 dropped.
RULES_MATTERED = {("2012-13", "E")}


def season_criteria(fmt: Format, season: str) -> Criteria:
    """The group criteria of a season, as uefa-group-stage's notes give them: the file's own from
    2021-22; head-to-head away goals as a fourth head-to-head criterion, then overall goal difference
    and goals, to 2020-21; before 2009-10 head-to-head away goals instead of head-to-head goals (the
    notes go back to 2007-08; the earlier seasons are taken to be the same)."""
    if season >= "2021-22":
        return fmt.groups.criteria
    h2h = ("h2h_points", "h2h_goal_difference", "h2h_goals", "h2h_away_goals")
    if season < "2009-10":
        h2h = ("h2h_points", "h2h_goal_difference", "h2h_away_goals")
    now = fmt.groups.criteria
    keep = [i for i, e in enumerate(now.entries) if e[0] in ("points", "goal_difference", "goals") or e[0] in h2h]
    entries = tuple(h2h if now.entries[i][0] in h2h else now.entries[i] for i in keep)
    return Criteria(entries, tuple(now.reapply[i] for i in keep), now.lots)


@pytest.fixture(scope="module")
def cl_matches(bundled_db):
    with Store.open(bundled_db, read_only=True) as store:
        frame = store.df(
            """
            SELECT m.season, m.date, m.round, m.grp, h.name AS home, a.name AS away, h.country AS home_country,
                   a.country AS away_country, m.home_goals, m.away_goals
            FROM matches m JOIN teams h ON h.team_id = m.home_id JOIN teams a ON a.team_id = m.away_id
            WHERE m.competition_id = 'uefa-cl' AND (m.grp IS NOT NULL OR m.round = 'Round of 16')
            ORDER BY m.date, m.match_id
            """
        )
    return frame


@pytest.mark.parametrize("season", CL_SEASONS)
def test_the_champions_league_round_of_16_respects_the_draw(cl_matches, season):
    fmt = load_format("uefa-group-stage")
    draw = fmt.rounds[0].draw
    assert draw is not None and draw.pots is not None
    rows = cl_matches[cl_matches["season"] == season]
    group_rows, r16 = rows[rows["grp"].notna()], rows[rows["round"] == "Round of 16"]
    assert sorted(set(group_rows["grp"])) == list(fmt.groups.names)
    country = dict(zip(rows["home"], rows["home_country"], strict=True)) | dict(
        zip(rows["away"], rows["away_country"], strict=True)
    )
    by_group = {}
    for g, sub in group_rows.groupby("grp"):
        matches = list(zip(sub["home"], sub["away"], sub["home_goals"], sub["away_goals"], strict=True))
        assert len(matches) == 12, (season, g)
        by_group[g] = matches
    tables = _tables(fmt, by_group, CL_LOTS, season, season_criteria(fmt, season))
    now = _tables(fmt, by_group, CL_LOTS, season)
    assert {(season, g) for g in tables if tables[g][:2] != now[g][:2]} == {k for k in RULES_MATTERED if k[0] == season}
    group_of = {t: g for g, table in tables.items() for t in table}
    slot = {f"{p}{g}": tables[g][p - 1] for g in tables for p in (1, 2)}
    runners_up = {slot[s.text] for s in draw.pots[0]}
    winners = {slot[s.text] for s in draw.pots[1]}
    first_legs: dict[frozenset[str], tuple[str, str]] = {}
    for home, away in zip(r16["home"], r16["away"], strict=True):
        first_legs.setdefault(frozenset((home, away)), (home, away))
    assert len(first_legs) == 8 and len(r16) == 16, season
    assert {t for pair in first_legs for t in pair} == winners | runners_up
    for home, away in first_legs.values():
        assert home in runners_up and away in winners, f"{season}: {home} v {away} is not runner-up v winner"
        if "group" in draw.avoid:
            assert group_of[home] != group_of[away], f"{season}: {home} v {away} from one group"
        if "association" in draw.avoid:
            assert country[home] != country[away], f"{season}: {home} v {away} from one association"
