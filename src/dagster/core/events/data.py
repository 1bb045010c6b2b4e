"""The event-specific data records a :class:`~dagster.core.events.DagsterEvent` carries.

Class and field names (and field order) are those Dagster 0.7 stored; do not rename them.
Constructors check types cheaply: these are built several times per step.
"""

from __future__ import annotations

import os
from enum import Enum
from typing import Any, NamedTuple

from dagster import check
from dagster.core.definitions.events import (
    ENTRY_DATA_TYPES,
    EventMetadataEntry,
    ExpectationResult,
    Materialization,
)
from dagster.serdes import trust_stored_records, whitelist_for_serdes
from dagster.utils.error import SerializableErrorInfo


def _entries(metadata_entries: Any, owner: str) -> list:
    if metadata_entries is None:
        return []
    if not isinstance(metadata_entries, list):
        metadata_entries = check.sequence_param(metadata_entries, "metadata_entries")
        metadata_entries = list(metadata_entries)
    for entry in metadata_entries:
        if not isinstance(entry, EventMetadataEntry):
            raise check.CheckError(
                f"metadata_entries of {owner} must contain only EventMetadataEntry objects, got {entry!r}."
            )
    return metadata_entries


@whitelist_for_serdes
class StepOutputHandle(NamedTuple("_StepOutputHandle", [("step_key", str), ("output_name", str)])):
    """Names one output of one step: where its value is stored and how events refer to it."""

    def __new__(cls, step_key: str, output_name: str = "result"):
        if type(step_key) is not str:
            check.str_param(step_key, "step_key")
        if type(output_name) is not str:
            check.str_param(output_name, "output_name")
        return tuple.__new__(cls, (step_key, output_name))

    @staticmethod
    def from_step(step: Any, output_name: str = "result") -> StepOutputHandle:
        return StepOutputHandle(step.key, output_name)


@whitelist_for_serdes
class TypeCheckData(
    NamedTuple(
        "_TypeCheckData",
        [("success", bool), ("label", str), ("description", Any), ("metadata_entries", list)],
    )
):
    """The outcome of type-checking an input or output; ``label`` is the input/output name."""

    def __new__(
        cls,
        success: bool,
        label: str,
        description: str | None = None,
        metadata_entries: list | None = None,
    ):
        if type(success) is not bool:
            check.bool_param(success, "success")
        if type(label) is not str:
            check.str_param(label, "label")
        if description is not None and type(description) is not str:
            check.opt_str_param(description, "description")
        entries = _entries(metadata_entries, f"type check {label!r}") if metadata_entries else []
        return tuple.__new__(cls, (success, label, description, entries))


@whitelist_for_serdes
class StepOutputData(
    NamedTuple(
        "_StepOutputData",
        [
            ("step_output_handle", StepOutputHandle),
            ("intermediate_materialization", Any),
            ("type_check_data", Any),
        ],
    )
):
    """Data of STEP_OUTPUT: which output was yielded, and its type check."""

    def __new__(
        cls,
        step_output_handle: StepOutputHandle,
        intermediate_materialization: Materialization | None = None,
        type_check_data: TypeCheckData | None = None,
    ):
        if not isinstance(step_output_handle, StepOutputHandle):
            check.inst_param(step_output_handle, "step_output_handle", StepOutputHandle)
        if intermediate_materialization is not None:
            check.inst_param(intermediate_materialization, "intermediate_materialization", Materialization)
        if type_check_data is not None and not isinstance(type_check_data, TypeCheckData):
            check.inst_param(type_check_data, "type_check_data", TypeCheckData)
        return tuple.__new__(cls, (step_output_handle, intermediate_materialization, type_check_data))

    @property
    def output_name(self) -> str:
        return self.step_output_handle.output_name

    @property
    def step_key(self) -> str:
        return self.step_output_handle.step_key


@whitelist_for_serdes
class StepInputData(NamedTuple("_StepInputData", [("input_name", str), ("type_check_data", Any)])):
    """Data of STEP_INPUT: which input was loaded, and its type check."""

    def __new__(cls, input_name: str, type_check_data: TypeCheckData | None):
        if type(input_name) is not str:
            check.str_param(input_name, "input_name")
        if type_check_data is not None and not isinstance(type_check_data, TypeCheckData):
            check.inst_param(type_check_data, "type_check_data", TypeCheckData)
        return tuple.__new__(cls, (input_name, type_check_data))


@whitelist_for_serdes
class StepSuccessData(NamedTuple("_StepSuccessData", [("duration_ms", float)])):
    """Data of STEP_SUCCESS: how long the step took, in milliseconds."""

    def __new__(cls, duration_ms: float):
        if type(duration_ms) is not float:
            check.float_param(duration_ms, "duration_ms")
        return tuple.__new__(cls, (duration_ms,))


@whitelist_for_serdes
class UserFailureData(
    NamedTuple("_UserFailureData", [("label", str), ("description", Any), ("metadata_entries", list)])
):
    """What a ``Failure`` raised by user code said about itself."""

    def __new__(cls, label: str, description: str | None = None, metadata_entries: list | None = None):
        return tuple.__new__(
            cls,
            (
                check.str_param(label, "label"),
                check.opt_str_param(description, "description"),
                _entries(metadata_entries, f"failure {label!r}"),
            ),
        )


@whitelist_for_serdes
class StepFailureData(NamedTuple("_StepFailureData", [("error", Any), ("user_failure_data", Any)])):
    """Data of STEP_FAILURE: the error, and the ``Failure`` details when user code raised one."""

    def __new__(cls, error: SerializableErrorInfo | None, user_failure_data: UserFailureData | None):
        return tuple.__new__(
            cls,
            (
                check.opt_inst_param(error, "error", SerializableErrorInfo),
                check.opt_inst_param(user_failure_data, "user_failure_data", UserFailureData),
            ),
        )


