"""Intermediates managers: how the step executor stores and loads step outputs.

``get_intermediate`` / ``set_intermediate`` return the value / None for in-memory storage (no event),
and an :class:`~dagster.core.storage.object_store.ObjectStoreOperation` for persistent storage (the
executor logs it as an ``OBJECT_STORE_OPERATION`` event). A missing value raises
``DagsterStepOutputNotFoundError`` naming the step and output.
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from typing import Any

from dagster import check
from dagster.core.errors import (
    DagsterError,
    DagsterStepOutputNotFoundError,
    DagsterUserCodeExecutionError,
)
from dagster.core.events.data import ObjectStoreOperationType, StepOutputHandle
from dagster.core.storage.intermediate_store import IntermediateStore
from dagster.core.storage.object_store import ObjectStoreOperation

__all__ = [
    "DagsterIntermediateStorageError",
    "InMemoryIntermediatesManager",
    "IntermediateStoreIntermediatesManager",
    "IntermediatesManager",
    "ObjectStoreOperation",
]


class DagsterIntermediateStorageError(DagsterUserCodeExecutionError):
    """Writing or reading a step output in a persistent system storage raised (a value its
    serialization strategy cannot write, a corrupt stored value, a failing storage plugin, a full
    disk). The message names the step, the output and where it is stored; the original is the cause."""


# Errors with their own message: Dagster's, and misuse of the framework (check errors).
_PASS_THROUGH = (DagsterError, check.CheckError)


def _storage_error(
    verb: str, step_output_handle: StepOutputHandle, dagster_type: Any, where: str, hint: str
) -> DagsterIntermediateStorageError:
    exc = sys.exc_info()[1]
    strategy = getattr(dagster_type.serialization_strategy, "name", "pickle")
    return DagsterIntermediateStorageError(
        f'Could not {verb} output "{step_output_handle.output_name}" of step '
        f'"{step_output_handle.step_key}" (type "{dagster_type.display_name}", serialization strategy '
        f'"{strategy}") at {where}: {type(exc).__name__}: {exc}. {hint}',
        user_exception=exc,
        original_exc_info=sys.exc_info(),
    )


def _write_error(
    step_output_handle: StepOutputHandle, dagster_type: Any, where: str
) -> DagsterIntermediateStorageError:
    if isinstance(sys.exc_info()[1], OSError):
        hint = "Check that the storage directory can be created and written to, and has free space."
    else:
        hint = (
            "Return a value the strategy can write (pickle cannot write locks, open files, sockets, "
            "generators or lambdas), give the output a DagsterType whose serialization_strategy can, "
            "or run with in_memory storage."
        )
    return _storage_error("store", step_output_handle, dagster_type, where, hint)


def _read_error(
    step_output_handle: StepOutputHandle, dagster_type: Any, where: str
) -> DagsterIntermediateStorageError:
    return _storage_error(
        "read",
        step_output_handle,
        dagster_type,
        where,
        "The stored value is damaged or was written by another serialization strategy or code "
        f'version; execute step "{step_output_handle.step_key}" again to store it anew.',
    )


def _not_found(step_output_handle: StepOutputHandle, where: str) -> DagsterStepOutputNotFoundError:
    return DagsterStepOutputNotFoundError(
        f'No value was stored for output "{step_output_handle.output_name}" of step '
        f'"{step_output_handle.step_key}" ({where}). The step did not run in this run, did not yield '
        "this output, or its stored value was removed. To reuse the outputs of an earlier run, "
        "re-execute with previous_run_id and a persistent (filesystem) system storage.",
        step_key=step_output_handle.step_key,
        output_name=step_output_handle.output_name,
    )


class IntermediatesManager(ABC):
    """Stores the outputs of a run's steps so that downstream steps (and results) can read them."""

    @abstractmethod
    def get_intermediate(
        self, context: Any, dagster_type: Any = None, step_output_handle: StepOutputHandle | None = None
    ) -> Any:
        """The stored value (in memory) or the ObjectStoreOperation that read it (persistent)."""

    @abstractmethod
    def set_intermediate(
        self,
        context: Any,
        dagster_type: Any = None,
        step_output_handle: StepOutputHandle | None = None,
        value: Any = None,
    ) -> ObjectStoreOperation | None:
        """Store ``value``; a persistent manager returns the ObjectStoreOperation that wrote it."""

    @abstractmethod
    def has_intermediate(self, context: Any, step_output_handle: StepOutputHandle) -> bool:
        """Whether a value is stored for the output."""

    @abstractmethod
    def copy_intermediate_from_run(
        self, context: Any, run_id: str, step_output_handle: StepOutputHandle
    ) -> ObjectStoreOperation:
        """Copy the output's stored value from run ``run_id`` into this run (re-execution)."""

    @property
    @abstractmethod
    def is_persistent(self) -> bool:
        """Whether values outlive the process (and can be reused by a later run)."""

    def copy_intermediate_from_prev_run(
        self, context: Any, previous_run_id: str, step_output_handle: StepOutputHandle
    ) -> ObjectStoreOperation:
        """Same as :meth:`copy_intermediate_from_run` (the name Dagster 0.7 used)."""
        return self.copy_intermediate_from_run(context, previous_run_id, step_output_handle)

    def uncovered_inputs(self, context: Any, step: Any) -> list[str]:
        """Names of ``step``'s inputs fed by upstream outputs of which some value is not stored."""
        return [
            step_input.name
            for step_input in step.step_inputs
            if any(not self.has_intermediate(context, handle) for handle in step_input.source_handles)
        ]

    def all_inputs_covered(self, context: Any, step: Any) -> bool:
        return not self.uncovered_inputs(context, step)


