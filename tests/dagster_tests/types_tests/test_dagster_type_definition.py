"""Defining a DagsterType: the type check function's contract, attributes and definition errors."""

from __future__ import annotations

import pytest

from dagster import check
from dagster.core.definitions.events import TypeCheck
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError
from dagster.core.types.config_schema import input_hydration_config, output_materialization_config
from dagster.core.types.dagster_type import DagsterType, DagsterTypeKind, List, Optional
from dagster.core.types.marshal import PickleSerializationStrategy


def test_bool_and_type_check_results():
    even = DagsterType(lambda _, value: value % 2 == 0, name="Even")
    assert even.type_check(None, 2) == TypeCheck(True)
    assert even.type_check(None, 3) == TypeCheck(False)
    described = DagsterType(lambda _, value: TypeCheck(value == 1, description=f"got {value}"), name="One")
    assert described.type_check(None, 2) == TypeCheck(False, "got 2")


def test_context_is_passed_through():
    seen = []
    recorder = DagsterType(lambda context, value: seen.append((context, value)) or True, name="Recorder")
    recorder.type_check("the-context", 5)
    assert seen == [("the-context", 5)]


def test_other_return_values_are_invariant_violations():
    bad = DagsterType(lambda _, value: "yes", name="Bad")
    with pytest.raises(DagsterInvariantViolationError) as exc_info:
        bad.type_check(None, 1)
    assert str(exc_info.value) == (
        "The type check function of Dagster type \"Bad\" returned 'yes' of python type str. "
        "It must return a bool or a TypeCheck."
    )


def test_key_and_name():
    named = DagsterType(lambda _, __: True, name="Named", description="a description")
    assert (named.key, named.name, named.display_name, named.description) == (
        "Named",
        "Named",
        "Named",
        "a description",
    )
    keyed = DagsterType(lambda _, __: True, key="only.key")
    assert (keyed.key, keyed.name, keyed.display_name) == ("only.key", None, "only.key")
    assert named.kind is DagsterTypeKind.REGULAR and not named.is_builtin
    assert isinstance(named.serialization_strategy, PickleSerializationStrategy)
    with pytest.raises(DagsterInvalidDefinitionError, match=r"A DagsterType needs a name"):
        DagsterType(lambda _, __: True)


def test_arity_is_checked_at_definition():
    def one_arg(value):
        return True

    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        DagsterType(one_arg, name="One")
    assert str(exc_info.value) == (
        'The type_check_fn of DagsterType "One" must take exactly 2 positional arguments (context, value), '
        "but test_arity_is_checked_at_definition.<locals>.one_arg has the signature (value)."
    )
    with pytest.raises(DagsterInvalidDefinitionError, match="exactly 2 positional arguments"):
        DagsterType(lambda a, b, c: True, name="Three")
    with pytest.raises(DagsterInvalidDefinitionError, match="exactly 2 positional arguments"):
        DagsterType(lambda a, b, *, flag: True, name="KwOnly")


def test_accepted_signatures():
    class Checker:
        def check(self, context, value):
            return True

    def unbound_style(self, context, value):
        return True

    for fn in (
        Checker().check,
        lambda ctx, value: True,  # the first argument's name is not enforced (see report)
        lambda *args: True,
        lambda context, value, extra=None: True,
    ):
        assert DagsterType(fn, name="T").type_check(None, 1).success
    assert DagsterType(unbound_style, name="U").key == "U"


def test_bad_arguments_name_the_type():
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        DagsterType(lambda _, __: True, name="T", input_hydration_config=lambda context, config: 1)
    assert str(exc_info.value).startswith(
        'input_hydration_config of DagsterType "T" must be built with @input_hydration_config(<config schema>)'
    )
    with pytest.raises(
        DagsterInvalidDefinitionError, match='output_materialization_config of DagsterType "T"'
    ):
        DagsterType(lambda _, __: True, name="T", output_materialization_config=object())
    with pytest.raises(
        DagsterInvalidDefinitionError, match='serialization_strategy of DagsterType "T" must be'
    ):
        DagsterType(lambda _, __: True, name="T", serialization_strategy="pickle")
    with pytest.raises(DagsterInvalidDefinitionError, match='auto_plugins of DagsterType "T" must contain'):
        DagsterType(lambda _, __: True, name="T", auto_plugins=[object])
    with pytest.raises(DagsterInvalidDefinitionError, match='required_resource_keys of DagsterType "T"'):
        DagsterType(lambda _, __: True, name="T", required_resource_keys="db")
    with pytest.raises(check.CheckError, match="kind"):
        DagsterType(lambda _, __: True, name="T", kind="LIST")


def test_required_resource_keys_include_hydration_and_materialization():
    @input_hydration_config(str, required_resource_keys={"db"})
    def load(context, config_value):
        return config_value

    @output_materialization_config(str, required_resource_keys={"s3"})
    def write(context, config_value, runtime_value):
        return []

    typed = DagsterType(
        lambda _, __: True,
        name="Table",
        input_hydration_config=load,
        output_materialization_config=write,
        required_resource_keys={"warehouse"},
    )
    assert typed.required_resource_keys == frozenset({"db", "s3", "warehouse"})
    assert List[typed].required_resource_keys == frozenset({"db", "s3", "warehouse"})
    assert Optional[typed].required_resource_keys == typed.required_resource_keys


def test_auto_plugins_are_kept():
    class NeverCompatiblePlugin:
        @classmethod
        def compatible_with_storage_def(cls, system_storage_def):
            return False

    typed = DagsterType(lambda _, __: True, name="T", auto_plugins=[NeverCompatiblePlugin])
    assert typed.auto_plugins == [NeverCompatiblePlugin]


def test_create_any_type_accepts_auto_plugins():
    from dagster.core.storage.type_storage import TypeStoragePlugin
    from dagster.core.types.dagster_type import create_any_type

    class NoopPlugin(TypeStoragePlugin):
        @classmethod
        def compatible_with_storage_def(cls, system_storage_def):
            return True

        @classmethod
        def set_object(cls, intermediate_store, obj, context, dagster_type, paths):
            return None

        @classmethod
        def get_object(cls, intermediate_store, context, dagster_type, paths):
            return None

    labelled = create_any_type("Labelled", auto_plugins=[NoopPlugin])
    assert labelled.auto_plugins == [NoopPlugin]
    assert labelled.type_check(None, object()).success
