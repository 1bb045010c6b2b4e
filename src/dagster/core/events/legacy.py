"""Reading records written by older Dagster versions.

The data records of the legacy ``PIPELINE_PROCESS_*`` events are read as :class:`EngineEventData`
(their event type value becomes ``ENGINE_EVENT`` in ``DagsterEvent.__from_storage__``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from dagster.core.definitions.events import EventMetadataEntry
from dagster.core.events.data import EngineEventData
from dagster.serdes import register_serdes_alias


class _LegacyPipelineProcessData(
    NamedTuple("_LegacyPipelineProcessData", [("pipeline_name", Any), ("run_id", Any), ("process_id", Any)])
):
    """Reads the data of the legacy PIPELINE_PROCESS_* events as :class:`EngineEventData`."""

    @classmethod
    def __from_storage__(cls, stored: dict) -> EngineEventData:
        entries = []
        if stored.get("process_id") is not None:
            entries.append(EventMetadataEntry.text(str(stored["process_id"]), "pid"))
        if stored.get("run_id") is not None:
            entries.append(EventMetadataEntry.text(str(stored["run_id"]), "run_id"))
        return EngineEventData(metadata_entries=entries)


for _legacy_tag in ("PipelineProcessStartData", "PipelineProcessStartedData", "PipelineProcessExitedData"):
    register_serdes_alias(_legacy_tag, _LegacyPipelineProcessData)
