"""The run config schema of a pipeline+mode and EnvironmentConfig.build: exact shape, exact errors with paths."""

from __future__ import annotations

import pytest

from dagster import (
    Field,
    InputDefinition,
    Int,
    ModeDefinition,
    Output,
    OutputDefinition,
    PipelineDefinition,
    ResourceDefinition,
    String,
    composite_solid,
    lambda_solid,
    logger,
    pipeline,
    resource,
    solid,
)
from dagster.config.config_type import ConfigTypeKind
from dagster.config.print_type import print_config_type_to_string
from dagster.core.definitions.environment_configs import create_environment_schema, create_environment_type
from dagster.core.errors import DagsterConfigMappingFunctionError, DagsterInvalidConfigError
from dagster.core.system_config.objects import EnvironmentConfig, ExecutionConfig, SolidConfig, StorageConfig


@solid(config={"rows": int, "label": Field(str, is_required=False, default_value="x")})
def load(context):
    return context.solid_config["rows"]


@lambda_solid
def double(num: int) -> int:
    return num * 2


@solid(output_defs=[])
def sink(context, value: int):
    pass


@resource(config={"url": str})
def database(init_context):
    return init_context.resource_config["url"]


@pipeline(
    mode_defs=[ModeDefinition(resource_defs={"db": database, "plain": ResourceDefinition.none_resource()})]
)
def etl():
    sink(double(load()))


def field_names(config_type):
    return sorted(config_type.fields)


def test_root_shape_and_sections():
    root = create_environment_type(etl)
    assert root.kind == ConfigTypeKind.STRICT_SHAPE
    assert field_names(root) == ["execution", "loggers", "resources", "solids", "storage"]
    assert root.fields["solids"].is_required
    assert root.fields["resources"].is_required
    assert not root.fields["loggers"].is_required
    assert not root.fields["execution"].is_required
    assert not root.fields["storage"].is_required
    assert field_names(root.fields["resources"].config_type) == ["db"]
    assert field_names(root.fields["execution"].config_type) == ["in_process", "multiprocess"]
    assert root.fields["execution"].config_type.kind == ConfigTypeKind.SELECTOR
    assert field_names(root.fields["storage"].config_type) == ["filesystem", "in_memory"]
    assert field_names(root.fields["loggers"].config_type) == ["console"]
    solids = root.fields["solids"].config_type
    # sink has no config, no configurable input and no output: it gets no entry.
    assert field_names(solids) == ["double", "load"]
    assert field_names(solids.fields["load"].config_type) == ["config", "outputs"]
    assert not solids.fields["double"].is_required
    assert print_config_type_to_string(
        solids.fields["load"].config_type.fields["config"].config_type, with_lines=False
    ) == ("{ label?: String rows: Int }")


def test_unconnected_inputs_are_configurable_and_required_unless_defaulted():
    @lambda_solid(input_defs=[InputDefinition("a", Int), InputDefinition("b", String, default_value="z")])
    def takes(a, b):
        return a

    pipeline_def = PipelineDefinition(name="p", solid_defs=[takes])
    entry = create_environment_type(pipeline_def).fields["solids"].config_type.fields["takes"]
    assert entry.is_required
    inputs = entry.config_type.fields["inputs"].config_type
    assert inputs.fields["a"].is_required
    assert not inputs.fields["b"].is_required
    config = EnvironmentConfig.build(pipeline_def, {"solids": {"takes": {"inputs": {"a": 3}}}})
    assert config.solids["takes"] == SolidConfig(None, {"a": 3}, [])


def test_build_defaults():
    config = EnvironmentConfig.build(
        etl,
        {"solids": {"load": {"config": {"rows": 3}}}, "resources": {"db": {"config": {"url": "sqlite://"}}}},
    )
    assert config.solids["load"] == SolidConfig({"rows": 3, "label": "x"}, {}, [])
    assert config.solids["double"] == SolidConfig(None, {}, [])
    assert config.execution == ExecutionConfig("in_process", {"retries": {"enabled": {}}})
    assert config.storage == StorageConfig("in_memory", {})
    assert config.resources == {
        "db": {"config": "sqlite://"}.__class__({"config": {"url": "sqlite://"}}),
        "plain": {"config": None},
    }
    assert config.loggers == {}
    assert config.mode == "default"


