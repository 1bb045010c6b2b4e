"""``DagsterEventType`` (what an event reports), ``StepKind``, and the event type sets."""

from __future__ import annotations

from enum import Enum

from dagster.serdes import whitelist_for_serdes


@whitelist_for_serdes
class DagsterEventType(Enum):
    """What an event reports. Values equal names, and are what the event log stores."""

    STEP_OUTPUT = "STEP_OUTPUT"
    STEP_INPUT = "STEP_INPUT"
    STEP_FAILURE = "STEP_FAILURE"
    STEP_START = "STEP_START"
    STEP_SUCCESS = "STEP_SUCCESS"
    STEP_SKIPPED = "STEP_SKIPPED"
    STEP_UP_FOR_RETRY = "STEP_UP_FOR_RETRY"
    STEP_RESTARTED = "STEP_RESTARTED"
    STEP_MATERIALIZATION = "STEP_MATERIALIZATION"
    STEP_EXPECTATION_RESULT = "STEP_EXPECTATION_RESULT"
    PIPELINE_INIT_FAILURE = "PIPELINE_INIT_FAILURE"
    PIPELINE_START = "PIPELINE_START"
    PIPELINE_SUCCESS = "PIPELINE_SUCCESS"
    PIPELINE_FAILURE = "PIPELINE_FAILURE"
    OBJECT_STORE_OPERATION = "OBJECT_STORE_OPERATION"
    ENGINE_EVENT = "ENGINE_EVENT"


@whitelist_for_serdes
class StepKind(Enum):
    """The kind of an execution step. Dagster 0.7 plans have one compute step per solid."""

    COMPUTE = "COMPUTE"


STEP_EVENTS = frozenset(
    {
        DagsterEventType.STEP_INPUT,
        DagsterEventType.STEP_START,
        DagsterEventType.STEP_OUTPUT,
        DagsterEventType.STEP_FAILURE,
        DagsterEventType.STEP_SUCCESS,
        DagsterEventType.STEP_SKIPPED,
        DagsterEventType.STEP_MATERIALIZATION,
        DagsterEventType.STEP_EXPECTATION_RESULT,
        DagsterEventType.OBJECT_STORE_OPERATION,
        DagsterEventType.STEP_RESTARTED,
        DagsterEventType.STEP_UP_FOR_RETRY,
    }
)

FAILURE_EVENTS = frozenset(
    {
        DagsterEventType.PIPELINE_INIT_FAILURE,
        DagsterEventType.PIPELINE_FAILURE,
        DagsterEventType.STEP_FAILURE,
    }
)

PIPELINE_EVENTS = frozenset(
    {
        DagsterEventType.PIPELINE_START,
        DagsterEventType.PIPELINE_SUCCESS,
        DagsterEventType.PIPELINE_FAILURE,
    }
)

# Type values written by older Dagster versions, read back as engine events.
LEGACY_ENGINE_EVENT_TYPE_VALUES = frozenset(
    {"PIPELINE_PROCESS_START", "PIPELINE_PROCESS_STARTED", "PIPELINE_PROCESS_EXITED"}
)
