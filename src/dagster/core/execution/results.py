"""What ``execute_pipeline`` and ``execute_solid`` return: the run's events, grouped per solid,
and the solids' output values read back from the run's system storage.

``reconstruct_context`` is a zero-argument callable returning a context manager that yields the
run's pipeline execution context (its ``intermediates_manager`` still holds the outputs).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dagster import check
from dagster.core.definitions.dependency import SolidHandle
from dagster.core.errors import DagsterInvariantViolationError
from dagster.core.events import DagsterEvent, DagsterEventType, StepKind
from dagster.core.storage.object_store import ObjectStoreOperation

DEFAULT_OUTPUT = "result"


def _as_handle(handle: SolidHandle | str) -> SolidHandle:
    if isinstance(handle, str):
        return SolidHandle.from_string(handle)
    return check.inst_param(handle, "handle", SolidHandle)


class GraphExecutionResult:
    """Shared by pipeline and composite results: look up the results of the solids inside."""

    def __init__(
        self,
        container: Any,
        event_list: list[DagsterEvent],
        reconstruct_context: Callable,
        handle: SolidHandle | None = None,
    ):
        self.container = container
        self.event_list = check.list_param(event_list, "event_list", of_type=DagsterEvent)
        self.reconstruct_context = check.callable_param(reconstruct_context, "reconstruct_context")
        self.handle = check.opt_inst_param(handle, "handle", SolidHandle)
        self._events_by_step_key: dict[str, list[DagsterEvent]] | None = None
        self._events_by_handle: dict[SolidHandle, list[DagsterEvent]] | None = None

    @property
    def success(self) -> bool:
        """True when no event is a failure (step, pipeline or init failure)."""
        return not any(event.is_failure for event in self.event_list)

    @property
    def step_event_list(self) -> list[DagsterEvent]:
        return [event for event in self.event_list if event.is_step_event]

    @property
    def events_by_step_key(self) -> dict[str, list[DagsterEvent]]:
        if self._events_by_step_key is None:
            grouped: dict[str, list[DagsterEvent]] = {}
            for event in self.step_event_list:
                grouped.setdefault(event.step_key, []).append(event)
            self._events_by_step_key = grouped
        return self._events_by_step_key

    @property
    def solid_result_list(self) -> list[Any]:
        return [self.result_for_solid(solid.name) for solid in self.container.solids]

    def _describe(self) -> str:
        if self.handle is None:
            return f'pipeline "{self.container.name}"'
        return f'composite solid "{self.handle.to_string()}"'

    def result_for_solid(self, name: str) -> Any:
        """The result of the solid called ``name`` directly inside this pipeline or composite."""
        check.str_param(name, "name")
        if not self.container.has_solid_named(name):
            available = ", ".join(f'"{solid.name}"' for solid in self.container.solids)
            raise DagsterInvariantViolationError(
                f'Tried to get the result of solid "{name}" in {self._describe()}, which has no such '
                f"top-level solid. Its solids are: {available}. For a solid inside a composite, "
                'use result_for_handle("composite.solid").'
            )
        return self._result_for_handle(self.container.solid_named(name), SolidHandle(name, None))

    def result_for_handle(self, handle: SolidHandle | str) -> Any:
        """The result of the solid at ``handle`` (a SolidHandle or a dotted string like ``"outer.inner"``)."""
        handle = _as_handle(handle)
        try:
            solid = self.container.get_solid(handle)
        except DagsterInvariantViolationError as error:
            raise DagsterInvariantViolationError(
                f'Cannot get the result for handle "{handle.to_string()}" in {self._describe()}: {error}'
            ) from error
        return self._result_for_handle(solid, handle)

    def _step_events_under(self, handle: SolidHandle) -> list[DagsterEvent]:
        """The step events of the solid at ``handle`` and of every solid inside it, in order."""
        if self._events_by_handle is None:
            index: dict[SolidHandle, list[DagsterEvent]] = {}
            for event in self.event_list:
                if event.is_step_event and event.solid_handle is not None:
                    ancestor: SolidHandle | None = event.solid_handle
                    while ancestor is not None:
                        index.setdefault(ancestor, []).append(event)
                        ancestor = ancestor.parent
            self._events_by_handle = index
        return list(self._events_by_handle.get(handle, ()))

    def _result_for_handle(self, solid: Any, handle: SolidHandle) -> Any:
        full_handle = handle.with_ancestor(self.handle)
        events = self._step_events_under(full_handle)
        step_events_by_kind = {StepKind.COMPUTE: events}
        if solid.is_composite:
            return CompositeSolidExecutionResult(
                solid, events, step_events_by_kind, self.reconstruct_context, handle=full_handle
            )
        return SolidExecutionResult(solid, step_events_by_kind, self.reconstruct_context)


class PipelineExecutionResult(GraphExecutionResult):
    """The result of a pipeline run: every event, and per-solid results."""

    def __init__(
        self,
        pipeline_def: Any,
        run_id: str,
        event_list: list[DagsterEvent],
        reconstruct_context: Callable,
    ):
        self.run_id = check.str_param(run_id, "run_id")
        super().__init__(pipeline_def, event_list, reconstruct_context)

    @property
    def pipeline_def(self) -> Any:
        return self.container

    def output_for_solid(self, handle_str: str, output_name: str = DEFAULT_OUTPUT) -> Any:
        """The value of output ``output_name`` of the solid at ``handle_str`` (e.g. ``"outer.inner"``)."""
        check.str_param(handle_str, "handle_str")
        check.str_param(output_name, "output_name")
        return self.result_for_handle(SolidHandle.from_string(handle_str)).output_value(output_name)

    def __repr__(self) -> str:
        return f"<PipelineExecutionResult {self.container.name} run_id={self.run_id} success={self.success}>"


class CompositeSolidExecutionResult(GraphExecutionResult):
    """The result of a composite solid: its inner solids' results, and its mapped outputs."""

    def __init__(
        self,
        solid: Any,
        event_list: list[DagsterEvent],
        step_events_by_kind: dict,
        reconstruct_context: Callable,
        handle: SolidHandle | None = None,
    ):
        self.solid = solid
        self.step_events_by_kind = check.dict_param(step_events_by_kind, "step_events_by_kind")
        super().__init__(
            solid.definition,
            event_list,
            reconstruct_context,
            handle if handle is not None else SolidHandle(solid.name, None),
        )

    def _check_output(self, output_name: str) -> None:
        check.str_param(output_name, "output_name")
        if not self.solid.definition.has_output(output_name):
            available = ", ".join(f'"{o.name}"' for o in self.solid.definition.output_defs) or "none"
            raise DagsterInvariantViolationError(
                f'Output "{output_name}" is not defined by composite solid "{self.solid.name}". '
                f"Its outputs are: {available}."
            )

    @property
    def output_values(self) -> dict[str, Any]:
        """Each mapped output's value, for the inner outputs that were produced."""
        values = {}
        for output_def in self.solid.definition.output_defs:
            mapping = self.solid.definition.get_output_mapping(output_def.name)
            inner_values = self.output_values_for_solid(mapping.solid_name)
            if inner_values is not None and mapping.output_name in inner_values:
                values[output_def.name] = inner_values[mapping.output_name]
        return values

    def output_value(self, output_name: str = DEFAULT_OUTPUT) -> Any:
        """The value of ``output_name``, read from the inner solid output it is mapped from."""
        self._check_output(output_name)
        mapping = self.solid.definition.get_output_mapping(output_name)
        return self.output_value_for_solid(mapping.solid_name, mapping.output_name)

    def output_values_for_solid(self, name: str) -> dict[str, Any] | None:
        return self.result_for_solid(name).output_values

    def output_value_for_solid(self, name: str, output_name: str = DEFAULT_OUTPUT) -> Any:
        return self.result_for_solid(name).output_value(output_name)

    def output_values_for_handle(self, handle_str: SolidHandle | str) -> dict[str, Any] | None:
        return self.result_for_handle(handle_str).output_values

    def output_value_for_handle(
        self, handle_str: SolidHandle | str, output_name: str = DEFAULT_OUTPUT
    ) -> Any:
        return self.result_for_handle(handle_str).output_value(output_name)

    def __repr__(self) -> str:
        return f"<CompositeSolidExecutionResult {self.handle.to_string()} success={self.success}>"


