"""Every `remontada` command in README.md is run against the bundled store, and what it prints is compared.

The README's examples cannot drift from the program: this test reads them the way doctest
reads a docstring. The conventions, in README.md's fenced code blocks:

* ```` ```console ````: a line ``$ remontada ARGS`` is a command; the lines after it, up
  to the next ``$`` line or the end of the block, are what it prints to stdout when piped
  (plain columns, no colour). A line ``...`` stands for any number of lines, and ``...``
  within a line for any text there (doctest's ELLIPSIS). Runs of spaces compare as one
  space, so column widths may change. The commands of one block run in order on one
  store (``data link`` then ``data unlink``).
* ```` ```sh ````: every line that starts ``remontada `` is a command (a trailing
  ``# comment`` is dropped); it must run and exit 0. A line with a placeholder (``...``,
  ``[``, ``|``, or an upper-case placeholder such as ``PATH``) is a synopsis: its command must
  exist (``--help`` exits 0), nothing more. A command that needs a file of the reader's,
  a server or a long walk-forward is listed in :data:`SKIPPED` with the reason.
* :data:`CLAIMS`: numbers the README states in prose, each with the command that must
  print them.

Every command runs with ``REMONTADA_DB`` pointing at a copy of the bundled store, in a
temporary working folder (so ``--png``, ``--html`` and ``--out`` files land there).
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from remontada.app.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"

SKIPPED: dict[str, str] = {
    "remontada match --batch fixtures.csv": "needs the reader's fixtures file (batches: tests/test_cli.py)",
    "remontada tie --batch ties.csv": "needs the reader's ties file (batches: tests/test_tie_forecast.py)",
    "remontada live --batch live.csv": "needs the reader's feed file (batches: tests/test_live.py)",
    "remontada tournament --format world-cup-32 --fixtures wc2022.csv": "needs the reader's fixtures file",
    "remontada backtest --competition bel-1": "a ten-season walk-forward takes many minutes (make market-accuracy)",
    "remontada backtest --model dixon-coles": "a five-season walk-forward of three models takes many minutes",
    "remontada backtest --data E0.csv": "needs a football-data.co.uk file the reader downloaded",
    "remontada tune": "a walk-forward per setting takes minutes (tests/test_backtest.py tunes a small one)",
    "remontada serve": "starts a server that runs until stopped (tests/test_web.py serves the app)",
    "remontada data update": "goes online (tests/fetch/ fetch from a local server)",
    "remontada data fetch": "goes online (tests/fetch/ fetch from a local server)",
}
"""Commands not run, by the start of their line, and why."""

SYNOPSIS = re.compile(r"\.\.\.|\[|\||\b(?:PATH|DIR|NAME|TEAM|DUPLICATE|ID)\b")
"""What marks a synopsis (a command with placeholders) rather than a command to run."""

CLAIMS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "18 of 191 three-goal away defeats in the Champions League were overturned (9.4%)",
        "precedents --deficit 3 --lost-at away --competition uefa-cl",
        ("18 of 191 overturned (9.4%",),
    ),
    (
        "against 1 of 129 three-goal home defeats in all competitions before 18 April 2024",
        "precedents --deficit 3 --lost-at home --date 2024-04-18",
        ("1 of 129 overturned",),
    ),
    (
        "remontada gives Liverpool 12.3%, well above the 1.2% base rate",
        "tie Liverpool Atalanta --date 2024-04-18",
        ("Liverpool 12.3%", "(1.2%, 95% CI"),
    ),
    (
        "Liverpool 12.3% (5.9% in 90 minutes); a goal in the first 15 minutes 21.1%, still 0-0 at half-time 4.3%; "
        "pushing from the start 19.2%, with P(conceding) up from 69.9% to 76.7%",
        "brief Liverpool Atalanta --date 2024-04-18",
        (
            "in 90 minutes 5.9%",
            "first 15 minutes 15 0-1 21.1%",
            "half-time 45 0-0 4.3%",
            "12.3% 37.6% 69.9%",
            "19.2% 54.6% 76.7%",
        ),
    ),  # fmt: skip
]


@dataclass(frozen=True)
class Example:
    """A command of the README (or several, in order, for a console block) and what they print."""

    line: int
    commands: tuple[str, ...]
    expected: tuple[tuple[str, ...] | None, ...]
    """Per command: the lines it prints (console blocks), or ``None`` (it must only succeed)."""

    @property
    def id(self) -> str:
        return f"README.md:{self.line}"


def examples(text: str) -> list[Example]:
    """The README's command examples, in the order they appear."""
    found: list[Example] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        fence = lines[i].strip()
        if not fence.startswith("```") or fence == "```":
            i += 1
            continue
        kind, start = fence[3:], i + 1
        end = next(j for j in range(start, len(lines)) if lines[j].strip() == "```")
        block = lines[start:end]
        if kind == "console":
            commands, outputs = [], []
            for line in block:
                if line.startswith("$ "):
                    commands.append(line[2:])
                    outputs.append([])
                elif outputs:
                    outputs[-1].append(line)
            if commands:
                found.append(Example(start + 1, tuple(commands), tuple(tuple(o) for o in outputs)))
        elif kind == "sh":
            for n, line in enumerate(block, start + 1):
                if line.startswith("remontada "):
                    found.append(Example(n, (line.split("  #")[0].strip(),), (None,)))
        i = end + 1
    return found


