"""The package installs, imports fast and exposes every public name it promises."""

import importlib
import importlib.metadata
import subprocess
import sys

import pytest

import dagster

LIBRARIES = [
    "dagster_postgres",
    "dagster_cron",
    "dagster_graphql",
    "dagit",
    "dagster_dask",
    "dagster_celery",
    "dagster_aws",
    "dagster_k8s",
]


def test_version():
    assert dagster.__version__ == "0.7.16"


@pytest.mark.parametrize("name", LIBRARIES)
def test_library_packages_import(name):
    assert importlib.import_module(name).__name__ == name


def _console_scripts() -> dict[str, str]:
    entry_points = importlib.metadata.distribution("dagster").entry_points
    return {entry.name: entry.value for entry in entry_points if entry.group == "console_scripts"}


@pytest.mark.parametrize("script", sorted(_console_scripts()))
def test_every_console_script_points_at_a_function(script):
    module_name, function_name = _console_scripts()[script].split(":")
    assert callable(getattr(importlib.import_module(module_name), function_name))


def test_unknown_attribute_names_the_attribute():
    with pytest.raises(AttributeError, match="no attribute 'not_a_thing'"):
        dagster.not_a_thing  # noqa: B018


def test_import_dagster_does_not_import_heavy_libraries():
    code = (
        "import sys, dagster; print(sorted(m for m in ('sqlalchemy', 'alembic', 'yaml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
