# Two commands matter: `make demo` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME_DEMO := $(CURDIR)/.dagster_home

.PHONY: install crontab graphviz bytecode demo test bench lint clean

install: $(STAMP) crontab graphviz

# Commands some features (and their tests) need from the system: on a machine without them,
# install the Debian package when we are root with apt-get, else say how.
# $(call system_command,COMMAND,PACKAGE,WHAT NEEDS IT)
define system_command
@command -v $(1) >/dev/null || { \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
    echo "Installing $(2) (for the $(1) command) with apt-get"; \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(2) >/dev/null; \
  else echo "Note: no $(1) command; install $(2) (e.g. sudo apt-get install $(2)) to use $(3)."; fi; }
endef

crontab:
	$(call system_command,crontab,cron,dagster_cron)

graphviz:
	$(call system_command,dot,graphviz,dagster pipeline graphviz)

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