def test_build_explicit_sections():
    config = EnvironmentConfig.build(
        etl,
        {
            "solids": {
                "load": {
                    "config": {"rows": 1, "label": "y"},
                    "outputs": [{"result": {"json": {"path": "/tmp/o"}}}],
                }
            },
            "resources": {"db": {"config": {"url": "u"}}},
            "loggers": {"console": {"config": {"log_level": "DEBUG"}}},
            "execution": {"multiprocess": {"config": {"max_concurrent": 2}}},
            "storage": {"filesystem": {"config": {"base_dir": "/tmp/b"}}},
        },
    )
    assert config.solids["load"].outputs == [{"result": {"json": {"path": "/tmp/o"}}}]
    assert config.loggers == {"console": {"config": {"log_level": "DEBUG", "name": "dagster"}}}
    assert config.execution == ExecutionConfig(
        "multiprocess", {"max_concurrent": 2, "retries": {"enabled": {}}}
    )
    assert config.storage == StorageConfig("filesystem", {"base_dir": "/tmp/b"})


def test_missing_required_values_are_reported_with_paths():
    with pytest.raises(DagsterInvalidConfigError) as exc_info:
        EnvironmentConfig.build(etl, {})
    assert str(exc_info.value) == (
        "Error in config for pipeline etl\n"
        "    Error 1: Missing required fields \"['solids', 'resources']\" at the root. Available Fields: "
        "\"['execution', 'loggers', 'resources', 'solids', 'storage']\"."
    )

    with pytest.raises(DagsterInvalidConfigError) as exc_info:
        EnvironmentConfig.build(
            etl, {"solids": {"load": {"config": {}}}, "resources": {"db": {"config": {}}}}
        )
    assert [e.stack.levels for e in exc_info.value.errors] == [
        ["solids", "load", "config"],
        ["resources", "db", "config"],
    ]
    assert exc_info.value.error_messages == [
        "Missing required field \"rows\" at path root:solids:load:config. Available Fields: \"['label', 'rows']\".",
        'Missing required field "url" at path root:resources:db:config. Available Fields: "[\'url\']".',
    ]


def test_unknown_keys_are_reported_with_paths():
    with pytest.raises(DagsterInvalidConfigError) as exc_info:
        EnvironmentConfig.build(
            etl,
            {
                "solids": {"load": {"config": {"rows": 1}}, "nope": {}},
                "resources": {"db": {"config": {"url": "u"}}},
                "execution": {"dask": {}},
                "extra": 1,
            },
        )
    text = str(exc_info.value)
    assert text.startswith("Error in config for pipeline etl\n")
    assert 'Undefined field "extra" at the root' in text
    assert 'Undefined field "nope" at path root:solids' in text
    assert 'Undefined field "dask" at path root:execution' in text


def test_wrong_type_reports_path():
    with pytest.raises(DagsterInvalidConfigError) as exc_info:
        EnvironmentConfig.build(
            etl,
            {"solids": {"load": {"config": {"rows": "many"}}}, "resources": {"db": {"config": {"url": "u"}}}},
        )
    (message,) = exc_info.value.error_messages
    assert message == (
        'Invalid scalar at path root:solids:load:config:rows. Value "many" of type "<class \'str\'>" is not valid '
        'for expected type "Int".'
    )


def test_composite_entries_without_and_with_config_mapping():
    @solid(config={"n": int})
    def leaf(context):
        return context.solid_config["n"]

    @composite_solid
    def plain():
        return leaf()

    @composite_solid(config={"m": int}, config_fn=lambda cfg: {"leaf": {"config": {"n": cfg["m"] * 10}}})
    def mapped():
        return leaf()

    @pipeline
    def composites():
        plain()
        mapped()

    solids = create_environment_type(composites).fields["solids"].config_type
    assert field_names(solids.fields["plain"].config_type) == ["outputs", "solids"]
    assert field_names(solids.fields["mapped"].config_type) == ["config", "outputs"]
    config = EnvironmentConfig.build(
        composites,
        {"solids": {"plain": {"solids": {"leaf": {"config": {"n": 1}}}}, "mapped": {"config": {"m": 2}}}},
    )
    assert config.solids["plain.leaf"].config == {"n": 1}
    assert config.solids["mapped"].config == {"m": 2}
    assert config.solids["mapped.leaf"].config == {"n": 20}


