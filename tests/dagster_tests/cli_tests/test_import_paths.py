"""Every module path of the reference's import-path list imports and names the right object.

Code written for Dagster 0.7 (pipelines, plug-ins, users' own tests) imports these names from these
paths. Checked in a fresh interpreter so that what other tests imported first cannot hide a problem.
(`dagster_graphql.*` paths are left out: that package is not built yet.)
"""

import json
import subprocess
import sys
import textwrap

IMPORT_PATHS = {
    "dagster.check": ["CheckError"],
    "dagster.cli.config_scaffolder": ["scaffold_pipeline_config", "scaffold_type"],
    "dagster.cli.load_handle": ["UsageError", "handle_for_pipeline_cli_args"],
    "dagster.cli.pipeline": [
        "execute_backfill_command",
        "execute_execute_command",
        "execute_list_command",
        "execute_print_command",
        "execute_scaffold_command",
        "pipeline_backfill_command",
        "pipeline_execute_command",
        "pipeline_launch_command",
        "pipeline_list_command",
        "pipeline_print_command",
        "pipeline_scaffold_command",
    ],
    "dagster.cli.run": ["run_list_command", "run_wipe_command"],
    "dagster.cli.schedule": [
        "schedule_list_command",
        "schedule_logs_command",
        "schedule_restart_command",
        "schedule_start_command",
        "schedule_stop_command",
        "schedule_up_command",
        "schedule_wipe_command",
    ],
    "dagster.config": ["Enum", "config_type"],
    "dagster.config.config_type": ["ALL_CONFIG_BUILTINS", "ConfigTypeKind"],
    "dagster.config.errors": ["DagsterEvaluationErrorReason"],
    "dagster.config.field": ["resolve_to_config_type"],
    "dagster.config.field_utils": ["Shape", "convert_potential_field"],
    "dagster.config.validate": ["process_config", "validate_config"],
    "dagster.core.definitions": [
        "ExecutionTargetHandle",
        "ExpectationResult",
        "LoaderEntrypoint",
        "Materialization",
        "PipelineDefinition",
        "RepositoryDefinition",
        "Solid",
        "SolidHandle",
        "create_environment_schema",
        "create_environment_type",
        "lambda_solid",
        "pipeline",
    ],
    "dagster.core.definitions.decorators": [
        "daily_schedule",
        "hourly_schedule",
        "lambda_solid",
        "monthly_schedule",
        "weekly_schedule",
    ],
    "dagster.core.definitions.dependency": ["DependencyStructure", "SolidHandle", "SolidOutputHandle"],
    "dagster.core.definitions.executable": ["InMemoryExecutablePipeline"],
    "dagster.core.definitions.executor": ["default_executors"],
    "dagster.core.definitions.handle": ["EPHEMERAL_NAME"],
    "dagster.core.definitions.utils": ["check_valid_name"],
    "dagster.core.errors": [
        "DagsterEventLogInvalidForRun",
        "DagsterExecutionStepNotFoundError",
        "DagsterInvalidDefinitionError",
        "DagsterInvariantViolationError",
        "DagsterRunNotFoundError",
        "DagsterSubprocessError",
    ],
    "dagster.core.events": [
        "DagsterEvent",
        "DagsterEventType",
        "EngineEventData",
        "STEP_EVENTS",
        "StepExpectationResultData",
        "StepMaterializationData",
        "get_step_output_event",
    ],
    "dagster.core.events.log": [
        "DagsterEventRecord",
        "EventRecord",
        "LogMessageRecord",
        "construct_event_logger",
    ],
    "dagster.core.execution.api": [
        "create_execution_plan",
        "execute_pipeline_iterator",
        "execute_plan",
        "execute_plan_iterator",
        "execute_run",
        "execute_run_iterator",
        "step_output_event_filter",
    ],
    "dagster.core.execution.compute_logs": ["mirror_stream_to_file", "should_disable_io_stream_redirect"],
    "dagster.core.execution.context.init": ["InitResourceContext"],
    "dagster.core.execution.context.logger": ["InitLoggerContext"],
    "dagster.core.execution.context_creation_pipeline": ["pipeline_initialization_event_generator"],
    "dagster.core.execution.plan.objects": ["StepFailureData", "StepKind", "StepSuccessData"],
    "dagster.core.execution.resources_init": [
        "resource_initialization_event_generator",
        "resource_initialization_manager",
        "single_resource_event_generator",
    ],
    "dagster.core.execution.results": ["SolidExecutionResult"],
    "dagster.core.execution.retries": ["Retries", "RetryMode"],
    "dagster.core.execution.stats": ["StepEventStatus"],
    "dagster.core.instance": ["DagsterInstance", "InstanceRef", "InstanceType"],
    "dagster.core.launcher": ["RunLauncher"],
    "dagster.core.log_manager": ["DagsterLogManager"],
    "dagster.core.scheduler": ["Schedule", "ScheduleStatus", "get_schedule_change_set"],
    "dagster.core.scheduler.scheduler": [
        "DagsterScheduleDoesNotExist",
        "DagsterScheduleReconciliationError",
        "DagsterSchedulerError",
        "ScheduleTickStatus",
    ],
    "dagster.core.snap": [
        "create_execution_plan_snapshot_id",
        "create_pipeline_snapshot_id",
        "snapshot_from_execution_plan",
    ],
    "dagster.core.storage.compute_log_manager": ["ComputeIOType"],
    "dagster.core.storage.event_log": [
        "InMemoryEventLogStorage",
        "SqlEventLogStorageMetadata",
        "SqlEventLogStorageTable",
        "SqliteEventLogStorage",
    ],
    "dagster.core.storage.file_manager": ["local_file_manager"],
    "dagster.core.storage.intermediate_store": ["build_fs_intermediate_store"],
    "dagster.core.storage.local_compute_log_manager": ["LocalComputeLogManager"],
    "dagster.core.storage.noop_compute_log_manager": ["NoOpComputeLogManager"],
    "dagster.core.storage.pipeline_run": ["PipelineRun", "PipelineRunStatus", "PipelineRunsFilter"],
    "dagster.core.storage.root": ["LocalArtifactStorage"],
    "dagster.core.storage.runs": ["InMemoryRunStorage", "SqliteRunStorage"],
    "dagster.core.storage.schedules": ["SqliteScheduleStorage"],
    "dagster.core.storage.schedules.sqlite": ["SqliteScheduleStorage"],
    "dagster.core.storage.sql": ["create_engine"],
    "dagster.core.storage.system_storage": ["create_mem_system_storage_data"],
    "dagster.core.storage.tags": ["PARENT_RUN_ID_TAG", "RESUME_RETRY_TAG", "ROOT_RUN_ID_TAG"],
    "dagster.core.storage.type_storage": ["TypeStoragePlugin"],
    "dagster.core.system_config.objects": ["EnvironmentConfig"],
    "dagster.core.test_utils": ["environ", "nesting_composite_pipeline", "single_output_solid"],
    "dagster.core.types.config_schema": ["input_hydration_config"],
    "dagster.core.types.dagster_type": [
        "ALL_RUNTIME_BUILTINS",
        "DagsterType",
        "DagsterTypeKind",
        "PythonObjectDagsterType",
        "create_any_type",
        "resolve_dagster_type",
    ],
    "dagster.core.types.python_set": ["create_typed_runtime_set"],
    "dagster.core.types.python_tuple": ["create_typed_tuple"],
    "dagster.core.utility_solids": [
        "create_root_solid",
        "create_solid_with_deps",
        "define_stub_solid",
        "input_set",
    ],
    "dagster.core.utils": ["make_new_run_id"],
    "dagster.loggers": ["colored_console_logger", "json_console_logger"],
    "dagster.serdes": ["ConfigurableClass", "deserialize_json_to_dagster_namedtuple"],
    "dagster.seven": ["TemporaryDirectory", "import_module_from_path", "mock", "tempfile"],
    "dagster.seven.abc": ["Iterable"],
    "dagster.utils": [
        "file_relative_path",
        "get_multiprocessing_context",
        "merge_dicts",
        "safe_tempfile_path",
    ],
    "dagster.utils.error": ["SerializableErrorInfo", "serializable_error_info_from_exc_info"],
    "dagster.utils.log": ["define_json_file_logger", "define_structured_logger"],
    "dagster.utils.partitions": ["date_partition_range"],
    "dagster.utils.temp_file": ["get_temp_file_handle_with_data"],
    "dagster.utils.test": [
        "FilesytemTestScheduler",
        "create_test_pipeline_execution_context",
        "execute_solid",
        "execute_solid_within_pipeline",
        "get_temp_dir",
        "get_temp_file_name",
        "get_temp_file_names",
    ],
    "dagster.utils.test.run_storage": ["TestRunStorage"],
    "dagster.utils.test.schedule_storage": ["TestScheduleStorage"],
    "dagster_celery": ["celery_executor"],
    "dagster_celery.cli": ["get_config_dir", "main"],
    "dagster_cron": ["SystemCronScheduler"],
    "dagster_dask": ["dask_executor"],
    "dagster_dask.engine": ["get_dask_resource_requirements"],
    "dagster_postgres.event_log": ["PostgresEventLogStorage"],
    "dagster_postgres.run_storage": ["PostgresRunStorage"],
    "dagster_postgres.utils": ["get_conn"],
}