class InMemoryIntermediatesManager(IntermediatesManager):
    """Values in a dict keyed by ``StepOutputHandle``; no events, nothing outlives the process."""

    def __init__(self):
        self.values: dict[StepOutputHandle, Any] = {}

    def get_intermediate(
        self, context: Any, dagster_type: Any = None, step_output_handle: StepOutputHandle | None = None
    ) -> Any:
        try:
            return self.values[step_output_handle]
        except KeyError:
            raise _not_found(step_output_handle, "in-memory storage") from None

    def set_intermediate(
        self,
        context: Any,
        dagster_type: Any = None,
        step_output_handle: StepOutputHandle | None = None,
        value: Any = None,
    ) -> None:
        self.values[step_output_handle] = value

    def has_intermediate(self, context: Any, step_output_handle: StepOutputHandle) -> bool:
        return step_output_handle in self.values

    def copy_intermediate_from_run(
        self, context: Any, run_id: str, step_output_handle: StepOutputHandle
    ) -> ObjectStoreOperation:
        raise check.CheckError(
            f'Cannot reuse output "{step_output_handle.output_name}" of step "{step_output_handle.step_key}" '
            f"from run {run_id}: in-memory storage keeps nothing between runs. Use the filesystem "
            "system storage (storage: {filesystem: {}}) for runs you want to re-execute."
        )

    @property
    def is_persistent(self) -> bool:
        return False


