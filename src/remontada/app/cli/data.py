"""Managing the store: import, status, identity of teams, rejects, conflicts, ties, export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from remontada.app.cli.common import (
    CsvOption,
    DbOption,
    JsonOption,
    app,
    check_output_dir,
    emit_json,
    err,
    open_db,
    out,
    print_table,
)
from remontada.app.plain import records
from remontada.data import queries
from remontada.errors import DataError

if TYPE_CHECKING:
    from remontada.data.ingest import ImportReport

data_app = typer.Typer(
    no_args_is_help=True, help="Import, inspect and export the match store.\n\nExample: remontada data status"
)


app.add_typer(data_app, name="data")


EmptyOption = Annotated[bool, typer.Option("--empty", help="Create a new store empty, not from the bundled data.")]


@data_app.command("import")
def data_import(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to import.", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", help="Source format, or 'auto' to detect it.")] = "auto",
    competition: Annotated[
        str | None,
        typer.Option(help="Put every match and fixture in this competition (slug or name): e.g. your own league."),
    ] = None,
    db: DbOption = None,
    empty: EmptyOption = False,
    as_json: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Import files (football-data, openfootball, engsoccerdata, internationals, fixtures CSV, or a parquet export).

    Example: remontada data import E0.csv

    Example: remontada data import ../shared/data/openfootball --format openfootball
    """
    from remontada.data.bundle import load_parquet
    from remontada.data.ingest import import_paths, order_for_import

    exports = [p for p in paths if p.is_dir() and (p / "manifest.json").is_file()]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise DataError(f"no such file or folder: {', '.join(map(str, missing))}")
    with open_db(db, empty=empty or bool(exports)) as store:
        loaded = {str(p): load_parquet(store, p) for p in exports}
        files = order_for_import([p for p in paths if p not in exports])
        reports: list[ImportReport] = []
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=as_json or csv_out,
        )
        with progress:
            task = progress.add_task("importing", total=len(files))

            def step(path: Path, report: ImportReport) -> None:
                progress.update(task, advance=1, description=f"importing {path.name}")

            reports = import_paths(store, files, fmt=fmt, on_file=step, competition=competition)
    failed = [r for r in reports if r.status == "failed"]
    if as_json:
        emit_json({"exports_loaded": loaded, "files": [r.as_dict() for r in reports]})
    else:
        _print_imports(loaded, reports, csv_out)
    if failed:
        imported = ", the others were imported" if len(failed) < len(reports) else ""
        lines = "".join(f"\n  {r.path}: {r.error}" for r in failed)
        raise DataError(f"{len(failed)} of {len(reports)} files could not be imported{imported}:{lines}")


def _print_imports(loaded: dict[str, dict[str, int]], reports: list[ImportReport], csv_out: bool) -> None:
    """The outcome of every file of a `data import` (the failed ones' reasons follow as the error)."""
    for path, counts in loaded.items():
        out.print(f"loaded export {path}: {counts.get('matches', 0)} matches")
    if reports:
        frame = pd.DataFrame([r.as_dict() for r in reports])
        cols = ["path", "format", "status", "matches_new", "matches_merged", "ties_new", "goals", "odds"]
        print_table(frame[cols + ["teams_new", "rejects", "conflicts", "unresolved"]], "import", csv_out=csv_out)
        if csv_out:
            return
        totals = frame[["matches_new", "matches_merged", "rejects", "conflicts", "unresolved"]].sum()
        out.print(
            f"{int(totals['matches_new'])} new matches, {int(totals['matches_merged'])} merged with stored ones, "
            f"{int(totals['rejects'])} rows rejected (see `remontada data rejects`), "
            f"{int(totals['conflicts'])} conflicts, {int(totals['unresolved'])} names to review "
            "(`remontada data unresolved`)."
        )


