"""The framework-side contexts of a run: one per run, one per step, one per type check.

User code never sees these directly: compute functions get a ``SolidExecutionContext`` that wraps
a ``SystemComputeExecutionContext``. Everything here is built once per run (or once per step) and
then only read, so attribute access stays cheap on the per-step hot path.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from dagster.core.errors import DagsterUnknownResourceError


class SystemPipelineExecutionContextData(
    NamedTuple(
        "_SystemPipelineExecutionContextData",
        [
            ("pipeline_run", Any),
            ("scoped_resources_builder", Any),
            ("environment_config", Any),
            ("pipeline_def", Any),
            ("mode_def", Any),
            ("system_storage_def", Any),
            ("instance", Any),
            ("intermediates_manager", Any),
            ("file_manager", Any),
            ("executor_config", Any),
            ("raise_on_error", bool),
        ],
    )
):
    """Everything a run needs after initialization: run, config, definitions, resources, storage."""


class Resources:
    """The resources a piece of user code asked for, as attributes (``context.resources.db``).

    Any other attribute raises ``DagsterUnknownResourceError`` (an ``AttributeError``) that says
    which key to add to ``required_resource_keys``.
    """

    def __init__(self, resources: dict[str, Any]):
        self.__dict__["_resources"] = resources
        self.__dict__.update(resources)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise DagsterUnknownResourceError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Resources are read-only.")

    def __iter__(self):
        return iter(self._resources.items())

    def _asdict(self) -> dict[str, Any]:
        return dict(self._resources)

    def __repr__(self) -> str:
        return f"Resources({', '.join(sorted(self._resources))})"


class ScopedResourcesBuilder:
    """The initialized resources of a run; hands out the subset each step or type check needs."""

    def __init__(self, resource_instance_dict: dict[str, Any] | None = None):
        self.resource_instance_dict = dict(resource_instance_dict or {})
        self._cache: dict[frozenset, Resources] = {}

    def build(self, required_resource_keys: frozenset | set | None) -> Resources:
        keys = frozenset(required_resource_keys or ())
        resources = self._cache.get(keys)
        if resources is None:
            instances = self.resource_instance_dict
            resources = Resources({key: instances[key] for key in sorted(keys) if key in instances})
            self._cache[keys] = resources
        return resources


class SystemPipelineExecutionContext:
    """The run-wide context: definitions, config, resources, storage, instance and the log manager."""

    __slots__ = (
        "_data",
        "_log_manager",
        "pipeline_run",
        "pipeline_def",
        "environment_config",
        "mode_def",
        "instance",
        "intermediates_manager",
        "file_manager",
        "executor_config",
        "raise_on_error",
        "scoped_resources_builder",
        "system_storage_def",
        "_step_resource_keys",
    )

    def __init__(self, execution_context_data: SystemPipelineExecutionContextData, log_manager: Any):
        self._data = execution_context_data
        self._log_manager = log_manager
        self.pipeline_run = execution_context_data.pipeline_run
        self.pipeline_def = execution_context_data.pipeline_def
        self.environment_config = execution_context_data.environment_config
        self.mode_def = execution_context_data.mode_def
        self.instance = execution_context_data.instance
        self.intermediates_manager = execution_context_data.intermediates_manager
        self.file_manager = execution_context_data.file_manager
        self.executor_config = execution_context_data.executor_config
        self.raise_on_error = execution_context_data.raise_on_error
        self.scoped_resources_builder = execution_context_data.scoped_resources_builder
        self.system_storage_def = execution_context_data.system_storage_def
        self._step_resource_keys: dict[str, frozenset] = {}

    @property
    def execution_context_data(self) -> SystemPipelineExecutionContextData:
        return self._data

    @property
    def log(self) -> Any:
        return self._log_manager

    @property
    def logging_tags(self) -> dict:
        return self._log_manager.logging_tags

    @property
    def run_id(self) -> str:
        return self.pipeline_run.run_id

    @property
    def run_config(self) -> Any:
        """The ``RunConfig`` equivalent of this run (id, tags, mode, step keys, previous run)."""
        from dagster.core.execution.config import RunConfig

        run = self.pipeline_run
        return RunConfig(
            run_id=run.run_id,
            tags=dict(run.tags),
            step_keys_to_execute=run.step_keys_to_execute,
            mode=run.mode,
            previous_run_id=run.previous_run_id,
        )

    @property
    def environment_dict(self) -> dict:
        return self.pipeline_run.environment_dict

    @property
    def mode(self) -> str:
        return self.mode_def.name

    @property
    def pipeline_name(self) -> str:
        return self.pipeline_def.name

    @property
    def retries(self) -> Any:
        return self.executor_config.retries

    def has_tag(self, key: str) -> bool:
        return key in self.pipeline_run.tags

    def get_tag(self, key: str) -> str | None:
        return self.pipeline_run.tags.get(key)

    def step_required_resource_keys(self, step: Any) -> frozenset:
        """The resources a step may use: its solid's, its input/output types' and its storage's."""
        keys = self._step_resource_keys.get(step.key)
        if keys is None:
            keys = step.required_resource_keys | frozenset(
                self.system_storage_def.required_resource_keys or ()
            )
            self._step_resource_keys[step.key] = keys
        return keys

    def for_step(self, step: Any) -> SystemStepExecutionContext:
        return SystemStepExecutionContext(self, step)

    def for_type(self, dagster_type: Any) -> TypeCheckContext:
        return TypeCheckContext(self._data, self._log_manager, dagster_type)


