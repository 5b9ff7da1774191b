"""The house by rooms: the import contracts hold, few modules stay loose, no file grows too long.

The contracts themselves (which room may import which) are written in pyproject.toml
under ``[tool.importlinter]`` and checked by import-linter, here and by ``make lint``.
"""

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "remontada"
ROOMS = {"app", "data", "evaluation", "knockout", "live", "models", "tournaments"}
LOOSE = {"__init__.py", "__main__.py", "_version.py", "errors.py", "memo.py"}
LONGEST = 600


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_import_contracts_are_kept():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_every_room_is_in_the_layers():
    layers = next(c["layers"] for c in _contracts() if c["type"] == "layers")
    named = {part.strip().removeprefix("remontada.") for layer in layers for part in layer.split("|")}
    assert ROOMS <= named


def test_the_top_holds_rooms_and_at_most_five_loose_modules():
    modules = {p.name for p in SRC.glob("*.py")}
    rooms = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert modules <= LOOSE and len(modules) <= 5
    assert rooms == ROOMS


def test_no_source_file_over_600_lines():
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py") if (n := len(p.read_text().splitlines())) > LONGEST}
    assert long == {}