EXAMPLES = examples(README.read_text(encoding="utf-8"))


def squeeze(lines: list[str] | tuple[str, ...]) -> list[str]:
    """Lines with runs of spaces as one space, blank lines left out."""
    return [" ".join(line.split()) for line in lines if line.strip()]


def matches(expected: tuple[str, ...], printed: str) -> bool:
    """Whether ``printed`` is ``expected``, with doctest's ``...`` (a line: any lines; in a line: any text)."""
    parts = []
    for line in squeeze(expected):
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(piece) for piece in line.split("...")) + r"\n")
    return re.fullmatch("".join(parts), "".join(f"{line}\n" for line in squeeze(printed.splitlines()))) is not None


@pytest.fixture(scope="module")
def readme_db(bundled_db, tmp_path_factory) -> Path:
    """A copy of the bundled store the README's commands may change (``data link``)."""
    path = tmp_path_factory.mktemp("readme") / "store.duckdb"
    shutil.copy(bundled_db, path)
    return path


def run(command: str, db: Path) -> str:
    """Run one README command line in-process, as a reader would pipe it; its stdout (it must exit 0)."""
    args = shlex.split(command)
    assert args[0] == "remontada", command
    result = CliRunner().invoke(app, args[1:], env={"REMONTADA_DB": str(db)}, catch_exceptions=False)
    assert result.exit_code == 0, f"{command}\n{result.output}"
    return result.stdout


def skip_reason(command: str) -> str | None:
    return next((why for start, why in SKIPPED.items() if command.startswith(start)), None)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_readme_example(example: Example, readme_db, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for command, expected in zip(example.commands, example.expected, strict=True):
        why = skip_reason(command)
        if why is not None:
            pytest.skip(f"{command}: {why}")
        if expected is None and SYNOPSIS.search(command.split(" ", 1)[1]):
            words = [w for w in command.split()[1:3] if re.fullmatch(r"[a-z-]+", w)]
            run(" ".join(["remontada", *words, "--help"]), readme_db)  # the command a synopsis names exists
            continue
        printed = run(command, readme_db)
        if expected is not None:
            assert matches(expected, printed), (
                f"README.md:{example.line}: `{command}` printed\n{printed}\nbut the README shows\n"
                + "\n".join(expected)
            )


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c[1])
def test_readme_claim(claim: tuple[str, str, tuple[str, ...]], readme_db, tmp_path, monkeypatch) -> None:
    phrase, command, printed_phrases = claim
    assert " ".join(phrase.split()) in " ".join(README.read_text(encoding="utf-8").split()), phrase
    monkeypatch.chdir(tmp_path)
    printed = " ".join(run(f"remontada {command}", readme_db).split())
    for wanted in printed_phrases:
        assert wanted in printed, f"`remontada {command}` does not print {wanted!r}:\n{printed}"


def test_the_readme_has_examples_of_every_command() -> None:
    """Each command of the CLI appears in the README (so a new command brings its example)."""
    import typer.main

    shown = {c.split()[1] for e in EXAMPLES for c in e.commands}
    commands = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert commands <= shown, f"not in the README: {sorted(commands - shown)}"


def test_the_matcher_can_fail() -> None:
    assert matches(("a ... c", "...", "z"), "a b c\nx\ny\nz\n")
    assert not matches(("a 1.2%",), "a 1.3%\n")
    assert not matches(("a",), "a\nb\n")  # more printed than shown, and no ... to say so
    assert matches(("a   b",), "a b\n")
