"""Run and step statistics, where Dagster 0.7 code imports them from.

The records and the functions that compute them from a run's events live with the event log
storage (``dagster.core.storage``), which computes them; they are re-exported here.
"""

from __future__ import annotations

from dagster.core.storage.event_log.base import stats_from_records as build_run_stats_from_events
from dagster.core.storage.event_log.base import step_stats_from_records as build_run_step_stats_from_events
from dagster.core.storage.pipeline_run import (
    PipelineRunStatsSnapshot,
    RunStepKeyStatsSnapshot,
    StepEventStatus,
)

__all__ = [
    "PipelineRunStatsSnapshot",
    "RunStepKeyStatsSnapshot",
    "StepEventStatus",
    "build_run_stats_from_events",
    "build_run_step_stats_from_events",
]
