# Open Model Observatory. `make demo` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# OBSERVATORY_WAREHOUSE names the warehouse for Python and dbt alike (default and rules: ingestion/settings.py).
# `make dev` needs DAGSTER_HOME set: the default of settings.dagster_home() for the default warehouse.
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home

.PHONY: install demo test dev docs report manifest lock clean help

help:
	@echo "make demo   - install, then run the whole pipeline offline (synthetic Hub stand-in)"
	@echo "make test   - install, then run every test"
	@echo "make dev    - the Dagster UI over the same warehouse (http://127.0.0.1:3000)"
	@echo "make docs   - the dbt docs of the warehouse (data/dbt_docs/static_index.html)"
	@echo "make report - rewrite the HTML report from the marts as they are (data/report/warehouse.html)"
	@echo "make lock   - re-resolve requirements.lock from pyproject.toml"

$(BIN)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

install: $(BIN)/.installed

manifest: install
	$(BIN)/observatory manifest

demo: install
	$(BIN)/observatory demo $(DEMO_ARGS)

# Tests run in parallel (pytest-xdist), one worker more than there are cores: much of a test's time is spent
# waiting for a child process or a server. Each worker is handed one test at a time, longest first
# (tests/conftest.py: LONGEST_FIRST); the warehouses the tests share are built once for all workers
# (tests/conftest.py: build_once). `make test PYTEST_ARGS="-n 0 tests/unit"` runs a part in this process.
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print((os.cpu_count() or 1) + 1)')
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist load --maxschedchunk 1 $(PYTEST_ARGS)

docs: install
	$(BIN)/observatory manifest
	$(BIN)/observatory docs

report: install
	$(BIN)/observatory report

dev: install
	$(BIN)/observatory manifest
	@mkdir -p "$(DAGSTER_HOME)"
	@test -f "$(DAGSTER_HOME)/dagster.yaml" || cp orchestration/dagster.yaml "$(DAGSTER_HOME)/dagster.yaml"
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# Re-resolve every pinned version from the ranges in pyproject.toml, in a throwaway venv.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check '.[test]'
	{ echo "# Exact versions of every package, direct and transitive (Python 3.11, Linux)."; \
	  echo "# Regenerate with: make lock"; \
	  .lock-venv/bin/pip freeze --exclude open-model-observatory; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs .pytest_cache
