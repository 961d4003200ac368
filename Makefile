# Forderwerk: `make demo` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export FORDERWERK_HOME ?= $(CURDIR)/data
BENCH_INVOICES ?= 200000
HOST ?= 127.0.0.1
PORT ?= 8501
DAGSTER_PORT ?= 3000

.PHONY: setup manifest demo test month lint format bench clean-data

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# The dbt manifest the Dagster definitions load; prepared here, never committed.
manifest: $(STAMP)
	cd dbt_project && FORDERWERK_WAREHOUSE=$(FORDERWERK_HOME)/warehouse.duckdb \
		../$(BIN)/dbt parse --quiet --profiles-dir .

setup: $(STAMP) manifest

demo: setup
	$(BIN)/forderwerk ingest seeds/sample/landing/erp/* seeds/sample/landing/bureau/* \
		seeds/sample/landing/ops/* seeds/sample/landing/bank/*
	$(BIN)/forderwerk run --as-of $$($(BIN)/python -c "import json;print(json.load(open('seeds/sample/manifest.json'))['end'])")
	@echo "Demo users (for this demo only; passwords are the user name + -demo):"
	$(BIN)/forderwerk users demo
	FORDERWERK_DEMO_USERS=1 $(BIN)/forderwerk serve --host $(HOST) --port $(PORT) --dagster-port $(DAGSTER_PORT)

test: setup
	$(BIN)/pytest -q -m "not long"

# Thirty consecutive days of `forderwerk run` on the sample (make test runs the last 5),
# each replayed by `forderwerk rebuild`, and the replay of a generated company
month: setup
	FORDERWERK_SIM_DAYS=30 $(BIN)/pytest -q -s tests/test_thirty_days.py tests/test_replay_generated.py

bench: setup
	$(BIN)/forderwerk bench --invoices $(BENCH_INVOICES)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/dg check defs

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-data:
	rm -rf "$(FORDERWERK_HOME)"
