"""The command line's conventions (issue 17): one date flag, help, version, quiet and verbose, tables that fit,
CSV, what batches wrote, and the store's own facts first (stored finals, base rates of the tie's kind)."""

import csv
import io
import json
import subprocess
import sys

import pytest
import typer.main
from rich.console import Console
from rich.text import Text
from typer.testing import CliRunner

from remontada import __version__
from remontada.app.cli import app
from remontada.app.cli.output import Grid, as_csv, as_plain, show

runner = CliRunner()


def run(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def commands():
    """Every command's path, e.g. ('tie',) and ('data', 'status')."""
    root = typer.main.get_command(app)
    for name, command in root.commands.items():
        subs = getattr(command, "commands", None)
        if subs:
            yield from ((name, sub) for sub in subs)
        yield (name,)


def test_version_short_help_and_python_dash_m():
    assert run("--version").stdout.strip() == f"remontada {__version__}"
    assert "Usage" in run("-h").stdout and "--install-completion" in run("-h").stdout
    done = subprocess.run([sys.executable, "-m", "remontada", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"remontada {__version__}"


@pytest.mark.parametrize("path", list(commands()), ids=" ".join)
def test_every_command_has_an_example_and_no_bool_placeholders(path):
    result = run(*path, "-h", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Example: remontada" in result.stdout
    assert "<bool>" not in result.stdout


def test_one_date_flag_with_the_old_names_hidden(bundled_db):
    new = json.loads(run("match", "Atalanta", "Liverpool", "--date", "2024-04-18", "--json", "--db", bundled_db).stdout)
    old = json.loads(
        run("match", "Atalanta", "Liverpool", "--as-of", "2024-04-18", "--json", "--db", bundled_db).stdout
    )
    assert new == old and new["as_of"] == "2024-04-18"
    assert "--as-of" not in run("match", "-h", env={"COLUMNS": "200"}).stdout
    clash = run("match", "Atalanta", "Liverpool", "--date", "2024-04-18", "--as-of", "2024-04-19", "--db", bundled_db)
    assert clash.exit_code != 0 and "disagree" in clash.output
    before = run("precedents", "--deficit", "3", "--before", "2024-04-18", "--json", "--db", bundled_db)
    on = run("precedents", "--deficit", "3", "--date", "2024-04-18", "--json", "--db", bundled_db)
    assert json.loads(before.stdout)["summary"] == json.loads(on.stdout)["summary"]


def test_a_tie_without_a_date_says_which_day_it_used(bundled_db):
    forecast = json.loads(run("tie", "Liverpool", "Atalanta", "--json", "--db", bundled_db).stdout)
    assert any("no date given" in w and "not today" in w for w in forecast["warnings"])
    dated = json.loads(run("tie", "Liverpool", "Atalanta", "--date", "2024-04-18", "--json", "--db", bundled_db).stdout)
    assert not any("no date given" in w for w in dated["warnings"])


def test_a_stored_final_is_forecast_under_its_own_rules_with_what_happened(bundled_db):
    args = ("--date", "2005-05-25", "--json", "--db", bundled_db)
    final = json.loads(run("tie", "Liverpool", "AC Milan", *args).stdout)
    assert final["rules"] == "single-match" and final["round"] == "Final" and final["neutral"] is True
    assert final["actual"]["score"] == "Liverpool 3-3 AC Milan (a.e.t. 3-3, pens 3-2)"
    assert final["actual"]["winner"] == "a" and final["actual"]["decided_by"] == "penalties"
    reversed_ = json.loads(run("tie", "AC Milan", "Liverpool", *args).stdout)
    assert reversed_["team_a"] == "Liverpool" and reversed_["p_a"] == pytest.approx(final["p_a"])
    card = run("tie", "Liverpool", "AC Milan", "--date", "2005-05-25", "--db", bundled_db).stdout
    assert "what happened: Liverpool 3-3 AC Milan (a.e.t. 3-3, pens 3-2); Liverpool through (penalties)" in card
    assert "one match on neutral ground" in card and "ASSUMED" not in card


def test_the_base_rate_follows_the_kind_of_competition(bundled_db):
    base = {"--deficit": 3, "--lost-at": "home", "--date": "2024-04-18"}
    flags = [str(x) for kv in base.items() for x in kv]

    def count(*more):
        return json.loads(run("precedents", *flags, *more, "--json", "--db", bundled_db).stdout)["summary"]["ties"]

    european, domestic, every = count("--scope", "european"), count("--scope", "domestic"), count()
    assert european > 0 and domestic > 0 and european + domestic == every
    tie = json.loads(run("tie", "Liverpool", "Atalanta", "--date", "2024-04-18", "--json", "--db", bundled_db).stdout)
    assert tie["base_rate"]["scope"] == "european" and tie["base_rate"]["ties"] == european
    assert "European cups" in tie["base_rate"]["sentence"]
    bad = run("precedents", "--deficit", "3", "--scope", "galactic", "--db", bundled_db)
    assert bad.exit_code != 0


def test_an_unknown_competition_is_answered_with_the_closest(bundled_db):
    result = run("backtest", "--competition", "eng1", "--db", bundled_db)
    assert result.exit_code != 0
    assert "unknown competition 'eng1'" in str(result.exception) and "eng-1 (Premier League)" in str(result.exception)


def test_data_status_summarises_and_filters(bundled_db):
    summary = run("data", "status", "--db", bundled_db).stdout
    assert "uefa-cl" in summary and "international tournaments" in summary
    assert len(summary.splitlines()) < 60  # one line a competition, not one a season
    seasons = run("data", "status", "--competition", "uefa-cl", "--csv", "--db", bundled_db).stdout
    rows = list(csv.DictReader(io.StringIO(seasons)))
    assert {r["competition"] for r in rows} == {"UEFA Champions League"} and len(rows) > 60
    one = list(
        csv.DictReader(io.StringIO(run("data", "status", "--season", "2023-24", "--csv", "--db", bundled_db).stdout))
    )
    assert {r["season"] for r in one} == {"2023-24"}
    assert run("data", "status", "--season", "1066-67", "--db", bundled_db).exit_code != 0


def test_a_batch_says_what_it_wrote_unless_quiet(bundled_db, tmp_path):
    batch = tmp_path / "in.csv"
    batch.write_text("date,home,away\n2024-04-18,Atalanta,Liverpool\n")
    out = tmp_path / "out.csv"
    said = run("match", "--batch", batch, "--out", out, "--db", bundled_db)
    assert said.exit_code == 0 and f"wrote 1 forecasts (1 rows) to {out}" in said.stderr
    quiet = run("-q", "match", "--batch", batch, "--out", out, "--db", bundled_db)
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_verbose_shows_the_traceback_of_a_bug(monkeypatch, tmp_path):
    from remontada.app.cli import main
    from remontada.data import queries

    def broken(*a, **k):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(queries, "status", broken)
    with pytest.raises(ZeroDivisionError):
        main(["-v", "data", "status", "--db", str(tmp_path / "s.duckdb")])


def _grid() -> Grid:
    grid = Grid(["path", "status", "matches"], "import", right=frozenset({"matches"}))
    grid.add("/work/shared/data/football-data/premier-league/season-9495.csv", "imported", "462")
    grid.add("E0.csv", Text("failed: not a CSV", style="red"), "0")
    return grid


def test_tables_never_cut_a_word():
    words = {
        w for row in _grid().rows for cell in row for w in (cell.plain if isinstance(cell, Text) else cell).split()
    }
    for width in (40, 60, 80, 200):
        console = Console(width=width, force_terminal=True, record=True)
        show(console, _grid())
        printed = set(console.export_text().split())
        assert words <= printed, (width, words - printed)
    plain = as_plain(_grid())
    assert plain[2].startswith("/work/shared/data/football-data/premier-league/season-9495.csv  imported")
    assert plain[3].split() == ["E0.csv", "failed:", "not", "a", "CSV", "0"] and plain[3].endswith(" 0")


def test_csv_of_a_table_is_its_cells_without_colour():
    rows = list(csv.reader(io.StringIO(as_csv(_grid()))))
    assert rows[0] == ["path", "status", "matches"] and rows[2] == ["E0.csv", "failed: not a CSV", "0"]


def test_the_second_leg_grid_reads_without_colour(bundled_db):
    card = run("tie", "Liverpool", "Atalanta", "--date", "2024-04-18", "--db", bundled_db).stdout
    assert "A: Liverpool through, B: Atalanta through, =: level on aggregate" in card
    assert "6.6% =" in card and "\x1b[" not in card  # piped: letters, no colour codes


@pytest.mark.parametrize(
    ("args", "listed"),
    [(("tune", "--metric", "rpss"), "rps, log_loss, brier"), (("backtest", "--stake", "half"), "flat, kelly")],
)
def test_a_bad_choice_is_refused_before_any_work_with_the_choices(args, listed, tmp_path):
    result = run(*args, "--db", tmp_path / "never-made.duckdb")
    assert result.exit_code != 0 and listed in result.output
    assert not (tmp_path / "never-made.duckdb").exists()
