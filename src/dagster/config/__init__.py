"""The config system: schemas (config types and fields), validation and processing of config values.

Submodules: ``config_type`` (types and kinds), ``field`` (``Field``, schema resolution),
``field_utils`` (``Shape``, ``Permissive``, ``Selector``), ``source`` (env sources), ``validate``
(``process_config``), ``errors`` (error records), ``snap`` (snapshots), ``print_type`` (printer).
"""

from dagster.config import config_type
from dagster.config.config_type import (
    ALL_CONFIG_BUILTINS,
    Array,
    ConfigType,
    ConfigTypeKind,
    Enum,
    EnumValue,
    Noneable,
    ScalarUnion,
)
from dagster.config.errors import DagsterEvaluationErrorReason, EvaluationError
from dagster.config.field import Field, convert_potential_field, resolve_to_config_type
from dagster.config.field_utils import Permissive, Selector, Shape
from dagster.config.source import BoolSource, IntSource, StringSource
from dagster.config.validate import EvaluateValueResult, process_config, validate_config

__all__ = [
    "ALL_CONFIG_BUILTINS",
    "Array",
    "BoolSource",
    "ConfigType",
    "ConfigTypeKind",
    "DagsterEvaluationErrorReason",
    "Enum",
    "EnumValue",
    "EvaluateValueResult",
    "EvaluationError",
    "Field",
    "IntSource",
    "Noneable",
    "Permissive",
    "ScalarUnion",
    "Selector",
    "Shape",
    "StringSource",
    "config_type",
    "convert_potential_field",
    "process_config",
    "resolve_to_config_type",
    "validate_config",
]
