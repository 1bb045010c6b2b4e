"""Helpers for testing solids, pipelines and types (what users' own test suites import).

- ``execute_solid`` runs one solid in a pipeline of its own, with constant input values.
- ``execute_solid_within_pipeline`` / ``execute_solids_within_pipeline`` run a subset of a pipeline,
  feeding chosen inputs with constant stub solids.
- ``check_dagster_type`` runs a Dagster type's check on a value outside any pipeline.
- ``create_test_pipeline_execution_context`` / ``yield_empty_pipeline_context`` give the run
  context of an empty pipeline.
- ``get_temp_dir`` / ``get_temp_file_name`` / ``get_temp_file_names`` are self-cleaning temp paths.
- ``FilesytemTestScheduler`` is a scheduler for tests that needs no crontab.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import typing
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from dagster import check
from dagster.core.errors import DagsterInvariantViolationError

__all__ = [
    "check_dagster_type",
    "create_test_pipeline_execution_context",
    "execute_solid",
    "execute_solid_within_pipeline",
    "execute_solids_within_pipeline",
    "get_temp_dir",
    "get_temp_file_name",
    "get_temp_file_names",
    "yield_empty_pipeline_context",
]


# -- temp paths ---------------------------------------------------------------------------------


@contextmanager
def get_temp_dir(in_directory: str | None = None) -> Iterator[str]:
    """A new empty directory, removed with its content afterwards."""
    temp_dir = tempfile.mkdtemp(dir=in_directory)
    try:
        yield temp_dir
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)


@contextmanager
def get_temp_file_name() -> Iterator[str]:
    """The path of a new empty file, removed afterwards."""
    handle, temp_file_name = tempfile.mkstemp()
    os.close(handle)
    try:
        yield temp_file_name
    finally:
        if os.path.exists(temp_file_name):
            os.unlink(temp_file_name)


@contextmanager
def get_temp_file_names(number: int) -> Iterator[tuple[str, ...]]:
    """``number`` new empty files' paths, removed afterwards."""
    check.int_param(number, "number")
    with ExitStack() as stack:
        yield tuple(stack.enter_context(get_temp_file_name()) for _ in range(number))


# -- running solids -----------------------------------------------------------------------------


def _constant_solid(name: str, value: Any) -> Any:
    from dagster.core.definitions.decorators import lambda_solid

    @lambda_solid(name=name)
    def constant():
        return value

    return constant


def _free_stub_name(input_name: str, solid_name: str, taken: set[str]) -> str:
    """The input's own name, unless the solid has that name too (``def num(num)``)."""
    if input_name != solid_name:
        return input_name
    candidate = f"{input_name}_input"
    while candidate in taken:
        candidate += "_"
    taken.add(candidate)
    return candidate


def execute_solid(
    solid_def: Any,
    mode_def: Any = None,
    input_values: dict | None = None,
    tags: dict | None = None,
    environment_dict: dict | None = None,
    raise_on_error: bool = True,
) -> Any:
    """Run ``solid_def`` alone, in a pipeline named ``ephemeral_<name>_solid_pipeline``.

    Each entry of ``input_values`` is supplied by a constant solid named after the input (or
    ``<input>_input`` when the solid itself has the input's name). Returns
    the solid's ``SolidExecutionResult`` (a ``CompositeSolidExecutionResult`` for a composite).
    """
    from dagster.core.definitions.dependency import DependencyDefinition
    from dagster.core.definitions.mode import ModeDefinition
    from dagster.core.definitions.pipeline import PipelineDefinition
    from dagster.core.definitions.solid import ISolidDefinition
    from dagster.core.execution.api import execute_pipeline

    check.inst_param(solid_def, "solid_def", ISolidDefinition)
    check.opt_inst_param(mode_def, "mode_def", ModeDefinition)
    input_values = check.opt_dict_param(input_values, "input_values", key_type=str)
    for input_name in input_values:
        if not solid_def.has_input(input_name):
            available = ", ".join(f'"{d.name}"' for d in solid_def.input_defs) or "none"
            raise DagsterInvariantViolationError(
                f'execute_solid got a value for input "{input_name}", which solid "{solid_def.name}" '
                f"does not define. Its inputs are: {available}."
            )
    solid_defs = [solid_def]
    dependencies: dict[str, dict[str, Any]] = {solid_def.name: {}}
    taken = {solid_def.name} | set(input_values)
    for input_name, input_value in input_values.items():
        stub_name = _free_stub_name(input_name, solid_def.name, taken)
        solid_defs.append(_constant_solid(stub_name, input_value))
        dependencies[solid_def.name][input_name] = DependencyDefinition(stub_name)
    pipeline_def = PipelineDefinition(
        name=f"ephemeral_{solid_def.name}_solid_pipeline",
        solid_defs=solid_defs,
        dependencies=dependencies,
        mode_defs=[mode_def] if mode_def is not None else None,
    )
    result = execute_pipeline(
        pipeline_def, environment_dict=environment_dict, tags=tags, raise_on_error=raise_on_error
    )
    return result.result_for_handle(solid_def.name)


