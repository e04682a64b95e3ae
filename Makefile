# geoconflict: two commands do all the set-up on a fresh Debian machine with Python 3.11+.
#   make demo   - create .venv, install geoconflict, run the main job on the embedded scenario
#   make test   - install test deps (and Debian chromium/gdal-bin when root), lint, type-check,
#                 build the docs strictly, pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: demo test lint typecheck docs gallery pytest bench install dev system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

# install and dev also build the gazetteer index the package ships (~10 s from the
# installed sources, only when missing or out of date): it is built, not kept in git.
install: $(VENV)/.installed
	$(BIN)/python scripts/build_prebuilt_index.py --if-stale

dev: $(VENV)/.dev-installed
	$(BIN)/python scripts/build_prebuilt_index.py --if-stale

demo: install
	$(BIN)/geoconflict demo -o $(OUT)

system-deps:
	sh scripts/install-system-deps.sh

lint: dev
	$(BIN)/ruff check geoconflict tests bench scripts

typecheck: dev
	$(BIN)/mypy

pytest: dev system-deps
	$(BIN)/python -m pytest

# The documentation site (docs/conf.py): every warning is an error, so a broken link,
# anchor or docstring fails the build. Open site/index.html.
docs: dev
	$(BIN)/python scripts/build_bench_page.py
	$(BIN)/sphinx-build -W --keep-going -q -E -b html docs site

test: dev system-deps lint typecheck docs pytest

# Runs the benchmarks and refreshes the committed snapshot (bench/snapshot.json) that the
# docs' benchmarks page is rendered from; bench/results.json keeps every local run.
bench: dev
	$(BIN)/python bench/run.py --snapshot $(if $(BENCH),--only $(BENCH))

# Redraws the pictures of the docs' gallery (needs Chromium and Playwright).
gallery: dev
	$(BIN)/python scripts/build_gallery.py

clean:
	rm -rf $(VENV) $(OUT) build dist site .mypy_cache .ruff_cache .pytest_cache bench/results.json
