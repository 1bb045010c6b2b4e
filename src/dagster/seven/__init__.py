"""Compatibility names that 0.7 user code imports (it supported Python 2; we need none of that)."""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from tempfile import TemporaryDirectory
from types import ModuleType
from unittest import mock

__all__ = ["TemporaryDirectory", "import_module_from_path", "mock", "tempfile", "json", "abc"]

import json  # noqa: E402
from collections import abc  # noqa: E402


def import_module_from_path(module_name: str, path_to_file: str) -> ModuleType:
    """Import ``path_to_file`` as a module called ``module_name`` and register it in ``sys.modules``."""
    spec = importlib.util.spec_from_file_location(module_name, path_to_file)
    if spec is None or spec.loader is None:
        raise ImportError(f"Cannot import {path_to_file}: it is not a Python file.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
