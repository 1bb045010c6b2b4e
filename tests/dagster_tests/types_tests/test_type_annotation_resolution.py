# ruff: noqa: UP006, UP007, UP045 - the typing forms are what these tests feed in
"""What users write as a type (annotations and type arguments) and the DagsterType it becomes."""

from __future__ import annotations

import typing

import pytest

import dagster
from dagster.config.field_utils import Shape
from dagster.core.errors import DagsterInvalidDefinitionError
from dagster.core.types.dagster_type import (
    Any,
    Bool,
    DagsterType,
    Float,
    Int,
    List,
    Nothing,
    Optional,
    PythonObjectDagsterType,
    String,
    resolve_dagster_type,
)
from dagster.core.types.python_dict import Dict, PythonDict
from dagster.core.types.python_set import PythonSet, Set
from dagster.core.types.python_tuple import PythonTuple, Tuple

ACCEPTED_TAIL = (
    "A type can be: a DagsterType (Int, Float, Bool, String, Any, Nothing, Path, List[...], Optional[...], "
    "Dict, Set, Tuple, PythonObjectDagsterType(cls), ...); int, float, bool, str, list, dict, tuple or set; "
    "typing.List/Optional/Dict/Set/Tuple[...] of types; dagster.Int/Float/Bool/String/Nothing/Any; or a class "
    "decorated with @usable_as_dagster_type (or registered with make_python_type_usable_as_dagster_type)."
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, Any),
        (typing.Any, Any),
        (dagster.Any, Any),
        (int, Int),
        (float, Float),
        (bool, Bool),
        (str, String),
        (dagster.Int, Int),
        (dagster.Float, Float),
        (dagster.Bool, Bool),
        (dagster.String, String),
        (dagster.Nothing, Nothing),
        (Int, Int),
        (list, List[Any]),
        (List, List[Any]),
        (typing.List, List[Any]),
        (typing.List[int], List[Int]),
        (list[str], List[String]),
        (typing.Optional[int], Optional[Int]),
        (int | None, Optional[Int]),
        (typing.Union[None, str], Optional[String]),
        (dict, PythonDict),
        (Dict, PythonDict),
        (typing.Dict, PythonDict),
        (typing.Dict[str, int], Dict[String, Int]),
        (dict[str, list[int]], Dict[String, List[Int]]),
        (set, PythonSet),
        (Set, PythonSet),
        (typing.Set[str], Set[String]),
        (tuple, PythonTuple),
        (Tuple, PythonTuple),
        (typing.Tuple, PythonTuple),
        (typing.Tuple[int, str], Tuple[Int, String]),
        (typing.List[typing.Optional[dagster.Int]], List[Optional[Int]]),
    ],
    ids=repr,
)
def test_resolves(given, expected):
    assert resolve_dagster_type(given) is expected


def test_dagster_list_optional_as_public_objects():
    assert dagster.List is List and dagster.Optional is Optional
    assert dagster.Dict is Dict and dagster.Set is Set and dagster.Tuple is Tuple
    assert dagster.PythonDict is PythonDict and dagster.Path.key == "Path"


def _error(given, where=None) -> str:
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        resolve_dagster_type(given, where)
    return str(exc_info.value)


class Unregistered:
    pass


def test_unregistered_class():
    name = f"{__name__}.Unregistered"
    assert _error(Unregistered, 'input "df" of solid "load"') == (
        f'Invalid type for input "df" of solid "load": the class {name} is not a Dagster type. '
        "Decorate it with @usable_as_dagster_type, register it with "
        "make_python_type_usable_as_dagster_type(Unregistered, <DagsterType>), or pass "
        f"PythonObjectDagsterType(Unregistered). {ACCEPTED_TAIL}"
    )


def test_non_type_values():
    assert _error(3) == f"Invalid type: 3 (of python type int) is not a type. {ACCEPTED_TAIL}"
    assert _error({"a": int}) == (
        f"Invalid type: {{'a': <class 'int'>}} (of python type dict) is not a type. {ACCEPTED_TAIL}"
    )
    assert _error("Int") == (
        f"Invalid type: the string 'Int' was given; pass the type object itself (for example Int, not 'Int'). "
        f"{ACCEPTED_TAIL}"
    )


def test_dagster_type_class_instead_of_instance():
    assert _error(PythonObjectDagsterType) == (
        f"Invalid type: the class PythonObjectDagsterType was given; pass an instance of it instead. {ACCEPTED_TAIL}"
    )
    assert _error(DagsterType).startswith("Invalid type: the class DagsterType was given")


def test_config_types_are_not_runtime_types():
    message = _error(Shape({"a": int}), "output of solid s")
    assert message.startswith("Invalid type for output of solid s: <")
    assert (
        "is a config type. Config types describe run config, not the values solids pass to each other"
        in message
    )


def test_unsupported_typing_forms():
    assert _error(typing.Union[int, str]) == (
        "Invalid type: typing.Union[int, str]. A union of types is not a Dagster type; only Optional[X] "
        "(a union of one type with None) is supported."
    )
    assert _error(tuple[int, ...]) == (
        "Invalid type: tuple[int, ...]. Variable-length tuples are not supported; list each item type "
        "(Tuple[int, str]) or use List[...]."
    )
    assert (
        _error(Optional) == "Invalid type: Optional needs an inner type, e.g. Optional[Int] or Optional[str]."
    )
    assert _error(typing.FrozenSet[int]).startswith("Invalid type: typing.FrozenSet[int]")


def test_errors_name_the_offending_inner_type():
    assert _error(typing.List[Unregistered], "input x").startswith(
        f"Invalid type for input x: the class {__name__}.Unregistered is not a Dagster type."
    )
    with pytest.raises(
        DagsterInvalidDefinitionError, match=r"the class .*Unregistered is not a Dagster type"
    ):
        List[Unregistered]
    with pytest.raises(
        DagsterInvalidDefinitionError, match=r"Dict\[\.\.\.\] takes a key type and a value type"
    ):
        Dict[str]


def test_nothing_cannot_be_optional_or_in_a_set():
    assert _error(typing.Optional[dagster.Nothing]) == (
        "Invalid type: Optional[Nothing]. Nothing carries no value, so it cannot be optional; use Nothing itself."
    )
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        Set[Nothing]
    assert str(exc_info.value) == (
        "Invalid type: Set[Nothing]. Nothing carries no value, so a set cannot hold it; "
        "use Nothing itself to order solids."
    )
