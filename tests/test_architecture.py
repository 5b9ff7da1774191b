"""Imports point one way: core types <- importers <- store <- pipeline/queries <- front ends."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "remontada"

LAYERS = {
    "_version": 0,
    "errors": 0,
    "competitions": 0,
    "names": 0,
    "rules": 0,
    "grid": 0,
    "plain": 0,
    "numerics": 0,
    "odds": 0,
    "betting": 0,
    "parallel": 0,
    "memo": 0,
    "tie": 1,
    "inplay": 1,
    "red_cards": 1,
    "models": 1,
    "io": 1,
    "store": 2,
    "bundle": 3,
    "tiebreaks": 3,
    "fitcache": 3,
    "resolve": 3,
    "ingest": 4,
    "queries": 4,
    "precedents": 4,
    "knockout": 4,
    "datasets": 5,
    "teams": 5,
    "forecast": 5,
    "timing": 5,
    "backtest": 5,
    "tie_forecast": 6,
    "evaluate": 2,
    "live": 7,
    "briefing": 7,
    "__init__": 8,
    "charts": 8,
    "web": 9,
    "cli": 10,
}


def layer_of(module: str) -> int:
    if module == "remontada":
        return LAYERS["__init__"]
    top = module.split(".")[1] if module.startswith("remontada.") else module
    return LAYERS[top]


def test_imports_point_one_way():
    problems = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).with_suffix("")
        here = "remontada." + ".".join(rel.parts)
        own = layer_of(here if rel.parts[0] != "__init__" else "__init__")
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("remontada"):
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("remontada")]
            for target in targets:
                if layer_of(target) > own:
                    problems.append(f"{here} (layer {own}) imports {target} (layer {layer_of(target)})")
    assert problems == []


def test_every_module_has_a_layer():
    tops = {p.relative_to(SRC).parts[0].removesuffix(".py") for p in SRC.rglob("*.py")}
    assert tops <= set(LAYERS)
