"""Reading and validating ``dagster.yaml``.

Every top-level key is optional and unknown keys are errors. Plug-in sections have the form
``{module: ..., class: ..., config: {...}}``; their ``config`` is validated against the class's own
``config_type()`` here, when the file is read, so that every mistake is reported with the file and
the key it is under, before any storage is opened.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
from typing import Any

from dagster.core.errors import DagsterInvalidConfigError, DagsterInvariantViolationError
from dagster.serdes import ConfigurableClass, ConfigurableClassData
from dagster.utils import deep_merge_dicts

DAGSTER_CONFIG_YAML_FILENAME = "dagster.yaml"

PLUGIN_SECTIONS = (
    "local_artifact_storage",
    "run_storage",
    "event_log_storage",
    "compute_logs",
    "schedule_storage",
    "scheduler",
    "run_launcher",
)
TOP_LEVEL_KEYS = PLUGIN_SECTIONS + ("dagit", "telemetry")

_SECTION_FORM = "`<section>: {module: <python module>, class: <ClassName>, config: {...}}`"


@functools.lru_cache(maxsize=1)
def dagster_instance_config_schema() -> Any:
    """The config type of a whole ``dagster.yaml``."""
    from dagster.config.field import Field, resolve_to_config_type
    from dagster.config.field_utils import Permissive, Shape

    def plugin() -> Field:
        return Field(
            Shape({"module": str, "class": str, "config": Field(Permissive(), is_required=False)}),
            is_required=False,
        )

    schema = {section: plugin() for section in PLUGIN_SECTIONS}
    schema["dagit"] = Field(
        Shape(
            {
                "execution_manager": Field(
                    Shape(
                        {
                            "disabled": Field(bool, is_required=False),
                            "max_concurrent_runs": Field(int, is_required=False),
                        }
                    ),
                    is_required=False,
                )
            }
        ),
        is_required=False,
    )
    schema["telemetry"] = Field(
        Shape({"enabled": Field(bool, default_value=True, is_required=False)}), is_required=False
    )
    return resolve_to_config_type(Shape(schema))


def _dotted_key(prefix: tuple, error: Any) -> str:
    """The dotted key an error is about, e.g. ``run_storage.config.base_dir``."""
    parts = list(prefix)
    for entry in error.stack.entries:
        field_name = getattr(entry, "field_name", None)
        if field_name is not None:
            parts.append(field_name)
        else:
            parts.append(f"[{entry.list_index}]")
    named = getattr(error.error_data, "field_name", None)
    if isinstance(named, str):
        parts.append(named)
    return ".".join(parts).replace(".[", "[") if parts else "(top level)"


_PATH_PHRASE = re.compile(r" at (the root|path root\S*?)(?=[.,;:]? |[.,;:]?$)")
_LONG_EXPECTED = re.compile(r' Expected: "[^"]{120,}"\.')


def _located_message(config_path: str, prefix: tuple, error: Any) -> str:
    """The config system's message, with the file and the dotted key in front (instead of a
    path relative to the section) and without a long listing of the whole schema."""
    message = _LONG_EXPECTED.sub("", _PATH_PHRASE.sub("", error.message))
    return f'{config_path}: key "{_dotted_key(prefix, error)}": {message}'


def _raise_config_errors(config_path: str, prefix: tuple, errors: list, config_value: Any, fix: str) -> None:
    located = [error._replace(message=_located_message(config_path, prefix, error)) for error in errors]
    raise DagsterInvalidConfigError(
        f"Invalid instance configuration in {config_path}. {fix}", located, config_value
    )


def read_dagster_yaml(config_path: str) -> dict:
    """The parsed contents of ``config_path`` ({} if the file does not exist or is empty)."""
    import yaml

    if not os.path.exists(config_path):
        return {}
    try:
        with open(config_path, encoding="utf8") as config_file:
            value = yaml.safe_load(config_file)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{config_path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else config_path
        raise DagsterInvariantViolationError(
            f"{where}: invalid YAML ({exc.problem}). Fix the syntax of the instance configuration file."
        ) from None
    except (OSError, yaml.YAMLError) as exc:
        raise DagsterInvariantViolationError(
            f"Cannot read the instance configuration {config_path}: {exc}"
        ) from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DagsterInvariantViolationError(
            f"{config_path}: the instance configuration must be a mapping of sections "
            f"({', '.join(TOP_LEVEL_KEYS)}), but it is a {type(value).__name__}."
        )
    return value


def validate_instance_config(config_path: str, config_value: dict) -> dict:
    """Validate a whole ``dagster.yaml`` value (top level and each plug-in's config); return it processed."""
    from dagster.config.validate import process_config

    result = process_config(dagster_instance_config_schema(), config_value)
    if not result.success:
        _raise_config_errors(
            config_path,
            (),
            result.errors,
            config_value,
            f"The valid top-level keys are {', '.join(TOP_LEVEL_KEYS)}; each plug-in section has the "
            f"form {_SECTION_FORM}.",
        )
    processed = dict(result.value)
    for section in PLUGIN_SECTIONS:
        if processed.get(section) is not None:
            section_value = dict(processed[section])
            section_value["config"] = validate_plugin_config(config_path, section, section_value)
            processed[section] = section_value
    return processed


def load_configurable_class(config_path: str, section: str, module_name: str, class_name: str) -> type:
    """Import ``module_name.class_name`` for ``section``; errors name the file, the key and the fix."""
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise DagsterInvariantViolationError(
            f'{config_path}: key "{section}.module": cannot import module "{module_name}" ({exc}). '
            "Fix the module name, or install the package that provides it."
        ) from None
    klass = getattr(module, class_name, None)
    if klass is None:
        candidates = sorted(
            name
            for name, value in vars(module).items()
            if isinstance(value, type)
            and issubclass(value, ConfigurableClass)
            and value is not ConfigurableClass
        )
        hint = f" Classes there that can be configured: {', '.join(candidates)}." if candidates else ""
        raise DagsterInvariantViolationError(
            f'{config_path}: key "{section}.class": module "{module_name}" has no class "{class_name}". '
            f"Fix the class name.{hint}"
        )
    if not (isinstance(klass, type) and issubclass(klass, ConfigurableClass)):
        raise DagsterInvariantViolationError(
            f'{config_path}: key "{section}.class": {module_name}.{class_name} is not a ConfigurableClass, '
            "so it cannot be built from dagster.yaml. Name a class that subclasses "
            "dagster.serdes.ConfigurableClass."
        )
    return klass


def validate_plugin_config(config_path: str, section: str, section_value: dict) -> dict:
    """Check the ``config`` of one plug-in section against its class's ``config_type()``."""
    from dagster.config.field import resolve_to_config_type
    from dagster.config.validate import process_config

    klass = load_configurable_class(config_path, section, section_value["module"], section_value["class"])
    config = section_value.get("config") or {}
    result = process_config(resolve_to_config_type(klass.config_type()), config)
    if not result.success:
        _raise_config_errors(
            config_path,
            (section, "config"),
            result.errors,
            config,
            f'Fix the `config:` of "{section}" to match what {klass.__name__} accepts.',
        )
    return config


def configurable_class_data(section_value: dict) -> ConfigurableClassData:
    """The ``ConfigurableClassData`` of a validated plug-in section (config kept as written: ``{env:}``
    sources are resolved again in the process that builds the object)."""
    import yaml

    return ConfigurableClassData(
        section_value["module"],
        section_value["class"],
        yaml.safe_dump(section_value.get("config") or {}, default_flow_style=False),
    )


def load_instance_config(base_dir: str, config_filename: str, overrides: dict | None) -> dict:
    """The validated value of ``<base_dir>/<config_filename>`` with ``overrides`` merged in."""
    config_path = os.path.join(os.path.abspath(base_dir), config_filename)
    config_value = read_dagster_yaml(config_path)
    if overrides:
        config_value = deep_merge_dicts(config_value, overrides)
    return validate_instance_config(config_path, config_value)
