"""Serializable snapshots of pipelines and execution plans.

Importing this package registers every snapshot record class for deserialization (run storages
import it before reading a stored snapshot).
"""

from dagster.core.snap.active_data import (
    ActivePipelineData,
    ActivePresetData,
    ActiveRepositoryData,
    active_pipeline_data_from_def,
    active_repository_data_from_def,
)
from dagster.core.snap.dagster_types import DagsterTypeNamespaceSnapshot, DagsterTypeSnap
from dagster.core.snap.dep_snapshot import (
    DependencyStructureSnapshot,
    InputDependencySnap,
    OutputHandleSnap,
    SolidInvocationSnap,
)
from dagster.core.snap.execution_plan_snapshot import (
    ExecutionPlanSnapshot,
    create_execution_plan_snapshot_id,
    snapshot_from_execution_plan,
)
from dagster.core.snap.pipeline_snapshot import (
    LoggerDefSnap,
    ModeDefSnap,
    PipelineSnapshot,
    ResourceDefSnap,
    create_pipeline_snapshot_id,
)
from dagster.core.snap.solid import (
    CompositeSolidDefSnap,
    InputDefSnap,
    InputMappingSnap,
    OutputDefSnap,
    OutputMappingSnap,
    SolidDefinitionsSnapshot,
    SolidDefSnap,
)

__all__ = [
    "ActivePipelineData",
    "ActivePresetData",
    "ActiveRepositoryData",
    "active_pipeline_data_from_def",
    "active_repository_data_from_def",
    "CompositeSolidDefSnap",
    "DagsterTypeNamespaceSnapshot",
    "DagsterTypeSnap",
    "DependencyStructureSnapshot",
    "ExecutionPlanSnapshot",
    "InputDefSnap",
    "InputDependencySnap",
    "InputMappingSnap",
    "LoggerDefSnap",
    "ModeDefSnap",
    "OutputDefSnap",
    "OutputHandleSnap",
    "OutputMappingSnap",
    "PipelineSnapshot",
    "ResourceDefSnap",
    "SolidDefSnap",
    "SolidDefinitionsSnapshot",
    "SolidInvocationSnap",
    "create_execution_plan_snapshot_id",
    "create_pipeline_snapshot_id",
    "snapshot_from_execution_plan",
]