def test_config_mapping_errors():
    @solid(config={"n": int})
    def leaf(context):
        pass

    def wrong_fn(cfg):
        return {"leaf": {"config": {"n": "not an int"}}}

    @composite_solid(config={"m": int}, config_fn=wrong_fn)
    def wrong():
        leaf()

    def raising_fn(cfg):
        raise ValueError("boom")

    @composite_solid(config={"m": int}, config_fn=raising_fn)
    def raising():
        leaf.alias("leaf2")()

    @pipeline
    def mapped_errors():
        wrong()

    with pytest.raises(DagsterInvalidConfigError) as exc_info:
        EnvironmentConfig.build(mapped_errors, {"solids": {"wrong": {"config": {"m": 1}}}})
    assert str(exc_info.value).startswith(
        'In pipeline mapped_errors at stack root:solids:wrong: Solid "wrong" with definition "wrong" has a '
        "configuration error"
    )
    assert "path root:leaf:config:n" in str(exc_info.value)

    @pipeline
    def raises():
        raising()

    with pytest.raises(DagsterConfigMappingFunctionError) as exc_info:
        EnvironmentConfig.build(raises, {"solids": {"raising": {"config": {"m": 1}}}})
    assert str(exc_info.value) == (
        'The config mapping function (config_fn) of composite solid "raising" (definition "raising") in pipeline '
        '"raises" raised an exception.'
    )
    assert isinstance(exc_info.value.user_exception, ValueError)


def test_mode_specific_schema_and_multi_mode_errors():
    @logger(config={"path": str})
    def file_logger(init_context):
        raise AssertionError("not built here")

    @pipeline(
        mode_defs=[
            ModeDefinition("a", logger_defs={"file": file_logger}),
            ModeDefinition("b"),
        ]
    )
    def two_modes():
        double(load.alias("source")())

    schema_a = two_modes.get_environment_schema("a")
    assert field_names(schema_a.environment_type.fields["loggers"].config_type) == ["file"]
    assert two_modes.get_environment_schema("a") is schema_a
    solids = {"source": {"config": {"rows": 1}}}
    config = EnvironmentConfig.build(
        two_modes, {"solids": solids, "loggers": {"file": {"config": {"path": "/x"}}}}, mode="a"
    )
    assert config.loggers == {"file": {"config": {"path": "/x"}}}
    with pytest.raises(DagsterInvalidConfigError, match='Undefined field "file" at path root:loggers'):
        EnvironmentConfig.build(two_modes, {"solids": solids, "loggers": {"file": {}}}, mode="b")


def test_environment_schema_lists_types():
    schema = create_environment_schema(etl)
    assert schema.config_type_keyed(schema.environment_type.key) is schema.environment_type
    assert schema.has_config_type("Int")
    assert all(t.key in schema.config_type_dict_by_key for t in schema.all_config_types())


def test_output_materialization_entry_only_for_materializable_types():
    @solid(output_defs=[OutputDefinition(Int, "num")])
    def emits(context):
        yield Output(1, "num")

    pipeline_def = PipelineDefinition(name="p", solid_defs=[emits])
    entry = create_environment_type(pipeline_def).fields["solids"].config_type.fields["emits"].config_type
    outputs = entry.fields["outputs"]
    assert not outputs.is_required
    assert outputs.config_type.kind == ConfigTypeKind.ARRAY
    assert field_names(outputs.config_type.inner_type) == ["num"]


def test_multiprocess_with_in_memory_storage_is_a_config_error():
    config = {
        "solids": {"load": {"config": {"rows": 1}}},
        "resources": {"db": {"config": {"url": "u"}}},
        "execution": {"multiprocess": {}},
    }
    with pytest.raises(DagsterInvalidConfigError) as exc_info:
        EnvironmentConfig.build(etl, config)
    assert str(exc_info.value) == (
        "Error in config for pipeline etl: the multiprocess executor runs steps in other processes, so it needs a "
        'persistent system storage, but the run config selects "in_memory", which keeps values in this process '
        "only. Select a persistent one, e.g. `storage: {filesystem: {}}`."
    )
    config["storage"] = {"filesystem": {}}
    assert EnvironmentConfig.build(etl, config).execution.execution_engine_name == "multiprocess"