class SolidExecutionResult:
    """The events of one (non-composite) solid's step, and its outputs."""

    def __init__(self, solid: Any, step_events_by_kind: dict, reconstruct_context: Callable):
        self.solid = solid
        self.step_events_by_kind = check.dict_param(step_events_by_kind, "step_events_by_kind")
        self.reconstruct_context = check.callable_param(reconstruct_context, "reconstruct_context")

    @property
    def compute_step_events(self) -> list[DagsterEvent]:
        return self.step_events_by_kind.get(StepKind.COMPUTE, [])

    def _events_of_type(self, event_type: DagsterEventType) -> list[DagsterEvent]:
        value = event_type.value
        return [event for event in self.compute_step_events if event.event_type_value == value]

    @property
    def success(self) -> bool:
        """A STEP_SUCCESS was seen and no STEP_FAILURE."""
        any_success = False
        for event in self.compute_step_events:
            if event.event_type_value == "STEP_FAILURE":
                return False
            if event.event_type_value == "STEP_SUCCESS":
                any_success = True
        return any_success

    @property
    def skipped(self) -> bool:
        return all(event.event_type_value == "STEP_SKIPPED" for event in self.compute_step_events)

    @property
    def input_events_during_compute(self) -> list[DagsterEvent]:
        return self._events_of_type(DagsterEventType.STEP_INPUT)

    @property
    def compute_input_event_dict(self) -> dict[str, DagsterEvent]:
        return {event.step_input_data.input_name: event for event in self.input_events_during_compute}

    @property
    def output_events_during_compute(self) -> list[DagsterEvent]:
        return self._events_of_type(DagsterEventType.STEP_OUTPUT)

    @property
    def compute_output_event_dict(self) -> dict[str, DagsterEvent]:
        return {event.step_output_data.output_name: event for event in self.output_events_during_compute}

    def get_output_event_for_compute(self, output_name: str = DEFAULT_OUTPUT) -> DagsterEvent:
        return self.compute_output_event_dict[output_name]

    @property
    def materialization_events_during_compute(self) -> list[DagsterEvent]:
        return self._events_of_type(DagsterEventType.STEP_MATERIALIZATION)

    @property
    def materializations_during_compute(self) -> list[Any]:
        return [
            event.step_materialization_data.materialization
            for event in self.materialization_events_during_compute
        ]

    @property
    def expectation_events_during_compute(self) -> list[DagsterEvent]:
        return self._events_of_type(DagsterEventType.STEP_EXPECTATION_RESULT)

    @property
    def expectation_results_during_compute(self) -> list[Any]:
        return [
            event.step_expectation_result_data.expectation_result
            for event in self.expectation_events_during_compute
        ]

    def get_step_success_event(self) -> DagsterEvent | None:
        for event in self.compute_step_events:
            if event.event_type_value == "STEP_SUCCESS":
                return event
        return None

    @property
    def compute_step_failure_event(self) -> DagsterEvent:
        """The step's STEP_FAILURE event (an invariant error if the step did not fail)."""
        failures = self._events_of_type(DagsterEventType.STEP_FAILURE)
        if not failures:
            raise DagsterInvariantViolationError(
                f'Solid "{self.solid.name}" did not fail, so it has no failure event. Check .success first.'
            )
        return failures[-1]

    @property
    def failure_data(self) -> Any:
        """The ``StepFailureData`` of the step's failure, or None."""
        failures = self._events_of_type(DagsterEventType.STEP_FAILURE)
        return failures[-1].step_failure_data if failures else None

    def _check_output(self, output_name: str) -> None:
        check.str_param(output_name, "output_name")
        if not self.solid.definition.has_output(output_name):
            available = ", ".join(f'"{o.name}"' for o in self.solid.definition.output_defs) or "none"
            raise DagsterInvariantViolationError(
                f'Output "{output_name}" is not defined by solid "{self.solid.name}". '
                f"Its outputs are: {available}."
            )

    def _read_value(self, context: Any, output_event: DagsterEvent) -> Any:
        data = output_event.step_output_data
        dagster_type = self.solid.definition.output_def_named(data.output_name).dagster_type
        value = context.intermediates_manager.get_intermediate(context, dagster_type, data.step_output_handle)
        return value.obj if isinstance(value, ObjectStoreOperation) else value

    @property
    def output_values(self) -> dict[str, Any] | None:
        """Every produced output's value, read back from system storage; None unless the step succeeded."""
        if not self.success:
            return None
        output_events = self.output_events_during_compute
        if not output_events:
            return {}
        with self.reconstruct_context() as context:
            return {
                event.step_output_data.output_name: self._read_value(context, event)
                for event in output_events
            }

    def output_value(self, output_name: str = DEFAULT_OUTPUT) -> Any:
        """The value of ``output_name``, read back from system storage; None unless the step succeeded."""
        self._check_output(output_name)
        if not self.success:
            return None
        event = self.compute_output_event_dict.get(output_name)
        if event is None:
            raise DagsterInvariantViolationError(
                f'Solid "{self.solid.name}" did not yield output "{output_name}" in this run '
                "(an optional output that was not produced has no value)."
            )
        with self.reconstruct_context() as context:
            return self._read_value(context, event)

    def __repr__(self) -> str:
        return f"<SolidExecutionResult {self.solid.name} success={self.success}>"
