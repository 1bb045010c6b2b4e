"""Fixtures for CLI tests: a private copy of the tutorial, a DAGSTER_HOME, and a subprocess runner."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TUTORIAL_SOURCE = os.path.join(REPO_ROOT, "examples", "tutorial")


@pytest.fixture
def tutorial_dir(tmp_path, monkeypatch):
    """A fresh copy of examples/tutorial as the working directory (runs write files there)."""
    target = tmp_path / "tutorial"
    shutil.copytree(TUTORIAL_SOURCE, target, ignore=shutil.ignore_patterns("__pycache__", "output", "*.db"))
    monkeypatch.chdir(target)
    return str(target)


@pytest.fixture
def dagster_home(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return str(home)


@pytest.fixture(autouse=True)
def restore_sys_path():
    """Loading user code puts its directory first on sys.path (as Python does for a script). Undo it
    after each test: a test directory holding e.g. a string.py must not shadow the standard library
    for later tests, or for the worker processes they spawn (which inherit sys.path)."""
    saved = list(sys.path)
    yield
    sys.path[:] = saved
