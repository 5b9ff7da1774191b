"""`make tournament-accuracy`: how well remontada forecast past international tournaments, walk-forward.

Every edition in ``tournaments/builtin/editions.csv`` whose format is built in is rebuilt
from ``international/results.csv`` (the edition's matches: its tournament name, from its
first date for 45 days; the group stage is the matches between two teams of one group
before the first knockout match, the knockout rounds the rest; a level knockout match's
winner from ``shootouts.csv``) and forecast twice with ``TournamentForecaster.forecast``,
from the default model fitted strictly before the forecast's date:

* **eve**: on the day of the first match, nothing played;
* **knockouts**: on the day of the first knockout match, the group stage played.

Each edition names the format of its own bracket (``world-cup-32-1998``,
``world-cup-32-2002``, ``euro-16``, ``copa-america-16-2016`` and ``gold-cup-16-2019`` for
the editions whose bracket the family's format does not describe; ``afcon-24``'s thirds
table has four rows inferred from EURO 2016's, none of them used by the editions scored).
The real knockout rounds are checked against the format's bracket (the first round by
each team's group and its possible places by points, later rounds by which ties the
teams won); an edition that does not fit, whose teams the store cannot resolve, or whose
format does not load is reported and skipped.

Outcomes: a team reached a knockout stage if it played a match of that round, and
``winner`` if it won the final. Two scores, lower is better:

* **Brier**: the mean of ``(P(reach stage) - reached)^2`` over every (team, stage) pair
  of the format's stages;
* **TRPS**, the tournament rank probability score of Ekstrøm, Scheel, Jensen and
  Kristensen (2021), "Evaluating one-shot tournament predictions", *Journal of Sports
  Analytics* 7(1), 37-46: for each team, the rank probability score of its ordered
  distribution over where it went out (the group stage, each knockout round, or won),
  ``1/(R-1) * sum_r (F_r - O_r)^2`` with ``F`` and ``O`` the cumulative forecast and
  outcome, averaged over the teams. Since "out at or before round r" is "did not reach
  round r+1", the cumulative sums are ``1 - P(reach)``, so with the stages equally
  weighted the TRPS equals the Brier score above; both are computed, independently, as
  a check.

Two reference forecasts on the same editions and moments:

* **equal strength**: the same format and the same played results, simulated with the
  same code but every match between two equal teams on neutral ground (the model's
  rates for one team against itself, for every pair);
* **Opta** (Stats Perform's pre-tournament probabilities, ``builtin/opta.csv``, read
  second-hand): only the (team, stage) pairs Opta published for an edition scored here
  (World Cup 2022 quarter-finals to winner for 15 teams, EURO 2020 winner for 6, AFCON
  2021 winner for 10), so a partial comparison, against the eve forecasts.

Prints markdown tables for the README and writes them to ``--out``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from remontada.data.store import Store, default_path
from remontada.errors import RemontadaError
from remontada.models import DEFAULT_TIE_MODEL
from remontada.tournaments.forecast import TournamentForecaster
from remontada.tournaments.formats import BUILTIN, Format, load_format
from remontada.tournaments.results import TournamentForecast

WINDOW = dt.timedelta(days=45)
MOMENTS = ("eve", "knockouts")
FORECASTERS = ("remontada", "equal strength")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class SkipEdition(Exception):
    """An edition that cannot be scored, and why."""


@dataclass
class Edition:
    """One past tournament rebuilt from the results: its fixtures and what each team reached."""

    name: str
    fmt: Format
    first_date: dt.date
    ko_date: dt.date
    groups: dict[str, str]  # team -> letter
    group_rows: pd.DataFrame  # date, home, away, group, neutral, home_goals, away_goals
    reached: pd.DataFrame  # team x stage, 0/1

    def fixtures(self, moment: str) -> tuple[pd.DataFrame, dt.date]:
        rows = self.group_rows.copy()
        if moment == "eve":
            rows["home_goals"] = pd.NA
            rows["away_goals"] = pd.NA
            return rows, self.first_date
        return rows, self.ko_date


# -- the editions from the results ---------------------------------------------------


def _winner(row: Any, shootouts: dict[tuple[str, str, str], str]) -> str:
    if row.home_score != row.away_score:
        return str(row.home_team if row.home_score > row.away_score else row.away_team)
    key = (row.date.isoformat(), row.home_team, row.away_team)
    if key not in shootouts:
        raise SkipEdition(f"{row.home_team} v {row.away_team} on {row.date} was level and is not in shootouts.csv")
    return shootouts[key]


def _allowed(slot: Any) -> set[tuple[str, int]]:
    """The (group, place) a first-round slot takes its team from."""
    if slot.kind == "group":
        return {(slot.group, slot.position)}
    if slot.kind == "third":
        return {(g, 3) for g in slot.choices}
    raise SkipEdition(f"slot {slot.text!r} ({slot.kind}) in a first round is not checked by this script")


def _place(where: set[tuple[str, int]]) -> str:
    return "/".join(f"{k}{g}" for g, k in sorted(where))


def _places(group_rows: pd.DataFrame) -> dict[str, set[int]]:
    """Each team's possible places in its group by points alone: teams level on points may have finished in any
    of the places they share (their order depends on the format's tie-breakers, head-to-head first or not)."""
    points: dict[str, int] = {}
    group: dict[str, str] = {}
    for r in group_rows.itertuples():
        h, a = int(r.home_goals), int(r.away_goals)
        points[r.home] = points.get(r.home, 0) + (3 if h > a else 1 if h == a else 0)
        points[r.away] = points.get(r.away, 0) + (3 if a > h else 1 if h == a else 0)
        group[r.home] = group[r.away] = r.group
    out: dict[str, set[int]] = {}
    for team, pts in points.items():
        mates = [points[t] for t in points if group[t] == group[team]]
        above = sum(1 for v in mates if v > pts)
        out[team] = set(range(above + 1, above + mates.count(pts) + 1))
    return out


def _assignments(ties: Sequence[Any], matches: list[tuple[str, str]], fits: Any) -> Iterator[dict[str, int]]:
    """Every way to give each real match of a round its own tie of the format (``fits(tie, match)``)."""

    def go(k: int, used: frozenset[str]) -> Iterator[dict[str, int]]:
        if k == len(matches):
            yield {}
            return
        for tie in ties:
            if tie.id not in used and fits(tie, matches[k]):
                for rest in go(k + 1, used | {tie.id}):
                    yield {tie.id: k, **rest}

    return go(0, frozenset())


def _fits_bracket(
    fmt: Format, where: dict[str, set[tuple[str, int]]], rounds: list[list[tuple[str, str]]], won: list[list[str]]
) -> bool:
    """Whether the real knockout rounds can be the format's bracket: the first round by the teams' groups and
    places (``where``: every (group, place) a team may have had), each later round by which ties its teams won."""

    def first(tie: Any, pair: tuple[str, str]) -> bool:
        ah, aa = _allowed(tie.home), _allowed(tie.away)
        x, y = where[pair[0]], where[pair[1]]
        return bool((x & ah and y & aa) or (y & ah and x & aa))

    def later(r: int, winners: dict[str, str]) -> bool:
        if r == len(fmt.rounds):
            return True

        def fits(tie: Any, pair: tuple[str, str]) -> bool:
            return {winners.get(tie.home.tie), winners.get(tie.away.tie)} == set(pair)

        for assignment in _assignments(fmt.rounds[r].ties, rounds[r], fits):
            if later(r + 1, {**winners, **{t: won[r][k] for t, k in assignment.items()}}):
                return True
        return False

    for assignment in _assignments(fmt.rounds[0].ties, rounds[0], first):
        if later(1, {t: won[0][k] for t, k in assignment.items()}):
            return True
    return False


def build_edition(
    name: str, fmt: Format, members: pd.DataFrame, results: pd.DataFrame, shootouts: dict[tuple[str, str, str], str]
) -> Edition:
    assert fmt.groups is not None
    tournament = members["tournament"].iloc[0]
    first = dt.date.fromisoformat(members["first_date"].iloc[0])
    groups = dict(zip(members["team"], members["group"], strict=True))
    played = results[
        (results["tournament"] == tournament) & (results["date"] >= first) & (results["date"] <= first + WINDOW)
    ].reset_index(drop=True)
    pairs = zip(played["home_team"], played["away_team"], strict=True)
    same = [groups.get(h, "?1") == groups.get(a, "?2") for h, a in pairs]
    not_group = [i for i, s in enumerate(same) if not s]
    if not not_group:
        raise SkipEdition("no knockout match in the results")
    first_ko = not_group[0]
    group_part = played.iloc[:first_ko]
    group_part = group_part[np.array(same[:first_ko])]
    expected = len(fmt.groups.names) * fmt.groups.size * (fmt.groups.size - 1) // 2 * fmt.groups.meetings
    if len(group_part) != expected or played["date"].iloc[first_ko] <= group_part["date"].max():
        raise SkipEdition(f"{len(group_part)} group matches before the first knockout match, {expected} expected")
    ko = played.iloc[first_ko:]
    strangers = (set(ko["home_team"]) | set(ko["away_team"])) - set(groups)
    if strangers:
        raise SkipEdition(f"knockout matches with teams of no group: {', '.join(sorted(strangers))}")
    group_rows = pd.DataFrame(
        {
            "date": group_part["date"].map(dt.date.isoformat),
            "home": group_part["home_team"],
            "away": group_part["away_team"],
            "group": [groups[h] for h in group_part["home_team"]],
            "neutral": group_part["neutral"].to_numpy(),
            "home_goals": group_part["home_score"].astype("Int64"),
            "away_goals": group_part["away_score"].astype("Int64"),
        }
    ).reset_index(drop=True)
    # the knockout rounds: each the next matches between teams still in, then checked against the bracket
    rounds: list[list[tuple[str, str]]] = []
    won: list[list[str]] = []
    pending = list(ko.itertuples(index=False))
    alive: set[str] | None = None
    for round_ in fmt.rounds:
        taken = [m for m in pending if alive is None or {m.home_team, m.away_team} <= alive][: round_.size]
        pairs = [(m.home_team, m.away_team) for m in taken]
        if len(taken) < round_.size or len({t for p in pairs for t in p}) != 2 * round_.size:
            raise SkipEdition(f"the {round_.stage} in the results is not {round_.size} matches of distinct teams")
        rounds.append(pairs)
        won.append([_winner(m, shootouts) for m in taken])
        alive = set(won[-1])
        pending = [m for m in pending if m not in taken]
    leftover = [f"{m.home_team} v {m.away_team}" for m in pending]
    if len(leftover) > 1:  # the third-place play-off decides no stage
        raise SkipEdition(f"knockout matches left over: {', '.join(leftover)}")
    places = _places(group_rows)
    where = {t: {(groups[t], k) for k in places[t]} for t in groups}
    if not _fits_bracket(fmt, where, rounds, won):
        shown = "; ".join(
            f"{r.stage}: " + ", ".join(f"{h} ({_place(where[h])}) v {a} ({_place(where[a])})" for h, a in pairs)
            for r, pairs in zip(fmt.rounds, rounds, strict=True)
        )
        raise SkipEdition(f"the real bracket does not fit {fmt.name}'s ({shown})")
    reached = {r.stage: {t for p in pairs for t in p} for r, pairs in zip(fmt.rounds, rounds, strict=True)}
    reached["winner"] = set(won[-1])
    teams = list(groups)
    table = pd.DataFrame({s: [float(t in reached[s]) for t in teams] for s in fmt.stages}, index=teams)
    return Edition(name, fmt, first, played["date"].iloc[first_ko], groups, group_rows, table)


def load_editions(data: Path) -> tuple[list[Edition], list[tuple[str, str]]]:
    editions = pd.read_csv(BUILTIN / "editions.csv", dtype=str)
    results = pd.read_csv(data / "results.csv", dtype={"home_score": "Int64", "away_score": "Int64"})
    results["date"] = pd.to_datetime(results["date"]).dt.date
    results["neutral"] = results["neutral"].astype(str).str.upper() == "TRUE"
    results = results.dropna(subset=["home_score", "away_score"])
    shoot = pd.read_csv(data / "shootouts.csv", dtype=str)
    shootouts = {(r.date, r.home_team, r.away_team): r.winner for r in shoot.itertuples()}
    built, skipped = [], []
    for name, members in editions.groupby("edition", sort=False):
        format_name = members["format"].iloc[0]
        try:
            fmt = load_format(format_name)
        except RemontadaError:
            skipped.append((str(name), f"format {format_name!r} is not built in"))
            continue
        try:
            built.append(build_edition(str(name), fmt, members, results, shootouts))
        except SkipEdition as e:
            skipped.append((str(name), str(e)))
    return built, skipped


# -- forecasts -------------------------------------------------------------------------


class _EqualModel:
    """A fitted model whose every match is one team against itself on neutral ground: every team equal."""

    def __init__(self, model: Any, reference: int) -> None:
        self._model = model
        self._reference = reference

    def rates(self, home: Any, away: Any, neutral: Any = True, continental: bool = False) -> Any:
        home = np.full(np.shape(np.asarray(home)), self._reference, np.int64)
        return self._model.rates(home, home.copy(), True, continental)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


class _EqualFits:
    """The match forecaster, with every fitted model made equal-strength."""

    def __init__(self, forecaster: Any) -> None:
        self._forecaster = forecaster

    def fitted(self, as_of: dt.date, pool: str = "club") -> Any:
        model = self._forecaster.fitted(as_of, pool)
        reference = self._forecaster.pair("Brazil", "Argentina")[0]
        return _EqualModel(model, reference)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._forecaster, name)


