"""Modes: named sets of resources, loggers, system storages and executors a pipeline can run with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from dagster import check
from dagster.core.definitions.executor import ExecutorDefinition
from dagster.core.definitions.logger import LoggerDefinition
from dagster.core.definitions.resource import ResourceDefinition
from dagster.core.definitions.system_storage import SystemStorageDefinition
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError

DEFAULT_MODE_NAME = "default"


class ModeDefinition(
    NamedTuple(
        "_ModeDefinition",
        [
            ("name", str),
            ("resource_defs", dict),
            ("loggers", dict),
            ("system_storage_defs", list),
            ("executor_defs", list),
            ("description", "str | None"),
        ],
    )
):
    """A mode. Loggers default to the colored console logger, storages to in-memory and filesystem,
    executors to in-process and multiprocess (an empty list also means the defaults)."""

    def __new__(
        cls,
        name: str | None = None,
        resource_defs: Mapping[str, ResourceDefinition] | None = None,
        logger_defs: Mapping[str, LoggerDefinition] | None = None,
        system_storage_defs: Sequence[SystemStorageDefinition] | None = None,
        executor_defs: Sequence[ExecutorDefinition] | None = None,
        description: str | None = None,
    ):
        name = check.opt_str_param(name, "name", DEFAULT_MODE_NAME)
        owner = f'mode "{name}"'
        resource_defs = _typed_dict(resource_defs, ResourceDefinition, "resource_defs", owner)
        if logger_defs:
            loggers = _typed_dict(logger_defs, LoggerDefinition, "logger_defs", owner)
        else:
            from dagster.loggers import default_loggers

            loggers = default_loggers()
        if system_storage_defs:
            storages = _typed_list(system_storage_defs, SystemStorageDefinition, "system_storage_defs", owner)
        else:
            from dagster.core.storage.system_storage import default_system_storage_defs

            storages = list(default_system_storage_defs)
        if executor_defs:
            executors = _typed_list(executor_defs, ExecutorDefinition, "executor_defs", owner)
        else:
            from dagster.core.definitions.executor import default_executors

            executors = list(default_executors)
        return super().__new__(
            cls,
            name,
            resource_defs,
            loggers,
            storages,
            executors,
            check.opt_str_param(description, "description"),
        )

    @property
    def resource_key_set(self) -> frozenset[str]:
        return frozenset(self.resource_defs.keys())

    def get_system_storage_def(self, name: str) -> SystemStorageDefinition:
        for storage_def in self.system_storage_defs:
            if storage_def.name == name:
                return storage_def
        raise DagsterInvariantViolationError(
            f'Mode "{self.name}" has no system storage named "{name}". Available: '
            f"{', '.join(s.name for s in self.system_storage_defs)}."
        )

    def get_executor_def(self, name: str) -> ExecutorDefinition:
        for executor_def in self.executor_defs:
            if executor_def.name == name:
                return executor_def
        raise DagsterInvariantViolationError(
            f'Mode "{self.name}" has no executor named "{name}". Available: '
            f"{', '.join(e.name for e in self.executor_defs)}."
        )

    @staticmethod
    def from_resources(resources: Mapping[str, Any], name: str | None = None) -> ModeDefinition:
        """A mode whose resources are the given values, as they are."""
        check.dict_param(resources, "resources", key_type=str)
        return ModeDefinition(
            name=name,
            resource_defs={
                key: ResourceDefinition.hardcoded_resource(value) for key, value in resources.items()
            },
        )

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


def _typed_dict(value: Any, cls: type, arg: str, owner: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise DagsterInvalidDefinitionError(
            f"{arg} of {owner} must be a dict {{key: {cls.__name__}}}, got {value!r}."
        )
    for key, item in value.items():
        if not isinstance(key, str):
            raise DagsterInvalidDefinitionError(f"Keys of {arg} of {owner} must be strings, got {key!r}.")
        if not isinstance(item, cls):
            hint = f" Decorate the function with @{cls.__name__[:-10].lower()}." if callable(item) else ""
            raise DagsterInvalidDefinitionError(
                f'{arg}["{key}"] of {owner} must be a {cls.__name__}, got {item!r}.{hint}'
            )
    return dict(value)


def _typed_list(value: Any, cls: type, arg: str, owner: str) -> list:
    if not isinstance(value, (list, tuple)):
        raise DagsterInvalidDefinitionError(
            f"{arg} of {owner} must be a list of {cls.__name__}, got {value!r}."
        )
    names: set[str] = set()
    for item in value:
        if not isinstance(item, cls):
            raise DagsterInvalidDefinitionError(
                f"{arg} of {owner} must hold {cls.__name__} objects, got {item!r}."
            )
        if item.name in names:
            raise DagsterInvalidDefinitionError(
                f'{arg} of {owner} has two entries named "{item.name}". Names must be unique within a mode.'
            )
        names.add(item.name)
    return list(value)