@whitelist_for_serdes
class StepRetryData(NamedTuple("_StepRetryData", [("error", Any), ("seconds_to_wait", Any)])):
    """Data of STEP_UP_FOR_RETRY: why the step asked for a retry, and the wait before it."""

    def __new__(cls, error: SerializableErrorInfo | None, seconds_to_wait: float | None = None):
        return tuple.__new__(
            cls,
            (
                check.opt_inst_param(error, "error", SerializableErrorInfo),
                check.opt_numeric_param(seconds_to_wait, "seconds_to_wait"),
            ),
        )


@whitelist_for_serdes
class StepMaterializationData(NamedTuple("_StepMaterializationData", [("materialization", Materialization)])):
    """Data of STEP_MATERIALIZATION."""

    def __new__(cls, materialization: Materialization):
        return tuple.__new__(cls, (check.inst_param(materialization, "materialization", Materialization),))


@whitelist_for_serdes
class StepExpectationResultData(
    NamedTuple("_StepExpectationResultData", [("expectation_result", ExpectationResult)])
):
    """Data of STEP_EXPECTATION_RESULT."""

    def __new__(cls, expectation_result: ExpectationResult):
        return tuple.__new__(
            cls, (check.inst_param(expectation_result, "expectation_result", ExpectationResult),)
        )


@whitelist_for_serdes
class ObjectStoreOperationType(Enum):
    """What an object store did with an intermediate value."""

    SET_OBJECT = "SET_OBJECT"
    GET_OBJECT = "GET_OBJECT"
    RM_OBJECT = "RM_OBJECT"
    CP_OBJECT = "CP_OBJECT"


@whitelist_for_serdes
class ObjectStoreOperationResultData(
    NamedTuple(
        "_ObjectStoreOperationResultData",
        [("op", str), ("value_name", Any), ("metadata_entries", list)],
    )
):
    """Data of OBJECT_STORE_OPERATION. ``op`` is stored as the operation's name (``SET_OBJECT``...)."""

    def __new__(cls, op: str | ObjectStoreOperationType, value_name: str | None, metadata_entries: list):
        if isinstance(op, ObjectStoreOperationType):
            op = op.value
        return tuple.__new__(
            cls,
            (
                check.str_param(op, "op"),
                check.opt_str_param(value_name, "value_name"),
                _entries(metadata_entries, "object store operation"),
            ),
        )


@whitelist_for_serdes
class EngineEventData(
    NamedTuple(
        "_EngineEventData",
        [("metadata_entries", list), ("error", Any), ("marker_start", Any), ("marker_end", Any)],
    )
):
    """Data of ENGINE_EVENT: metadata, an optional error, and optional start/end markers."""

    def __new__(
        cls,
        metadata_entries: list | None = None,
        error: SerializableErrorInfo | None = None,
        marker_start: str | None = None,
        marker_end: str | None = None,
    ):
        return tuple.__new__(
            cls,
            (
                _entries(metadata_entries, "engine event"),
                check.opt_inst_param(error, "error", SerializableErrorInfo),
                check.opt_str_param(marker_start, "marker_start"),
                check.opt_str_param(marker_end, "marker_end"),
            ),
        )

    @staticmethod
    def in_process(
        pid: int, step_keys_to_execute: list[str] | None = None, marker_end: str | None = None
    ) -> EngineEventData:
        return EngineEventData(
            metadata_entries=_process_entries(pid, step_keys_to_execute), marker_end=marker_end
        )

    @staticmethod
    def multiprocess(pid: int, step_keys_to_execute: list[str] | None = None) -> EngineEventData:
        return EngineEventData(metadata_entries=_process_entries(pid, step_keys_to_execute))

    @staticmethod
    def interrupted(steps_interrupted: list[str]) -> EngineEventData:
        return EngineEventData(
            metadata_entries=[EventMetadataEntry.text(str(steps_interrupted), "steps_interrupted")]
        )

    @staticmethod
    def engine_error(error: SerializableErrorInfo) -> EngineEventData:
        return EngineEventData(metadata_entries=[], error=error)


def _process_entries(pid: int | None, step_keys: list[str] | None) -> list:
    entries = [EventMetadataEntry.text(str(pid if pid is not None else os.getpid()), "pid")]
    if step_keys is not None:
        entries.append(EventMetadataEntry.text(str(step_keys), "step_keys"))
    return entries


@whitelist_for_serdes
class PipelineInitFailureData(NamedTuple("_PipelineInitFailureData", [("error", Any)])):
    """Data of PIPELINE_INIT_FAILURE: the error raised while building the run context."""

    def __new__(cls, error: SerializableErrorInfo):
        return tuple.__new__(cls, (check.inst_param(error, "error", SerializableErrorInfo),))


# The records an event carries are rebuilt from storage without their constructors: each was checked
# when the event was built, and their constructors only check types and fill in defaults, which a
# stored record already has. (DagsterEvent reads legacy event types in its own __from_storage__.)
trust_stored_records(
    StepOutputHandle,
    TypeCheckData,
    StepOutputData,
    StepInputData,
    StepSuccessData,
    UserFailureData,
    StepFailureData,
    StepRetryData,
    StepMaterializationData,
    StepExpectationResultData,
    ObjectStoreOperationResultData,
    EngineEventData,
    PipelineInitFailureData,
    EventMetadataEntry,
    *ENTRY_DATA_TYPES,
    Materialization,
    ExpectationResult,
    SerializableErrorInfo,
)
