# One command per chore; .ci/run calls the same targets.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared/data

.PHONY: demo test lint bench accuracy market-accuracy tie-accuracy inplay-accuracy tournament-accuracy bundle clean

# The library and its command line (what `make demo` needs) ...
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $@

# ... and the development tools on top (tests, linters, the peers benchmarks compare against).
$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/remontada demo --db $(VENV)/demo.duckdb

test: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 -q

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/run.py --shared $(SHARED)

accuracy: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/accuracy.py

# The default model against the bookmakers' closing and opening prices, every overround method.
market-accuracy: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/market.py

# The default tie model (elo+dixon-coles) in full, then each of its two halves alone for comparison.
tie-accuracy: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/tie_accuracy.py
	$(BIN)/python benchmarks/tie_accuracy.py --model elo
	$(BIN)/python benchmarks/tie_accuracy.py --model dixon-coles

# The in-play model against a time-scaled Poisson baseline, from the score at a minute.
inplay-accuracy: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/inplay_accuracy.py

# Past World Cups, EUROs, AFCONs, Asian, Copa América and Gold Cups, walk-forward, against equal strength and Opta; writes docs/tournament-accuracy.md.
tournament-accuracy: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/tournament_accuracy.py --data $(SHARED)/international

# Rebuild the bundled copy of ../shared/data that the package ships.
bundle: $(VENV)/.installed
	$(BIN)/python scripts/build_bundle.py --shared $(SHARED)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
