#!/usr/bin/env bash
# make demo: the tutorial pipeline, run through the CLI on a persistent SQLite instance.
set -euo pipefail
cd "$(dirname "$0")/.."
export DAGSTER_HOME="${DAGSTER_HOME_DEMO:-$PWD/.dagster_home}"
mkdir -p "$DAGSTER_HOME"
.venv/bin/python -c "import dagster; print('dagster', dagster.__version__, 'installed; DAGSTER_HOME =', '$DAGSTER_HOME')"
