# Two commands matter: `make demo` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME_DEMO := $(CURDIR)/.dagster_home

.PHONY: install bytecode demo test bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all]'
	@touch $(STAMP)

# Compile our sources once: where PYTHONDONTWRITEBYTECODE is set (CI does), every process that
# imports dagster (pool workers, CLI runs, subprocess launches) would otherwise compile it again.
bytecode: install
	@$(BIN)/python -m compileall -q src examples >/dev/null

demo: bytecode
	@bash scripts/demo.sh

test: bytecode
	$(BIN)/python -m pytest -n 2 --dist loadgroup tests

bench: bytecode
	$(BIN)/python -m benchmarks $(AREA)

lint: install
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples

clean:
	rm -rf $(VENV) .dagster_home .pytest_cache .bench-tmp
