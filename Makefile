# One command per chore; .ci/run calls the same targets.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared/data

.PHONY: demo test lint bench accuracy bundle clean

$(BIN)/remontada: pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

demo: $(BIN)/remontada
	$(BIN)/remontada demo --db $(VENV)/demo.duckdb

test: $(BIN)/remontada
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -q

lint: $(BIN)/remontada
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy

bench: $(BIN)/remontada
	$(BIN)/python benchmarks/run.py --shared $(SHARED)

accuracy: $(BIN)/remontada
	$(BIN)/python benchmarks/accuracy.py

# Rebuild the bundled copy of ../shared/data that the package ships.
bundle: $(BIN)/remontada
	$(BIN)/python scripts/build_bundle.py --shared $(SHARED)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