class IntermediateStoreIntermediatesManager(IntermediatesManager):
    """Values in an :class:`IntermediateStore`, at ``IntermediateStore.paths_for_intermediate``.

    When the run has no type storage plugins (the usual case) values go straight to the object
    store, under keys computed once per output: a step's output is stored, checked and loaded.
    """

    def __init__(self, intermediate_store: IntermediateStore):
        self.intermediate_store = check.inst_param(
            intermediate_store, "intermediate_store", IntermediateStore
        )
        self._keys: dict[StepOutputHandle, str] = {}

    def _key(self, step_output_handle: StepOutputHandle) -> str:
        key = self._keys.get(step_output_handle)
        if key is None:
            key = self.intermediate_store.key_for_paths(_paths(step_output_handle))
            self._keys[step_output_handle] = key
        return key

    def get_intermediate(
        self, context: Any, dagster_type: Any = None, step_output_handle: StepOutputHandle | None = None
    ) -> ObjectStoreOperation:
        store = self.intermediate_store
        dagster_type = _type_or_any(dagster_type)
        if len(store.type_storage_plugin_registry):
            return self._get_through_plugins(context, dagster_type, step_output_handle)
        key = self._key(step_output_handle)
        try:
            return store.object_store.get_object(key, dagster_type.serialization_strategy)
        except _PASS_THROUGH:
            raise
        except Exception as exc:
            # Reading is the existence check: look only when it failed.
            if store.object_store.has_object(key):
                where = store.object_store.uri_for_key(key)
                raise _read_error(step_output_handle, dagster_type, where) from exc
            raise _not_found(step_output_handle, store.object_store.uri_for_key(key)) from None

    def _get_through_plugins(
        self, context: Any, dagster_type: Any, step_output_handle: StepOutputHandle
    ) -> ObjectStoreOperation:
        store = self.intermediate_store
        paths = _paths(step_output_handle)
        # A plugin may not fail on a missing value: look first.
        if store.has_plugin(dagster_type) and not store.has_object(context, paths):
            raise _not_found(step_output_handle, store.uri_for_paths(paths))
        try:
            result = store.get_value(context, dagster_type, paths)
        except _PASS_THROUGH:
            raise
        except Exception as exc:
            if store.has_object(context, paths):
                raise _read_error(step_output_handle, dagster_type, store.uri_for_paths(paths)) from exc
            raise _not_found(step_output_handle, store.uri_for_paths(paths)) from None
        if isinstance(result, ObjectStoreOperation):
            return result
        # A type storage plugin returned the value itself.
        return ObjectStoreOperation(
            ObjectStoreOperationType.GET_OBJECT,
            store.key_for_paths(paths),
            obj=result,
            object_store_name=store.object_store.name,
        )

    def set_intermediate(
        self,
        context: Any,
        dagster_type: Any = None,
        step_output_handle: StepOutputHandle | None = None,
        value: Any = None,
    ) -> ObjectStoreOperation:
        store = self.intermediate_store
        dagster_type = _type_or_any(dagster_type)
        if not len(store.type_storage_plugin_registry):
            key = self._key(step_output_handle)
            try:
                return store.object_store.set_object(key, value, dagster_type.serialization_strategy)
            except _PASS_THROUGH:
                raise
            except Exception as exc:
                where = store.object_store.uri_for_key(key)
                raise _write_error(step_output_handle, dagster_type, where) from exc
        paths = _paths(step_output_handle)
        try:
            result = store.set_value(value, context, dagster_type, paths)
        except _PASS_THROUGH:
            raise
        except Exception as exc:
            raise _write_error(step_output_handle, dagster_type, store.uri_for_paths(paths)) from exc
        if isinstance(result, ObjectStoreOperation):
            return result
        # A type storage plugin stored the value itself.
        return ObjectStoreOperation(
            ObjectStoreOperationType.SET_OBJECT,
            store.key_for_paths(paths),
            obj=value,
            object_store_name=store.object_store.name,
        )

    def has_intermediate(self, context: Any, step_output_handle: StepOutputHandle) -> bool:
        return self.intermediate_store.object_store.has_object(self._key(step_output_handle))

    def copy_intermediate_from_run(
        self, context: Any, run_id: str, step_output_handle: StepOutputHandle
    ) -> ObjectStoreOperation:
        paths = _paths(step_output_handle)
        if not self.intermediate_store.has_object_in_run(context, run_id, paths):
            raise _not_found(step_output_handle, f"run {run_id}, which is being re-executed")
        return self.intermediate_store.copy_object_from_run(context, run_id, paths)

    @property
    def is_persistent(self) -> bool:
        return self.intermediate_store.is_persistent


def _paths(step_output_handle: StepOutputHandle) -> list[str]:
    return IntermediateStore.paths_for_intermediate(
        step_output_handle.step_key, step_output_handle.output_name
    )


def _type_or_any(dagster_type: Any) -> Any:
    if dagster_type is not None:
        return dagster_type
    from dagster.core.types.dagster_type import resolve_dagster_type

    return resolve_dagster_type(None)
