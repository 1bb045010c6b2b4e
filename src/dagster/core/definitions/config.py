"""Config mapping: a composite solid's own config schema, turned into its children's config."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from dagster import check
from dagster.core.definitions.utils import config_field_from_spec


class ConfigMapping(NamedTuple("_ConfigMapping", [("config_fn", Callable), ("config_field", Any)])):
    """``config_fn(config)`` receives the validated composite config and returns the children's ``solids:`` dict."""

    def __new__(cls, config_fn: Callable, config: Any = None):
        return super().__new__(
            cls,
            check.callable_param(config_fn, "config_fn"),
            config_field_from_spec(config, "a config mapping"),
        )