def _with_input_stubs(pipeline_def: Any, inputs: dict[str, dict[str, Any]]) -> Any:
    """``pipeline_def`` with each ``inputs[solid][input]`` fed by a constant stub solid."""
    from dagster.core.definitions.dependency import DependencyDefinition, SolidInvocation
    from dagster.core.definitions.pipeline import PipelineDefinition

    dependencies: dict[Any, dict[str, Any]] = {}
    invocation_for: dict[str, Any] = {}
    for solid in pipeline_def.solids:
        invocation = SolidInvocation(solid.definition.name, solid.name, solid.invocation_tags)
        invocation_for[solid.name] = invocation
        dependencies[invocation] = dict(pipeline_def.dependencies.get(solid.name, {}))
    stub_defs = []
    for solid_name, input_dict in inputs.items():
        if not pipeline_def.has_solid_named(solid_name):
            raise DagsterInvariantViolationError(
                f'You are injecting an input value for solid "{solid_name}" into pipeline '
                f'"{pipeline_def.name}", but that solid is not among the solids being run: '
                f"{', '.join(sorted(invocation_for))}."
            )
        solid_def = pipeline_def.solid_named(solid_name).definition
        for input_name, input_value in check.dict_param(input_dict, f"inputs[{solid_name!r}]").items():
            if not solid_def.has_input(input_name):
                available = ", ".join(f'"{d.name}"' for d in solid_def.input_defs) or "none"
                raise DagsterInvariantViolationError(
                    f'You are injecting a value for input "{input_name}" of solid "{solid_name}", which '
                    f"has no such input. Its inputs are: {available}."
                )
            stub = _constant_solid(f"__stub_{solid_name}_{input_name}", input_value)
            stub_defs.append(stub)
            dependencies[invocation_for[solid_name]][input_name] = DependencyDefinition(stub.name)
    return PipelineDefinition(
        solid_defs=list(pipeline_def.solid_defs) + stub_defs,
        name=f"{pipeline_def.name}_stubbed" if stub_defs else pipeline_def.name,
        dependencies=dependencies,
        mode_defs=pipeline_def.mode_definitions,
        tags=pipeline_def.tags,
    )


def _preset_config(pipeline_def: Any, preset: str | None, environment_dict: Any, mode: Any) -> tuple:
    if preset is None:
        return environment_dict, mode
    check.str_param(preset, "preset")
    preset_def = pipeline_def.get_preset(preset)
    if environment_dict:
        raise DagsterInvariantViolationError(
            f'Preset "{preset}" supplies the run config; do not also pass environment_dict.'
        )
    if mode is not None and preset_def.mode is not None and mode != preset_def.mode:
        raise DagsterInvariantViolationError(
            f'Preset "{preset}" uses mode "{preset_def.mode}" but mode "{mode}" was given.'
        )
    return dict(preset_def.environment_dict or {}), preset_def.mode or mode


def execute_solids_within_pipeline(
    pipeline_def: Any,
    solid_names: Any,
    inputs: dict | None = None,
    environment_dict: dict | None = None,
    mode: str | None = None,
    preset: str | None = None,
    tags: dict | None = None,
    run_config: Any = None,
    instance: Any = None,
) -> dict[str, Any]:
    """Run only ``solid_names`` of ``pipeline_def``; ``inputs`` is ``{solid: {input: value}}``.

    Returns ``{solid name: result}`` for the named solids (not for the input stubs).
    """
    from dagster.core.definitions.pipeline import PipelineDefinition
    from dagster.core.execution.api import execute_pipeline

    check.inst_param(pipeline_def, "pipeline_def", PipelineDefinition)
    solid_names = list(check.sequence_param(solid_names, "solid_names", of_type=str))
    inputs = check.opt_dict_param(inputs, "inputs", key_type=str, value_type=dict)
    environment_dict, mode = _preset_config(pipeline_def, preset, environment_dict, mode)
    stubbed = _with_input_stubs(pipeline_def.build_sub_pipeline(solid_names), inputs)
    result = execute_pipeline(
        stubbed,
        environment_dict=environment_dict,
        mode=mode,
        tags=tags,
        run_config=run_config,
        instance=instance,
    )
    return {name: result.result_for_solid(name) for name in solid_names}