def equal_strength(store: Store, model: str) -> TournamentForecaster:
    forecaster = TournamentForecaster(store, model)
    forecaster.forecaster = _EqualFits(forecaster.forecaster)  # type: ignore[assignment]
    return forecaster


def scores(forecast: TournamentForecast, reached: pd.DataFrame) -> dict[str, float]:
    p = pd.DataFrame(forecast.p, index=list(forecast.teams), columns=list(forecast.stages))
    p = p.loc[reached.index, list(reached.columns)].to_numpy()
    y = reached.to_numpy()
    brier = float(np.mean((p - y) ** 2))
    # TRPS from its definition: the ordered distribution over where each team went out
    exit_p = np.column_stack([1 - p[:, 0], p[:, :-1] - p[:, 1:], p[:, -1]])
    exit_y = np.column_stack([1 - y[:, 0], y[:, :-1] - y[:, 1:], y[:, -1]])
    cum = np.cumsum(exit_p, axis=1)[:, :-1] - np.cumsum(exit_y, axis=1)[:, :-1]
    trps = float(np.mean(np.mean(cum**2, axis=1)))
    champion = int(np.flatnonzero(y[:, -1])[0])
    return {"brier": brier, "trps": trps, "p_champion": float(p[champion, -1])}


def run_forecasts(
    store: Store, editions: list[Edition], model: str, sims: int, seed: int
) -> tuple[pd.DataFrame, dict[tuple[str, str], TournamentForecast], list[tuple[str, str]]]:
    forecasters = {"remontada": TournamentForecaster(store, model), "equal strength": equal_strength(store, model)}
    rows, kept, failed = [], {}, []
    for ed in editions:
        try:
            for moment in MOMENTS:
                fixtures, as_of = ed.fixtures(moment)
                for who, forecaster in forecasters.items():
                    start = time.perf_counter()
                    fc = forecaster.forecast(ed.fmt, fixtures, as_of=as_of, sims=sims, seed=seed, source=ed.name)
                    kept[(ed.name, moment, who)] = fc
                    s = scores(fc, ed.reached)
                    rows.append({"edition": ed.name, "moment": moment, "forecast": who, "teams": len(ed.reached),
                                 "as_of": as_of, **s, "seconds": time.perf_counter() - start})  # fmt: skip
                    _log(f"  {ed.name} {moment} {who}: Brier {s['brier']:.4f}, {time.perf_counter() - start:.1f} s")
        except RemontadaError as e:
            failed.append((ed.name, f"{type(e).__name__}: {e}"))
            rows = [r for r in rows if r["edition"] != ed.name]
    return pd.DataFrame(rows), kept, failed


