"""Registering Python classes as Dagster types so that the class works as a type or annotation."""

from __future__ import annotations

import typing

import pytest

import dagster
from dagster.core.definitions.events import Materialization
from dagster.core.errors import DagsterInvalidDefinitionError
from dagster.core.types.config_schema import input_hydration_config, output_materialization_config
from dagster.core.types.dagster_type import DagsterType, List, PythonObjectDagsterType, resolve_dagster_type
from dagster.core.types.decorator import (
    as_dagster_type,
    make_python_type_usable_as_dagster_type,
    usable_as_dagster_type,
)
from dagster.core.types.marshal import PickleSerializationStrategy


def test_bare_decorator():
    @usable_as_dagster_type
    class Bare:
        pass

    dagster_type = resolve_dagster_type(Bare)
    assert isinstance(dagster_type, PythonObjectDagsterType)
    assert (dagster_type.key, dagster_type.name, dagster_type.python_type) == ("Bare", "Bare", Bare)
    assert dagster_type.type_check(None, Bare()).success
    assert dagster_type.type_check(None, object()).description.endswith(
        'must be an instance of "Bare" (Dagster type "Bare").'
    )
    assert resolve_dagster_type(typing.List[Bare]) is List[dagster_type]  # noqa: UP006
    assert resolve_dagster_type(Bare) is dagster_type


def test_called_decorator_with_options():
    @input_hydration_config(str)
    def load(context, config_value):
        return Configured(config_value)

    @output_materialization_config(str)
    def write(context, config_value, runtime_value):
        return Materialization(config_value)

    strategy = PickleSerializationStrategy("custom")

    @usable_as_dagster_type(
        name="ConfiguredThing",
        description="a configured thing",
        input_hydration_config=load,
        output_materialization_config=write,
        serialization_strategy=strategy,
    )
    class Configured:
        def __init__(self, value):
            self.value = value

    dagster_type = resolve_dagster_type(Configured)
    assert (dagster_type.key, dagster_type.name, dagster_type.description) == (
        "ConfiguredThing",
        "ConfiguredThing",
        "a configured thing",
    )
    assert dagster_type.input_hydration_config is load
    assert dagster_type.output_materialization_config is write
    assert dagster_type.serialization_strategy is strategy
    assert Configured("v").value == "v"  # the class itself is returned unchanged

    @usable_as_dagster_type()
    class EmptyCall:
        pass

    assert resolve_dagster_type(EmptyCall).name == "EmptyCall"


def test_as_dagster_type_for_existing_classes():
    class Existing:
        pass

    assert as_dagster_type(Existing, name="Renamed", description="d") is Existing
    assert resolve_dagster_type(Existing).name == "Renamed"


def test_make_python_type_usable_as_dagster_type():
    class Legacy:
        pass

    positive = DagsterType(lambda _, value: isinstance(value, Legacy), name="LegacyType")
    make_python_type_usable_as_dagster_type(Legacy, positive)
    make_python_type_usable_as_dagster_type(Legacy, positive)  # the same mapping again is fine
    assert resolve_dagster_type(Legacy) is positive
    other = DagsterType(lambda _, value: True, name="Other")
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        make_python_type_usable_as_dagster_type(Legacy, other)
    assert str(exc_info.value) == (
        f"The Python type {__name__}.test_make_python_type_usable_as_dagster_type.<locals>.Legacy is already "
        'mapped to Dagster type "LegacyType"; it cannot also be mapped to "Other".'
    )


def test_registration_errors():
    with pytest.raises(DagsterInvalidDefinitionError, match="apply to classes only, got <function"):
        usable_as_dagster_type(name="X")(lambda: None)
    with pytest.raises(DagsterInvalidDefinitionError, match="Only Python classes can be mapped"):
        make_python_type_usable_as_dagster_type("NotAClass", dagster.core.types.dagster_type.Int)
    with pytest.raises(
        DagsterInvalidDefinitionError, match="can only be mapped to a DagsterType instance, got 3"
    ):
        make_python_type_usable_as_dagster_type(type("Fresh", (), {}), 3)


def test_public_names():
    assert dagster.usable_as_dagster_type is usable_as_dagster_type
    assert dagster.as_dagster_type is as_dagster_type
    assert dagster.make_python_type_usable_as_dagster_type is make_python_type_usable_as_dagster_type