@data_app.command("status")
def data_status(
    competition: Annotated[
        str | None, typer.Option(help="Only this competition (slug or name), season by season.")
    ] = None,
    season: Annotated[
        str | None, typer.Option(help="Only this season, e.g. 2023-24, competition by competition.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """What the store holds: one line per competition, or per season with --competition or --season.

    Also the store's totals, the rejected rows per file, and each file fetched (when, and what changed).

    Example: remontada data status --competition uefa-cl
    """
    with open_db(db, read_only=True) as store:
        frame = queries.status(store)
        if competition is not None:
            slug = queries.find_competition(store, competition)
            name = store.one("SELECT name FROM competitions WHERE competition_id = ?", [slug])
            frame = frame[frame["competition"] == (name[0] if name else slug)]
        kinds = store.df("SELECT name AS competition, competition_id AS slug, kind FROM competitions")
        per_file = store.df("SELECT source_file, count(*) AS rejects FROM rejects GROUP BY ALL ORDER BY 1")
        fetched = queries.fetches(store)
        tables = ("matches", "ties", "fixtures", "teams", "goals", "odds", "rejects", "conflicts")
        totals = {t: store.count(t) for t in tables}
    if season is not None:
        frame = frame[frame["season"] == season]
        if frame.empty:
            raise DataError(f"no season {season!r} in the store{f' for {competition}' if competition else ''}")
    if as_json:
        emit_json(
            {
                "totals": totals,
                "competitions": records(frame),
                "rejects_per_file": records(per_file),
                "fetches": records(fetched),
            }
        )
        return
    detailed = competition is not None or season is not None
    shown = frame if detailed else _by_competition(frame.merge(kinds, on="competition"))
    title = "per season" if detailed else "per competition (--competition NAME or --season YYYY-YY for seasons)"
    print_table(shown, f"matches, ties and fixtures {title}", csv_out=csv_out)
    if csv_out:
        return
    if len(per_file) and not detailed:
        print_table(per_file, "rejected rows per file")
    if len(fetched):
        print_table(
            fetched.drop(columns=["url"]), "files fetched online: when last fetched, when last changed, what changed"
        )
    out.print(", ".join(f"{v} {k}" for k, v in totals.items()))


def _by_competition(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per club competition (its slug, seasons, matches, ties, fixtures, dates), the internationals in one."""
    frame = frame.assign(
        competition=frame["competition"].where(frame["kind"] != "international", "international tournaments"),
        slug=frame["slug"].where(frame["kind"] != "international", "int:NAME"),
    )
    grouped = frame.groupby(["competition", "slug"], sort=False)
    return pd.DataFrame(
        {
            "seasons": grouped["season"].nunique(),
            "from": grouped["season"].min(),
            "to": grouped["season"].max(),
            "matches": grouped["matches"].sum(),
            "ties": grouped["ties"].sum(),
            "fixtures": grouped["fixtures"].sum(),
            "first": grouped["first"].min(),
            "last": grouped["last"].max(),
        }
    ).reset_index()


@data_app.command("unresolved")
def data_unresolved(db: DbOption = None, as_json: JsonOption = False, csv_out: CsvOption = False) -> None:
    """Names imported as new teams that look like existing ones: review, then `data link` them.

    Example: remontada data unresolved --csv > names.csv
    """
    with open_db(db) as store:
        frame = queries.unresolved(store)
    if as_json:
        emit_json(records(frame))
        return
    if frame.empty:
        out.print("every name was resolved with confidence")
        return
    print_table(frame, "names to review (created as new teams)", csv_out=csv_out)


@data_app.command("link")
def data_link(
    duplicate: Annotated[str, typer.Argument(help="The name imported as a team of its own.")],
    team: Annotated[str, typer.Argument(help="The team it really is ('Name (ENG)' pins the country).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Link without asking for confirmation.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make two teams one: everything of DUPLICATE moves to TEAM (see `data unresolved`; undo: `data unlink`).

    Example: remontada data link "Verona (ITA)" "Hellas Verona"
    """
    from remontada.data.links import link_teams, plan_link

    with open_db(db) as store:
        plan = plan_link(store, duplicate, team)
        if not yes:
            _confirm(f"Link {plan.merged} into {plan.kept}, moving its {plan.matches} matches?")
        report = link_teams(store, duplicate, team)
    if as_json:
        emit_json(report.__dict__)
        return
    out.print(
        f"{report.merged} is now {report.kept}: {report.matches_moved} matches moved, "
        f"{report.matches_merged} merged with matches already stored, {report.conflicts} conflicts recorded"
        f" (link {report.link_id}; undo with `remontada data unlink {report.link_id}`)"
    )


def _interactive() -> bool:
    """Whether a person can be asked: stdin is a terminal."""
    return sys.stdin is not None and sys.stdin.isatty()


def _confirm(question: str) -> None:
    """Ask ``question``; refuse (nothing changed) when no one can answer or the answer is no."""
    if not _interactive():
        raise DataError(f"{question} No terminal to ask on: pass --yes to confirm. Nothing was changed.")
    if not typer.confirm(question, default=False):
        err.print("nothing was changed")
        raise typer.Exit(1)


@data_app.command("unlink")
def data_unlink(
    link: Annotated[str, typer.Argument(help="A link id from `data links`, or the name that was linked.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Undo a `data link`: the two teams and their matches come back exactly as they were.

    Example: remontada data unlink Verona
    """
    from remontada.data.links import unlink

    with open_db(db) as store:
        report = unlink(store, link)
    if as_json:
        emit_json(report.__dict__)
        return
    out.print(f"link {report.link_id} undone: {report.restored} is again a team of its own, apart from {report.team}")


@data_app.command("links")
def data_links(
    team: Annotated[str | None, typer.Option(help="Only the links to this team.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Every name linked to a team, by an import or by `data link`, with its evidence.

    Example: remontada data links --team "Hellas Verona"
    """
    from remontada.data.links import links

    with open_db(db) as store:
        frame = links(store, team=team)
    if as_json:
        emit_json([{**r, "evidence": json.loads(str(r["evidence"]))} for r in records(frame)])
        return
    frame = frame.assign(evidence=frame["evidence"].map(_evidence_text)).drop(columns=["created_at"])
    print_table(
        frame,
        f"{len(frame)} links (origin: overlap = matching fixtures, alias-file, manual = data link)",
        csv_out=csv_out,
    )


def _evidence_text(evidence: str) -> str:
    """A link's evidence in a few words: the fixtures that matched, the alias, or what `data link` moved."""
    facts = json.loads(evidence)
    if "fixtures" in facts:
        shown = [f"{f['date']} {f['score']}" for f in facts["fixtures"][:3]]
        more = f" +{len(facts['fixtures']) - 3}" if len(facts["fixtures"]) > 3 else ""
        return f"{len(facts['fixtures'])} fixtures of {facts['file_fixtures']}: {', '.join(shown)}{more}"
    if "aliases.csv" in facts:
        return f"aliases.csv: {facts['aliases.csv']}"
    return f"data link: {facts.get('matches', 0)} matches moved"


@data_app.command("rejects")
def data_rejects(
    source: Annotated[str | None, typer.Option(help="Only files whose path contains this.")] = None,
    limit: Annotated[int, typer.Option(help="Rows to show (all with --json or --csv).")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Rows that could not be imported, with file, line, reason and raw text.

    Example: remontada data rejects --source facup.csv --limit 10
    """
    with open_db(db) as store:
        frame = queries.rejects(store, source=source)
    if as_json:
        emit_json(records(frame))
        return
    if csv_out:
        print_table(frame, "rejected rows", csv_out=True)
        return
    summary = frame.groupby(frame["reason"].str.replace(r"'[^']*'", "'…'", regex=True)).size()
    print_table(summary.rename("rows").reset_index(), f"{len(frame)} rejected rows by reason")
    print_table(frame, "rejected rows", limit=limit)


@data_app.command("conflicts")
def data_conflicts(db: DbOption = None, as_json: JsonOption = False, csv_out: CsvOption = False) -> None:
    """Matches on which two sources disagree (the first stored value is kept).

    Example: remontada data conflicts --csv > conflicts.csv
    """
    with open_db(db) as store:
        frame = queries.conflicts(store)
    if as_json:
        emit_json(records(frame))
        return
    print_table(frame, f"{len(frame)} conflicts", limit=100, csv_out=csv_out)


@data_app.command("ties")
def data_ties(
    team: Annotated[str | None, typer.Option(help="A team in the tie.")] = None,
    competition: Annotated[str | None, typer.Option(help="Competition name or slug.")] = None,
    season: Annotated[str | None, typer.Option(help="Season, e.g. 2023-24.")] = None,
    round: Annotated[str | None, typer.Option("--round", help="Round, e.g. Quarterfinals.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Knockout ties in the store: legs, aggregate, how decided, who went through.

    Example: remontada data ties --team Liverpool --competition uefa-cl --season 2018-19
    """
    with open_db(db) as store:
        frame = queries.ties(store, team=team, competition=competition, season=season, round=round)
    if as_json:
        emit_json(records(frame))
        return
    cols = ["competition", "season", "round", "legs_played", "agg_a", "agg_b", "decided_by", "winner"]
    print_table(frame[cols], f"{len(frame)} ties", limit=200, csv_out=csv_out)


@data_app.command("export")
def data_export(
    parquet: Annotated[Path, typer.Option("--parquet", help="Directory to write one parquet file per table to.")],
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that already holds files.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Export every table as parquet (loadable again with `data import DIR`).

    Example: remontada data export --parquet backup/
    """
    from remontada.data.bundle import check_export_dir, export_parquet

    check_export_dir(parquet, force=force)
    check_output_dir(parquet, "--parquet")
    with open_db(db, read_only=True) as store:
        counts = export_parquet(store, parquet, force=force)
    if as_json:
        emit_json({"directory": str(parquet), "rows": counts})
        return
    out.print(f"wrote {len(counts)} tables to {parquet}: {counts['matches']} matches, {counts['ties']} ties")