# -- tables ------------------------------------------------------------------------------


def _skill(ours: float, base: float) -> str:
    return f"{1 - ours / base:+.1%}" if base > 0 else ""


def edition_table(ev: pd.DataFrame) -> list[str]:
    out = [
        "| edition | moment | as of | teams | Brier remontada | Brier equal strength | skill | TRPS remontada "
        "| TRPS equal strength | P(champion) remontada | P(champion) equal |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    wide = ev.pivot_table(index=["edition", "moment", "as_of", "teams"], columns="forecast",
                          values=["brier", "trps", "p_champion"], sort=False)  # fmt: skip
    for (edition, moment, as_of, teams), row in wide.iterrows():
        b, e = row[("brier", "remontada")], row[("brier", "equal strength")]
        out.append(
            f"| {edition} | {moment} | {as_of} | {teams} | {b:.4f} | {e:.4f} | {_skill(b, e)} "
            f"| {row[('trps', 'remontada')]:.4f} | {row[('trps', 'equal strength')]:.4f} "
            f"| {row[('p_champion', 'remontada')]:.3f} | {row[('p_champion', 'equal strength')]:.3f} |"
        )
    return out


def overall_table(ev: pd.DataFrame) -> list[str]:
    """Per moment: the means over editions (each edition weighted by its teams x stages pairs for Brier)."""
    out = [
        "| moment | editions | teams | Brier remontada | Brier equal strength | skill | TRPS remontada "
        "| TRPS equal strength | mean P(champion) remontada | mean P(champion) equal | editions better |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for moment in MOMENTS:
        sub = ev[ev["moment"] == moment]
        ours, base = sub[sub["forecast"] == "remontada"], sub[sub["forecast"] == "equal strength"]
        pairs = ours["teams"] * ours["stages"]
        b = float(np.average(ours["brier"], weights=pairs))
        e = float(np.average(base["brier"], weights=pairs))
        t = float(np.average(ours["trps"], weights=ours["teams"]))
        te = float(np.average(base["trps"], weights=base["teams"]))
        better = int((ours["brier"].to_numpy() < base["brier"].to_numpy()).sum())
        out.append(
            f"| {moment} | {len(ours)} | {int(ours['teams'].sum())} | {b:.4f} | {e:.4f} | {_skill(b, e)} | {t:.4f} "
            f"| {te:.4f} | {ours['p_champion'].mean():.3f} | {base['p_champion'].mean():.3f} "
            f"| {better} of {len(ours)} |"
        )
    return out


def opta_table(editions: list[Edition], kept: dict[tuple[str, str, str], TournamentForecast]) -> tuple[list[str], str]:
    opta = pd.read_csv(BUILTIN / "opta.csv")
    by_name = {ed.name: ed for ed in editions}
    rows, notes = [], []
    for edition, sub in opta.groupby("edition", sort=False):
        ed = by_name.get(str(edition))
        if ed is None or (str(edition), "eve", "remontada") not in kept:
            notes.append(f"{edition} ({len(sub)} pairs)")
            continue
        ours, base = kept[(str(edition), "eve", "remontada")], kept[(str(edition), "eve", "equal strength")]
        for r in sub.itertuples():
            rows.append({"edition": edition, "team": r.team, "stage": r.stage, "opta": r.p,
                         "remontada": ours.p[ours.index(r.team), ours.stages.index(r.stage)],
                         "equal strength": base.p[base.index(r.team), base.stages.index(r.stage)],
                         "y": ed.reached.loc[r.team, r.stage]})  # fmt: skip
    frame = pd.DataFrame(rows)
    out = [
        "| edition | pairs (team, stage) | Brier remontada | Brier Opta | Brier equal strength |",
        "|---|---|---|---|---|",
    ]
    groups = [(str(e), g) for e, g in frame.groupby("edition", sort=False)] + [("all", frame)]
    for edition, g in groups:
        cells = [f"{np.mean((g[c] - g['y']) ** 2):.4f}" for c in ("remontada", "opta", "equal strength")]
        what = ", ".join(f"{s} {n}" for s, n in g["stage"].value_counts(sort=False).items())
        out.append(f"| {edition} | {len(g)} ({what}) | " + " | ".join(cells) + " |")
    left = "Not scored (edition not scored here): " + ", ".join(notes) + "." if notes else ""
    return out, left


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, default=None, help="the store (default: remontada's default store)")
    parser.add_argument("--data", type=Path, default=Path("../shared/data/international"))
    parser.add_argument("--model", default=DEFAULT_TIE_MODEL)
    parser.add_argument("--sims", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("docs/tournament-accuracy.md"))
    args = parser.parse_args()
    started = time.perf_counter()
    editions, skipped = load_editions(args.data)
    _log(f"{len(editions)} editions rebuilt from the results, {len(skipped)} skipped")
    store = Store.open(args.store or default_path(), read_only=True)
    try:
        ev, kept, failed = run_forecasts(store, editions, args.model, args.sims, args.seed)
    finally:
        store.close()
    ev["stages"] = ev["edition"].map({ed.name: len(ed.fmt.stages) for ed in editions})
    ok = [ed for ed in editions if ed.name in set(ev["edition"])]
    assert np.allclose(ev["brier"], ev["trps"]), "TRPS and the stage-averaged Brier score should coincide"
    lines = [f"#### Whole tournaments, walk-forward ({args.model}, {args.sims:,} simulations, seed {args.seed})", ""]
    lines += [
        "Each edition forecast from the model fitted strictly before the forecast's date: on the **eve** of its "
        "first match, and at the start of its **knockouts** (group stage played). Brier over every (team, stage) "
        "pair; TRPS (Ekstrøm et al. 2021) per team over where it went out, then averaged; skill = 1 - Brier / "
        "Brier of the equal-strength baseline; P(champion) = the forecast's chance of the team that won.",
        "",
    ]
    lines += edition_table(ev) + ["", "Overall (Brier weighted by (team, stage) pairs, TRPS by teams):", ""]
    lines += overall_table(ev)
    opta, left = opta_table(ok, kept)
    lines += [
        "",
        "**Partial comparison with Opta** (pre-tournament, eve forecasts; only the pairs Opta published):",
        "",
    ]
    lines += opta + ([""] + [left] if left else [])
    notes = [f"- {name}: skipped, {why}." for name, why in skipped + failed]
    if notes:
        lines += ["", "Editions not scored:", ""] + notes
    total = time.perf_counter() - started
    lines += ["", f"(Whole run {total / 60:.1f} min on a shared 2-core machine.)"]
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    _log(f"written to {args.out}")


if __name__ == "__main__":
    main()