def execute_solid_within_pipeline(
    pipeline_def: Any,
    solid_name: str,
    inputs: dict | None = None,
    environment_dict: dict | None = None,
    mode: str | None = None,
    preset: str | None = None,
    tags: dict | None = None,
    run_config: Any = None,
    instance: Any = None,
) -> Any:
    """Run the one solid ``solid_name`` of ``pipeline_def``, with ``inputs`` as ``{input: value}``."""
    check.str_param(solid_name, "solid_name")
    inputs = check.opt_dict_param(inputs, "inputs", key_type=str)
    return execute_solids_within_pipeline(
        pipeline_def,
        [solid_name],
        {solid_name: inputs} if inputs else None,
        environment_dict=environment_dict,
        mode=mode,
        preset=preset,
        tags=tags,
        run_config=run_config,
        instance=instance,
    )[solid_name]


# -- contexts and types -------------------------------------------------------------------------


def _empty_pipeline_context_generator(
    pipeline_name: str, logger_defs: dict | None, run_id: str | None, instance: Any
) -> Iterator[Any]:
    """Yields the run context of an empty pipeline; resuming it tears the run's resources down."""
    from dagster.core.definitions.logger import LoggerDefinition
    from dagster.core.definitions.mode import ModeDefinition
    from dagster.core.definitions.pipeline import PipelineDefinition
    from dagster.core.execution.api import create_execution_plan
    from dagster.core.execution.context.system import SystemPipelineExecutionContext
    from dagster.core.execution.context_creation_pipeline import pipeline_initialization_event_generator
    from dagster.core.instance import DagsterInstance
    from dagster.core.storage.pipeline_run import PipelineRun

    loggers = check.opt_dict_param(logger_defs, "logger_defs", key_type=str, value_type=LoggerDefinition)
    pipeline_def = PipelineDefinition(
        name=pipeline_name, solid_defs=[], mode_defs=[ModeDefinition(logger_defs=loggers)]
    )
    environment_dict = {"loggers": {key: {} for key in loggers}}
    plan = create_execution_plan(pipeline_def, environment_dict)
    pipeline_run = PipelineRun(pipeline_name=pipeline_name, run_id=run_id, environment_dict=environment_dict)
    instance = instance if instance is not None else DagsterInstance.ephemeral()
    for item in pipeline_initialization_event_generator(
        plan, plan.environment_config, pipeline_run, instance, raise_on_error=True
    ):
        if isinstance(item, SystemPipelineExecutionContext):
            yield item


def create_test_pipeline_execution_context(logger_defs: dict | None = None) -> Any:
    """The run context of an empty pipeline (ephemeral instance, in-memory storage).

    ``logger_defs`` (``{key: LoggerDefinition}``) are all configured with an empty config.
    """
    return next(_empty_pipeline_context_generator("test_legacy_context", logger_defs, None, None))


@contextmanager
def yield_empty_pipeline_context(run_id: str | None = None, instance: Any = None) -> Iterator[Any]:
    """A context manager around the run context of an empty pipeline (``run_id``, ``instance``)."""
    generator = _empty_pipeline_context_generator("empty_pipeline", None, run_id, instance)
    try:
        yield next(generator)
    finally:
        generator.close()


