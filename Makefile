# Two commands matter: `make demo` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME_DEMO := $(CURDIR)/.dagster_home

.PHONY: install crontab graphviz bytecode demo test bench lint clean

install: $(STAMP) crontab graphviz

# dagster_cron's SystemCronScheduler (and its tests) need the `crontab` command of cron.
crontab:
	@command -v crontab >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing cron (for the crontab command) with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends cron >/dev/null; \
	  else echo "Note: no crontab command; install cron (e.g. sudo apt-get install cron) to use dagster_cron."; fi; }

# `dagster pipeline graphviz` (and its tests) render SVG/PNG/PDF with the `dot` command of Graphviz.
graphviz:
	@command -v dot >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing graphviz (for the dot command) with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends graphviz >/dev/null; \
	  else echo "Note: no dot command; install graphviz (e.g. sudo apt-get install graphviz) to render pipeline graphs."; fi; }

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
