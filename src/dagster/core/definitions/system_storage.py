"""System storage: where a run keeps intermediate values and files (``in_memory``, ``filesystem``, ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from dagster import check
from dagster.core.definitions.utils import check_init_fn, config_field_from_spec
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError


class SystemStorageDefinition(
    NamedTuple(
        "_SystemStorageDefinition",
        [
            ("name", str),
            ("is_persistent", bool),
            ("config_field", Any),
            ("system_storage_creation_fn", "Callable | None"),
            ("required_resource_keys", frozenset),
        ],
    )
):
    """``system_storage_creation_fn(init_context)`` returns a ``SystemStorageData``.

    ``is_persistent`` says whether values outlive the process (required by multiprocess and
    re-execution).
    """

    def __new__(
        cls,
        name: str,
        is_persistent: bool,
        required_resource_keys: Any,
        config: Any = None,
        system_storage_creation_fn: Callable | None = None,
    ):
        check.str_param(name, "name")
        owner = f'system storage "{name}"'
        if system_storage_creation_fn is not None:
            check_init_fn(system_storage_creation_fn, "creation function", owner)
        return super().__new__(
            cls,
            name,
            check.bool_param(is_persistent, "is_persistent"),
            config_field_from_spec(config, owner),
            system_storage_creation_fn,
            _keys(required_resource_keys, owner),
        )


def _keys(keys: Any, owner: str) -> frozenset[str]:
    if keys is None:
        return frozenset()
    if isinstance(keys, str) or not isinstance(keys, (set, frozenset, list, tuple)):
        raise DagsterInvalidDefinitionError(
            f"required_resource_keys of {owner} must be a set of resource keys (strings), got {keys!r}."
        )
    return frozenset(check.is_list(list(keys), str, "required_resource_keys"))


def system_storage(
    required_resource_keys: Any = None,
    name: str | None = None,
    is_persistent: bool = True,
    config: Any = None,
) -> Any:
    """Decorator: build a ``SystemStorageDefinition`` from ``fn(init_context) -> SystemStorageData``.

    Usable bare (``@system_storage``, which Dagster 0.7 did not support) or called with
    ``required_resource_keys`` first.
    """
    if callable(required_resource_keys) and not isinstance(
        required_resource_keys, (set, frozenset, list, tuple)
    ):
        fn = required_resource_keys
        return SystemStorageDefinition(
            name=name or fn.__name__,
            is_persistent=is_persistent,
            required_resource_keys=frozenset(),
            config=config,
            system_storage_creation_fn=fn,
        )

    def decorate(fn: Callable) -> SystemStorageDefinition:
        return SystemStorageDefinition(
            name=name or fn.__name__,
            is_persistent=is_persistent,
            required_resource_keys=required_resource_keys,
            config=config,
            system_storage_creation_fn=fn,
        )

    return decorate


_INTERMEDIATES_MANAGER_METHODS = ("get_intermediate", "set_intermediate", "has_intermediate")
_FILE_MANAGER_METHODS = ("read", "read_data", "write", "write_data")


class SystemStorageData:
    """What a system storage's creation function returns: the intermediates manager and file manager.

    ``intermediates_manager`` is an ``IntermediatesManager`` and ``file_manager`` a ``FileManager``
    (both in ``dagster.core.storage``); their methods are checked here, where the mistake is made.
    """

    def __init__(self, intermediates_manager: Any, file_manager: Any):
        _check_methods(
            intermediates_manager,
            "intermediates_manager",
            "an IntermediatesManager",
            _INTERMEDIATES_MANAGER_METHODS,
        )
        _check_methods(file_manager, "file_manager", "a FileManager", _FILE_MANAGER_METHODS)
        self.intermediates_manager = intermediates_manager
        self.file_manager = file_manager


def _check_methods(value: Any, param: str, expected: str, methods: tuple[str, ...]) -> None:
    missing = [method for method in methods if not callable(getattr(value, method, None))]
    if missing:
        raise DagsterInvalidDefinitionError(
            f"SystemStorageData({param}=...) must be {expected} (dagster.core.storage), got {value!r}, "
            f"which has no {', '.join(missing)} method. The built-in ones are "
            "InMemoryIntermediatesManager / IntermediateStoreIntermediatesManager and LocalFileManager."
        )


def check_system_storage_data(value: Any, storage_name: str) -> SystemStorageData:
    """``value`` if it is a SystemStorageData, else an error naming the storage whose creation function
    returned it."""
    if not isinstance(value, SystemStorageData):
        raise DagsterInvariantViolationError(
            f'The creation function of system storage "{storage_name}" returned {value!r} (a '
            f"{type(value).__name__}); it must return SystemStorageData(intermediates_manager, file_manager)."
        )
    return value