def check_dagster_type(dagster_type: Any, value: Any) -> Any:
    """Run ``dagster_type``'s type check on ``value`` and return the ``TypeCheck``.

    ``dagster_type`` is anything a solid annotation accepts (``int``, ``List[int]``, a DagsterType).
    A ``Failure`` raised by the check becomes a failed TypeCheck with its description.
    """
    from dagster.core.definitions.events import Failure, TypeCheck
    from dagster.core.types.dagster_type import resolve_dagster_type

    if typing.get_origin(dagster_type) is not None:
        raise DagsterInvariantViolationError(
            f"check_dagster_type does not take typing types such as {dagster_type!r}: pass the Dagster "
            "type instead (dagster.List[int], dagster.Optional[str], dagster.Dict, ...)."
        )
    resolved = resolve_dagster_type(dagster_type, "check_dagster_type")
    type_context = create_test_pipeline_execution_context().for_type(resolved)
    try:
        type_check = resolved.type_check(type_context, value)
    except Failure as failure:
        return TypeCheck(success=False, description=failure.description)
    if not isinstance(type_check, TypeCheck):
        raise DagsterInvariantViolationError(
            f'The type check of "{resolved.display_name}" returned {type_check!r}; type checks must '
            "return a TypeCheck or a bool."
        )
    return type_check


# -- a scheduler for tests ----------------------------------------------------------------------


def _define_filesystem_test_scheduler() -> type:
    """Build ``FilesytemTestScheduler`` (on first use: the scheduler interface is a heavier import)."""
    from dagster.core.scheduler import Scheduler
    from dagster.serdes import ConfigurableClass

    class FilesytemTestScheduler(Scheduler, ConfigurableClass):
        """A scheduler for tests: instead of crontab entries it keeps one marker file per running
        schedule under ``<artifacts_dir>/running/<repository>/<schedule>`` (so separate processes,
        such as CLI invocations, agree), and puts logs under ``<artifacts_dir>/logs/``. Storage
        state (RUNNING/STOPPED) is kept by the base class and the instance, as for any scheduler.
        The name keeps Dagster 0.7's spelling."""

        def __init__(self, artifacts_dir: str, inst_data: Any = None):
            self._artifacts_dir = check.str_param(artifacts_dir, "artifacts_dir")
            self._inst_data = inst_data

        @property
        def inst_data(self) -> Any:
            return self._inst_data

        @classmethod
        def config_type(cls) -> dict:
            return {"base_dir": str}

        @staticmethod
        def from_config_value(inst_data: Any, config_value: dict) -> FilesytemTestScheduler:
            return FilesytemTestScheduler(artifacts_dir=config_value["base_dir"], inst_data=inst_data)

        def _marker(self, repository_name: str, schedule_name: str) -> str:
            return os.path.join(self._artifacts_dir, "running", repository_name, schedule_name)

        def _running(self) -> list[str]:
            root = os.path.join(self._artifacts_dir, "running")
            if not os.path.isdir(root):
                return []
            return sorted(
                f"{repository}/{schedule}"
                for repository in os.listdir(root)
                for schedule in os.listdir(os.path.join(root, repository))
            )

        def debug_info(self) -> str:
            return (
                f"FilesytemTestScheduler in {self._artifacts_dir}; running schedules: "
                f"{', '.join(self._running()) or 'none'}"
            )

        def start_schedule(self, instance: Any, repository: Any, schedule_name: str) -> None:
            marker = self._marker(repository.name, schedule_name)
            os.makedirs(os.path.dirname(marker), exist_ok=True)
            with open(marker, "w", encoding="utf-8"):
                pass

        def stop_schedule(self, instance: Any, repository: Any, schedule_name: str) -> None:
            marker = self._marker(repository.name, schedule_name)
            if os.path.exists(marker):
                os.unlink(marker)

        def running_schedule_count(self, repository_name: str, schedule_name: str) -> int:
            return 1 if os.path.exists(self._marker(repository_name, schedule_name)) else 0

        def get_logs_directory(self, instance: Any, repository: Any, schedule_name: str) -> str:
            return os.path.join(self._artifacts_dir, "logs", repository.name, schedule_name)

        def get_logs_path(self, instance: Any, repository: Any, schedule_name: str) -> str:
            return os.path.join(self.get_logs_directory(instance, repository, schedule_name), "scheduler.log")

        def wipe(self, instance: Any) -> None:
            shutil.rmtree(os.path.join(self._artifacts_dir, "running"), ignore_errors=True)

    FilesytemTestScheduler.__module__ = __name__
    return FilesytemTestScheduler


_LAZY: dict[str, Any] = {}


def __getattr__(name: str) -> Any:
    if name == "FilesytemTestScheduler":
        if name not in _LAZY:
            _LAZY[name] = _define_filesystem_test_scheduler()
        return _LAZY[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