class SystemStepExecutionContext:
    """The context of one step: the run context plus the step, its solid and step-tagged logging."""

    __slots__ = ("pipeline_context", "step", "_log_manager", "_resources")

    def __init__(self, pipeline_context: SystemPipelineExecutionContext, step: Any):
        self.pipeline_context = pipeline_context
        self.step = step
        self._log_manager = pipeline_context.log.with_tags(**step.logging_tags)
        self._resources = None

    # Run-wide attributes, read through the run context.
    @property
    def pipeline_run(self) -> Any:
        return self.pipeline_context.pipeline_run

    @property
    def run_id(self) -> str:
        return self.pipeline_context.pipeline_run.run_id

    @property
    def pipeline_def(self) -> Any:
        return self.pipeline_context.pipeline_def

    @property
    def environment_config(self) -> Any:
        return self.pipeline_context.environment_config

    @property
    def environment_dict(self) -> dict:
        return self.pipeline_context.pipeline_run.environment_dict

    @property
    def mode_def(self) -> Any:
        return self.pipeline_context.mode_def

    @property
    def instance(self) -> Any:
        return self.pipeline_context.instance

    @property
    def intermediates_manager(self) -> Any:
        return self.pipeline_context.intermediates_manager

    @property
    def file_manager(self) -> Any:
        return self.pipeline_context.file_manager

    @property
    def executor_config(self) -> Any:
        return self.pipeline_context.executor_config

    @property
    def raise_on_error(self) -> bool:
        return self.pipeline_context.raise_on_error

    @property
    def system_storage_def(self) -> Any:
        return self.pipeline_context.system_storage_def

    @property
    def scoped_resources_builder(self) -> Any:
        return self.pipeline_context.scoped_resources_builder

    def has_tag(self, key: str) -> bool:
        return key in self.pipeline_context.pipeline_run.tags

    def get_tag(self, key: str) -> str | None:
        return self.pipeline_context.pipeline_run.tags.get(key)

    # Step attributes.
    @property
    def log(self) -> Any:
        return self._log_manager

    @property
    def logging_tags(self) -> dict:
        return self._log_manager.logging_tags

    @property
    def solid_handle(self) -> Any:
        return self.step.solid_handle

    @property
    def solid(self) -> Any:
        return self.step.solid

    @property
    def solid_def(self) -> Any:
        return self.step.solid.definition

    @property
    def resources(self) -> Resources:
        if self._resources is None:
            context = self.pipeline_context
            self._resources = context.scoped_resources_builder.build(
                context.step_required_resource_keys(self.step)
            )
        return self._resources

    def for_compute(self) -> SystemComputeExecutionContext:
        return SystemComputeExecutionContext(self.pipeline_context, self.step, self._log_manager)

    def for_type(self, dagster_type: Any) -> TypeCheckContext:
        return TypeCheckContext(self.pipeline_context.execution_context_data, self._log_manager, dagster_type)


class SystemComputeExecutionContext(SystemStepExecutionContext):
    """The step context as seen while the solid's compute function runs (adds ``solid_config``)."""

    __slots__ = ()

    def __init__(self, pipeline_context: SystemPipelineExecutionContext, step: Any, log_manager: Any = None):
        self.pipeline_context = pipeline_context
        self.step = step
        self._log_manager = (
            log_manager if log_manager is not None else pipeline_context.log.with_tags(**step.logging_tags)
        )
        self._resources = None

    @property
    def solid_config(self) -> Any:
        solid_config = self.pipeline_context.environment_config.solids.get(self.step.solid_handle_str)
        return solid_config.config if solid_config is not None else None


class TypeCheckContext:
    """What a type check function receives: the run id, a logger and the type's resources."""

    __slots__ = ("_data", "_log", "dagster_type", "_resources")

    def __init__(
        self, execution_context_data: SystemPipelineExecutionContextData, log_manager: Any, dagster_type
    ):
        self._data = execution_context_data
        self._log = log_manager
        self.dagster_type = dagster_type
        self._resources = None

    @property
    def resources(self) -> Resources:
        if self._resources is None:
            self._resources = self._data.scoped_resources_builder.build(
                self.dagster_type.required_resource_keys
            )
        return self._resources

    @property
    def run_id(self) -> str:
        return self._data.pipeline_run.run_id

    @property
    def log(self) -> Any:
        return self._log