# Names exported from more than one path must be the very same object.
SAME_OBJECT = [
    ("dagster.core.definitions", "pipeline", "dagster", "pipeline"),
    ("dagster.core.definitions", "lambda_solid", "dagster.core.definitions.decorators", "lambda_solid"),
    ("dagster.core.definitions", "SolidHandle", "dagster.core.definitions.dependency", "SolidHandle"),
    (
        "dagster.core.storage.schedules",
        "SqliteScheduleStorage",
        "dagster.core.storage.schedules.sqlite",
        "SqliteScheduleStorage",
    ),
    ("dagster.config", "Enum", "dagster", "Enum"),
    ("dagster_celery", "celery_executor", "dagster_celery.executor", "celery_executor"),
]


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_every_listed_name_imports_from_its_path():
    code = textwrap.dedent(
        f"""
        import importlib, json
        problems = []
        for module_name, names in {IMPORT_PATHS!r}.items():
            try:
                module = importlib.import_module(module_name)
            except Exception as exc:
                problems.append(f"{{module_name}}: {{type(exc).__name__}}: {{exc}}")
                continue
            problems += [f"{{module_name}}.{{name}} missing" for name in names if not hasattr(module, name)]
        for module_a, name_a, module_b, name_b in {SAME_OBJECT!r}:
            a = getattr(importlib.import_module(module_a), name_a)
            b = getattr(importlib.import_module(module_b), name_b)
            if a is not b:
                problems.append(f"{{module_a}}.{{name_a}} is not {{module_b}}.{{name_b}}")
        print(json.dumps(problems))
        """
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_definition_decorators_are_not_shadowed_by_their_submodules():
    """`dagster.core.definitions` has submodules named like its decorators (solid.py, pipeline.py, ...).
    Importing those submodules first must not turn `from dagster.core.definitions import solid` into
    the module (0.7 code then fails with "'module' object is not callable")."""
    names = ["executor", "logger", "pipeline", "resource", "solid", "system_storage"]
    code = textwrap.dedent(
        f"""
        import importlib, json
        import dagster
        for name in {names!r}:
            importlib.import_module("dagster.core.definitions." + name)
        from dagster.core import definitions
        print(json.dumps({{name: [type(getattr(definitions, name)).__name__,
                                 getattr(definitions, name) is getattr(dagster, name)] for name in {names!r}}}))
        from dagster.core.definitions.solid import SolidDefinition
        from dagster.core.definitions import solid

        @solid
        def works(_):
            return 1

        assert isinstance(works, SolidDefinition)
        """
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {name: ["function", True] for name in names}
