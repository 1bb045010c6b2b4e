"""Structured events emitted while a pipeline runs.

A :class:`DagsterEvent` says what happened (its :class:`DagsterEventType`), where (pipeline, step,
solid handle) and carries one event-specific data record. Every record here is stored in the event
log, so class names and field names are exactly the ones Dagster 0.7 wrote: a 0.7 history reads back
unchanged (see ``tests/dagster_tests/events_tests/test_fixture_rows.py``).

The ``DagsterEvent.step_*`` / ``pipeline_*`` / ``engine_event`` constructors build an event *and*
log it through the context's :class:`~dagster.core.log_manager.DagsterLogManager`, which hands one
``DagsterEventRecord`` to the instance and to every enabled python logger. They read these context
attributes (duck-typed, provided by the execution contexts):

- step context: ``pipeline_def.name``, ``step`` (``key``, ``solid_handle``, ``kind``),
  ``logging_tags`` (dict), ``log`` (a ``DagsterLogManager``);
- pipeline context: ``pipeline_def.name``, ``log``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from dagster import check
from dagster.core.definitions.dependency import SolidHandle
from dagster.core.definitions.events import (
    EventMetadataEntry,
    ExpectationResult,
    Materialization,
)
from dagster.serdes import stored_fields_getter, whitelist_for_serdes
from dagster.utils.error import SerializableErrorInfo

from .data import (
    EngineEventData,
    ObjectStoreOperationResultData,
    ObjectStoreOperationType,
    PipelineInitFailureData,
    StepExpectationResultData,
    StepFailureData,
    StepInputData,
    StepMaterializationData,
    StepOutputData,
    StepOutputHandle,
    StepRetryData,
    StepSuccessData,
    TypeCheckData,
    UserFailureData,
)
from .event_types import (
    FAILURE_EVENTS,
    LEGACY_ENGINE_EVENT_TYPE_VALUES,
    PIPELINE_EVENTS,
    STEP_EVENTS,
    DagsterEventType,
    StepKind,
)
from .legacy import _LegacyPipelineProcessData  # noqa: F401  (registers the legacy record readers)

__all__ = [
    "DagsterEvent",
    "DagsterEventType",
    "EngineEventData",
    "FAILURE_EVENTS",
    "ObjectStoreOperationResultData",
    "ObjectStoreOperationType",
    "PIPELINE_EVENTS",
    "PipelineInitFailureData",
    "STEP_EVENTS",
    "StepExpectationResultData",
    "StepFailureData",
    "StepInputData",
    "StepKind",
    "StepMaterializationData",
    "StepOutputData",
    "StepOutputHandle",
    "StepRetryData",
    "StepSuccessData",
    "TypeCheckData",
    "UserFailureData",
    "get_step_output_event",
]


_EVENT_TYPE_BY_VALUE: dict[str, DagsterEventType] = {member.value: member for member in DagsterEventType}
_STEP_EVENT_VALUES = frozenset(member.value for member in STEP_EVENTS)
_FAILURE_EVENT_VALUES = frozenset(member.value for member in FAILURE_EVENTS)
_PIPELINE_EVENT_VALUES = frozenset(member.value for member in PIPELINE_EVENTS)

# Which data record each typed accessor expects, by event type value.
_DATA_CLASS_BY_TYPE_VALUE = {
    "STEP_INPUT": StepInputData,
    "STEP_OUTPUT": StepOutputData,
    "STEP_SUCCESS": StepSuccessData,
    "STEP_FAILURE": StepFailureData,
    "STEP_UP_FOR_RETRY": StepRetryData,
    "STEP_MATERIALIZATION": StepMaterializationData,
    "STEP_EXPECTATION_RESULT": StepExpectationResultData,
    "PIPELINE_INIT_FAILURE": PipelineInitFailureData,
    "ENGINE_EVENT": EngineEventData,
    "OBJECT_STORE_OPERATION": ObjectStoreOperationResultData,
}


def _event_type_value(event_type: DagsterEventType | str) -> str:
    if isinstance(event_type, DagsterEventType):
        return event_type.value
    if event_type in _EVENT_TYPE_BY_VALUE:
        return event_type
    raise check.CheckError(
        f"Unknown event type {event_type!r}: expected a DagsterEventType or one of "
        f"{', '.join(sorted(_EVENT_TYPE_BY_VALUE))}."
    )


@whitelist_for_serdes
class DagsterEvent(
    NamedTuple(
        "_DagsterEvent",
        [
            ("event_type_value", str),
            ("pipeline_name", str),
            ("step_key", Any),
            ("solid_handle", Any),
            ("step_kind_value", Any),
            ("logging_tags", dict),
            ("event_specific_data", Any),
            ("message", Any),
        ],
    )
):
    """One thing that happened during a run (see the module docstring for the constructors)."""

    def __new__(
        cls,
        event_type_value: str,
        pipeline_name: str,
        step_key: str | None = None,
        solid_handle: SolidHandle | None = None,
        step_kind_value: str | None = None,
        logging_tags: dict | None = None,
        event_specific_data: Any = None,
        message: str | None = None,
    ):
        if event_type_value not in _EVENT_TYPE_BY_VALUE:
            event_type_value = _event_type_value(event_type_value)
        if type(pipeline_name) is not str:
            check.str_param(pipeline_name, "pipeline_name")
        if solid_handle is not None and not isinstance(solid_handle, SolidHandle):
            check.inst_param(solid_handle, "solid_handle", SolidHandle)
        return tuple.__new__(
            cls,
            (
                event_type_value,
                pipeline_name,
                step_key,
                solid_handle,
                step_kind_value,
                {} if logging_tags is None else logging_tags,
                event_specific_data,
                message,
            ),
        )

    @classmethod
    def __from_storage__(cls, stored: dict) -> DagsterEvent:
        """Read a stored event; the legacy PIPELINE_PROCESS_* types become ENGINE_EVENT. An event
        of a known type was checked when it was built, so it is rebuilt without the checks."""
        if stored.get("event_type_value") in _EVENT_TYPE_BY_VALUE and len(stored) == _FIELD_COUNT:
            try:
                return tuple.__new__(cls, _stored_fields(stored))
            except KeyError:
                pass
        if stored.get("event_type_value") in LEGACY_ENGINE_EVENT_TYPE_VALUES:
            stored["event_type_value"] = DagsterEventType.ENGINE_EVENT.value
            if not isinstance(stored.get("event_specific_data"), EngineEventData):
                stored["event_specific_data"] = EngineEventData()
        return cls(**stored)

    # -- what kind of event this is -------------------------------------------------------------

    @property
    def event_type(self) -> DagsterEventType:
        return _EVENT_TYPE_BY_VALUE[self.event_type_value]

    @property
    def solid_name(self) -> str | None:
        return self.solid_handle.name if self.solid_handle is not None else None

    @property
    def step_kind(self) -> StepKind | None:
        return StepKind(self.step_kind_value) if self.step_kind_value is not None else None

    @property
    def is_step_event(self) -> bool:
        return self.event_type_value in _STEP_EVENT_VALUES

    @property
    def is_step_start(self) -> bool:
        return self.event_type_value == "STEP_START"

    @property
    def is_step_success(self) -> bool:
        return self.event_type_value == "STEP_SUCCESS"

    @property
    def is_successful_output(self) -> bool:
        return self.event_type_value == "STEP_OUTPUT"

    @property
    def is_step_failure(self) -> bool:
        return self.event_type_value == "STEP_FAILURE"

    @property
    def is_step_skipped(self) -> bool:
        return self.event_type_value == "STEP_SKIPPED"

    @property
    def is_step_up_for_retry(self) -> bool:
        return self.event_type_value == "STEP_UP_FOR_RETRY"

    @property
    def is_step_restarted(self) -> bool:
        return self.event_type_value == "STEP_RESTARTED"

    @property
    def is_step_materialization(self) -> bool:
        return self.event_type_value == "STEP_MATERIALIZATION"

    @property
    def is_pipeline_init_failure(self) -> bool:
        return self.event_type_value == "PIPELINE_INIT_FAILURE"

    @property
    def is_pipeline_success(self) -> bool:
        return self.event_type_value == "PIPELINE_SUCCESS"

    @property
    def is_pipeline_failure(self) -> bool:
        return self.event_type_value == "PIPELINE_FAILURE"

    @property
    def is_failure(self) -> bool:
        return self.event_type_value in _FAILURE_EVENT_VALUES

    @property
    def is_pipeline_event(self) -> bool:
        return self.event_type_value in _PIPELINE_EVENT_VALUES

    @property
    def is_engine_event(self) -> bool:
        return self.event_type_value == "ENGINE_EVENT"

    @property
    def asset_key(self) -> str | None:
        if self.event_type_value != "STEP_MATERIALIZATION":
            return None
        return self.event_specific_data.materialization.asset_key

    # -- typed accessors ------------------------------------------------------------------------

    def _data(self, event_type_value: str) -> Any:
        if self.event_type_value != event_type_value:
            check.failed(
                f"Cannot read {_DATA_CLASS_BY_TYPE_VALUE[event_type_value].__name__} from a "
                f"{self.event_type_value} event: it is only set on {event_type_value} events."
            )
        return self.event_specific_data

    @property
    def step_input_data(self) -> StepInputData:
        return self._data("STEP_INPUT")

    @property
    def step_output_data(self) -> StepOutputData:
        return self._data("STEP_OUTPUT")

    @property
    def step_success_data(self) -> StepSuccessData:
        return self._data("STEP_SUCCESS")

    @property
    def step_failure_data(self) -> StepFailureData:
        return self._data("STEP_FAILURE")

    @property
    def step_retry_data(self) -> StepRetryData:
        return self._data("STEP_UP_FOR_RETRY")

    @property
    def step_materialization_data(self) -> StepMaterializationData:
        return self._data("STEP_MATERIALIZATION")

    @property
    def step_expectation_result_data(self) -> StepExpectationResultData:
        return self._data("STEP_EXPECTATION_RESULT")

    @property
    def pipeline_init_failure_data(self) -> PipelineInitFailureData:
        return self._data("PIPELINE_INIT_FAILURE")

    @property
    def engine_event_data(self) -> EngineEventData:
        return self._data("ENGINE_EVENT")

    @property
    def object_store_operation_data(self) -> ObjectStoreOperationResultData:
        return self._data("OBJECT_STORE_OPERATION")

    # -- constructors that also log the event ---------------------------------------------------

    @staticmethod
    def from_step(
        event_type: DagsterEventType,
        step_context: Any,
        event_specific_data: Any = None,
        message: str | None = None,
    ) -> DagsterEvent:
        """Build a step-scoped event from a step execution context and log it."""
        step = step_context.step
        event = DagsterEvent(
            event_type.value,
            step_context.pipeline_def.name,
            step.key,
            step.solid_handle,
            step.kind.value,
            step_context.logging_tags,
            event_specific_data,
            message if message is not None else f"{event_type.value} for step {step.key}",
        )
        step_context.log.log_dagster_event(event)
        return event

    @staticmethod
    def from_pipeline(
        event_type: DagsterEventType,
        pipeline_context: Any,
        message: str | None = None,
        event_specific_data: Any = None,
        step_key: str | None = None,
    ) -> DagsterEvent:
        """Build a run-scoped event (optionally naming a step) from a pipeline context and log it."""
        pipeline_name = pipeline_context.pipeline_def.name
        event = DagsterEvent(
            event_type.value,
            pipeline_name,
            step_key,
            None,
            None,
            None,
            event_specific_data,
            message if message is not None else f"{event_type.value} for pipeline {pipeline_name}",
        )
        pipeline_context.log.log_dagster_event(event)
        return event

    @staticmethod
    def step_start_event(step_context: Any) -> DagsterEvent:
        return DagsterEvent.from_step(
            DagsterEventType.STEP_START,
            step_context,
            message=f'Started execution of step "{step_context.step.key}".',
        )

    @staticmethod
    def step_restarted_event(step_context: Any, previous_attempts: int) -> DagsterEvent:
        return DagsterEvent.from_step(
            DagsterEventType.STEP_RESTARTED,
            step_context,
            message=(
                f'Started re-execution (attempt # {previous_attempts + 1}) of step "{step_context.step.key}".'
            ),
        )

    @staticmethod
    def step_input_event(
        step_context: Any, step_input_data: StepInputData, type_display_name: str
    ) -> DagsterEvent:
        return DagsterEvent.from_step(
            DagsterEventType.STEP_INPUT,
            step_context,
            event_specific_data=step_input_data,
            message=(
                f'Got input "{step_input_data.input_name}" of type "{type_display_name}".'
                + _type_check_suffix(step_input_data.type_check_data)
            ),
        )

    @staticmethod
    def step_output_event(
        step_context: Any, step_output_data: StepOutputData, type_display_name: str
    ) -> DagsterEvent:
        return DagsterEvent.from_step(
            DagsterEventType.STEP_OUTPUT,
            step_context,
            event_specific_data=step_output_data,
            message=(
                f'Yielded output "{step_output_data.output_name}" of type "{type_display_name}".'
                + _type_check_suffix(step_output_data.type_check_data)
            ),
        )

    @staticmethod
    def step_success_event(step_context: Any, success: StepSuccessData) -> DagsterEvent:
        return DagsterEvent.from_step(
            DagsterEventType.STEP_SUCCESS,
            step_context,
            event_specific_data=success,
            message=(
                f'Finished execution of step "{step_context.step.key}" in '
                f"{format_duration(success.duration_ms)}."
            ),
        )

    @staticmethod
    def step_failure_event(step_context: Any, step_failure_data: StepFailureData) -> DagsterEvent:
        return DagsterEvent.from_step(
            DagsterEventType.STEP_FAILURE,
            step_context,
            event_specific_data=step_failure_data,
            message=f'Execution of step "{step_context.step.key}" failed.',
        )

    @staticmethod
    def step_retry_event(step_context: Any, step_retry_data: StepRetryData) -> DagsterEvent:
        wait = step_retry_data.seconds_to_wait
        return DagsterEvent.from_step(
            DagsterEventType.STEP_UP_FOR_RETRY,
            step_context,
            event_specific_data=step_retry_data,
            message=(
                f'Execution of step "{step_context.step.key}" failed and has requested a retry'
                + (f" in {wait} seconds." if wait else ".")
            ),
        )

    @staticmethod
    def step_skipped_event(step_context: Any) -> DagsterEvent:
        return DagsterEvent.from_step(
            DagsterEventType.STEP_SKIPPED,
            step_context,
            message=f'Skipped execution of step "{step_context.step.key}".',
        )

    @staticmethod
    def step_materialization(step_context: Any, materialization: Materialization) -> DagsterEvent:
        return DagsterEvent.from_step(
            DagsterEventType.STEP_MATERIALIZATION,
            step_context,
            event_specific_data=StepMaterializationData(materialization),
            message=(
                materialization.description
                if materialization.description
                else f"Materialized value {materialization.label}."
            ),
        )

    @staticmethod
    def step_expectation_result(step_context: Any, expectation_result: ExpectationResult) -> DagsterEvent:
        if expectation_result.description:
            message = expectation_result.description
        else:
            outcome = "passed" if expectation_result.success else "failed"
            message = f"Expectation {expectation_result.label} {outcome}"
        return DagsterEvent.from_step(
            DagsterEventType.STEP_EXPECTATION_RESULT,
            step_context,
            event_specific_data=StepExpectationResultData(expectation_result),
            message=message,
        )

    @staticmethod
    def object_store_operation(step_context: Any, object_store_operation_result: Any) -> DagsterEvent:
        """Log an ``ObjectStoreOperation`` (from the intermediate store) as an event."""
        result = object_store_operation_result
        op = result.op
        store = f"{result.object_store_name} object store" if result.object_store_name else "object store"
        strategy = (
            f" using {result.serialization_strategy_name}" if result.serialization_strategy_name else ""
        )
        if op == ObjectStoreOperationType.SET_OBJECT:
            message = f"Stored intermediate object for output {result.value_name} in {store}{strategy}."
        elif op == ObjectStoreOperationType.GET_OBJECT:
            message = f"Retrieved intermediate object for input {result.value_name} in {store}{strategy}."
        elif op == ObjectStoreOperationType.CP_OBJECT:
            message = (
                f"Copied intermediate object for input {result.value_name} "
                f"from {result.key} to {result.dest_key}"
            )
        else:
            message = f"Removed intermediate object {result.key} from {store}."
        entries = [EventMetadataEntry.path(result.key, label="key")]
        return DagsterEvent.from_step(
            DagsterEventType.OBJECT_STORE_OPERATION,
            step_context,
            event_specific_data=ObjectStoreOperationResultData(
                op=op.value, value_name=result.value_name, metadata_entries=entries
            ),
            message=message,
        )

    @staticmethod
    def pipeline_start(pipeline_context: Any) -> DagsterEvent:
        return DagsterEvent.from_pipeline(
            DagsterEventType.PIPELINE_START,
            pipeline_context,
            message=f'Started execution of pipeline "{pipeline_context.pipeline_def.name}".',
        )

    @staticmethod
    def pipeline_success(pipeline_context: Any) -> DagsterEvent:
        return DagsterEvent.from_pipeline(
            DagsterEventType.PIPELINE_SUCCESS,
            pipeline_context,
            message=f'Finished execution of pipeline "{pipeline_context.pipeline_def.name}".',
        )

    @staticmethod
    def pipeline_failure(pipeline_context: Any) -> DagsterEvent:
        return DagsterEvent.from_pipeline(
            DagsterEventType.PIPELINE_FAILURE,
            pipeline_context,
            message=f'Execution of pipeline "{pipeline_context.pipeline_def.name}" failed.',
        )

    @staticmethod
    def engine_event(
        pipeline_context: Any,
        message: str,
        event_specific_data: EngineEventData | None = None,
        step_key: str | None = None,
    ) -> DagsterEvent:
        return DagsterEvent.from_pipeline(
            DagsterEventType.ENGINE_EVENT,
            pipeline_context,
            message,
            event_specific_data=event_specific_data if event_specific_data is not None else EngineEventData(),
            step_key=step_key,
        )

    @staticmethod
    def pipeline_init_failure(
        pipeline_name: str, failure_data: PipelineInitFailureData, log_manager: Any
    ) -> DagsterEvent:
        """Log that building the run context failed (nothing else is emitted for that run)."""
        event = DagsterEvent(
            DagsterEventType.PIPELINE_INIT_FAILURE.value,
            pipeline_name,
            event_specific_data=failure_data,
            message=(
                f'Pipeline failure during initialization of pipeline "{pipeline_name}". '
                "This may be due to a failure in initializing a resource or logger."
            ),
        )
        log_manager.log_dagster_event(event)
        return event

    @staticmethod
    def resource_init_start(pipeline_name: str, log_manager: Any, resource_keys: Any) -> DagsterEvent:
        keys = _format_keys(resource_keys)
        return DagsterEvent._resource_event(
            pipeline_name,
            log_manager,
            f"Starting initialization of resources [{keys}].",
            EngineEventData(metadata_entries=[], marker_start="resources"),
        )

    @staticmethod
    def resource_init_success(
        pipeline_name: str, log_manager: Any, resource_instances: dict, resource_init_times: dict
    ) -> DagsterEvent:
        entries = [
            EventMetadataEntry.python_artifact(
                type(instance), key, f"Initialized in {resource_init_times[key]}"
            )
            for key, instance in resource_instances.items()
        ]
        return DagsterEvent._resource_event(
            pipeline_name,
            log_manager,
            f"Finished initialization of resources [{_format_keys(resource_instances)}].",
            EngineEventData(metadata_entries=entries, marker_end="resources"),
        )

    @staticmethod
    def resource_init_failure(
        pipeline_name: str, log_manager: Any, resource_keys: Any, error: SerializableErrorInfo
    ) -> DagsterEvent:
        return DagsterEvent._resource_event(
            pipeline_name,
            log_manager,
            f"Initialization of resources [{_format_keys(resource_keys)}] failed.",
            EngineEventData(metadata_entries=[], error=error, marker_end="resources"),
            level=40,
        )

    @staticmethod
    def _resource_event(
        pipeline_name: str,
        log_manager: Any,
        message: str,
        data: EngineEventData,
        level: int = 10,
    ) -> DagsterEvent:
        event = DagsterEvent(
            DagsterEventType.ENGINE_EVENT.value,
            pipeline_name,
            logging_tags=log_manager.logging_tags,
            event_specific_data=data,
            message=message,
        )
        log_manager.log_dagster_event(event, level=level)
        return event


_FIELD_COUNT = len(DagsterEvent._fields)
_stored_fields = stored_fields_getter(DagsterEvent)


def _format_keys(keys: Any) -> str:
    return ",".join(sorted(keys))


def _type_check_suffix(type_check_data: TypeCheckData | None) -> str:
    if type_check_data is None:
        return " (No type check)."
    if type_check_data.success:
        return " (Type check passed)."
    return " Warning! Type check failed."


def format_duration(milliseconds: float) -> str:
    """``12ms``, ``1.46s``, ``2m 3s`` ... as event messages show durations."""
    if milliseconds < 1000:
        return f"{int(milliseconds)}ms"
    seconds = milliseconds / 1000
    if seconds < 60:
        return f"{seconds:.2f}s"
    minutes, seconds = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {seconds}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes}m"


def get_step_output_event(
    events: list[DagsterEvent], step_key: str, output_name: str = "result"
) -> DagsterEvent | None:
    """The STEP_OUTPUT event of ``step_key``'s output ``output_name`` among ``events``, or None."""
    check.str_param(step_key, "step_key")
    check.str_param(output_name, "output_name")
    for event in events:
        if (
            event.event_type_value == "STEP_OUTPUT"
            and event.step_key == step_key
            and event.event_specific_data.output_name == output_name
        ):
            return event
    return None
