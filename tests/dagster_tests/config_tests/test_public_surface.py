"""The config names are importable from the paths Dagster 0.7 code uses."""

from __future__ import annotations

import importlib

import pytest

import dagster

PATHS = {
    "dagster.config": ["Enum", "config_type", "Field", "Shape", "Selector", "Permissive", "process_config"],
    "dagster.config.config_type": [
        "ALL_CONFIG_BUILTINS",
        "ConfigTypeKind",
        "ConfigType",
        "Array",
        "Noneable",
        "Enum",
        "EnumValue",
        "ScalarUnion",
    ],
    "dagster.config.errors": ["DagsterEvaluationErrorReason", "EvaluationError"],
    "dagster.config.field": ["Field", "resolve_to_config_type"],
    "dagster.config.field_utils": ["Shape", "Permissive", "Selector", "convert_potential_field"],
    "dagster.config.validate": ["process_config", "validate_config"],
    "dagster.config.source": ["StringSource", "IntSource", "BoolSource"],
    "dagster.config.snap": ["ConfigTypeSnap", "ConfigFieldSnap", "snap_from_config_type"],
    "dagster.config.print_type": ["print_config_type_to_string"],
}


@pytest.mark.parametrize("module_name", sorted(PATHS))
def test_names_importable(module_name):
    module = importlib.import_module(module_name)
    for name in PATHS[module_name]:
        assert hasattr(module, name), f"{module_name}.{name}"


def test_top_level_names_are_the_config_objects():
    from dagster.config import config_type as ct
    from dagster.config import field, field_utils, source

    assert dagster.Field is field.Field
    assert dagster.Shape is field_utils.Shape
    assert dagster.Permissive is field_utils.Permissive
    assert dagster.Selector is field_utils.Selector
    assert dagster.Array is ct.Array
    assert dagster.Noneable is ct.Noneable
    assert dagster.Enum is ct.Enum
    assert dagster.EnumValue is ct.EnumValue
    assert dagster.ScalarUnion is ct.ScalarUnion
    assert dagster.StringSource is source.StringSource
    assert dagster.IntSource is source.IntSource
    assert dagster.BoolSource is source.BoolSource
