"""Type checks of every builtin and collection type: what passes, what fails and the exact reason."""

from __future__ import annotations

import pytest

from dagster.core.definitions.events import EventMetadataEntry, TypeCheck
from dagster.core.types.dagster_type import (
    ALL_RUNTIME_BUILTINS,
    Any,
    Bool,
    DagsterTypeKind,
    Float,
    Int,
    List,
    Nothing,
    Optional,
    Path,
    PythonObjectDagsterType,
    String,
    create_any_type,
)
from dagster.core.types.python_dict import Dict, PythonDict
from dagster.core.types.python_set import PythonSet, Set
from dagster.core.types.python_tuple import PythonTuple, Tuple


def passes(dagster_type, value) -> bool:
    result = dagster_type.type_check(None, value)
    assert isinstance(result, TypeCheck)
    return result.success


def failure(dagster_type, value) -> str:
    result = dagster_type.type_check(None, value)
    assert result.success is False
    return result.description


@pytest.mark.parametrize(
    ("dagster_type", "good", "bad", "description"),
    [
        (Int, [0, -5, 10**30], [1.0, "1", True, None], 'Value "1.0" of python type "float" must be an int.'),
        (Float, [1.5, 0, -3], ["1.5", True, None], 'Value "1.5" of python type "str" must be a float.'),
        (Bool, [True, False], [1, 0, "true", None], 'Value "1" of python type "int" must be a bool.'),
        (String, ["", "abc"], [b"abc", 1, None], 'Value "b\'abc\'" of python type "bytes" must be a string.'),
        (Path, ["/tmp/x", ""], [3, None], 'Value "3" of python type "int" must be a string (a path).'),
        (
            Nothing,
            [None],
            [0, "", []],
            'Value "0" of python type "int" must be None (a Nothing output carries no value).',
        ),
    ],
    ids=lambda v: getattr(v, "display_name", None),
)
def test_builtin_checks(dagster_type, good, bad, description):
    for value in good:
        assert passes(dagster_type, value), value
    for value in bad:
        assert not passes(dagster_type, value), value
    assert failure(dagster_type, bad[0]) == description


def test_any_accepts_everything():
    for value in [None, 1, "x", object(), [1], {"a": 1}]:
        assert passes(Any, value)


def test_long_values_are_cut_in_descriptions():
    assert failure(Int, "x" * 500) == f'Value "{"x" * 97}..." of python type "str" must be an int.'


def test_builtin_attributes():
    assert [t.key for t in ALL_RUNTIME_BUILTINS] == [
        "Any",
        "Bool",
        "Float",
        "Int",
        "String",
        "Nothing",
        "Path",
    ]
    for builtin in ALL_RUNTIME_BUILTINS:
        assert builtin.is_builtin
        assert builtin.name == builtin.key == builtin.display_name
        assert builtin.inner_types == []
    assert Int.kind is DagsterTypeKind.SCALAR and Int.is_scalar and not Int.is_any
    assert Any.kind is DagsterTypeKind.ANY and Any.is_any
    assert Nothing.kind is DagsterTypeKind.NOTHING and Nothing.is_nothing
    assert Nothing.input_hydration_config is None and Nothing.output_materialization_config is None
    for scalar in (Int, Float, Bool, String, Path, Any):
        assert scalar.input_hydration_config is not None
        assert scalar.output_materialization_config is not None
    assert Int.serialization_strategy.name == "pickle"
    assert Int.required_resource_keys == frozenset()


def test_list():
    list_int = List[Int]
    assert list_int is List(Int) is List[Int]
    assert (list_int.key, list_int.name, list_int.display_name) == ("List.Int", None, "[Int]")
    assert list_int.kind is DagsterTypeKind.LIST and list_int.is_list
    assert list_int.inner_types == [Int] and list_int.type_param_keys == ["Int"]
    assert passes(list_int, []) and passes(list_int, [1, 2])
    assert (
        failure(list_int, (1, 2))
        == 'Value "(1, 2)" of python type "tuple" must be a list (Dagster type [Int]).'
    )
    assert (
        failure(list_int, [1, "b"])
        == 'Item at index 1 of the list: Value "b" of python type "str" must be an int.'
    )
    nested = List[List[String]]
    assert nested.display_name == "[[String]]"
    assert nested.inner_types == [List[String], String]
    assert failure(nested, [["a"], ["b", 2]]) == (
        'Item at index 1 of the list: Item at index 1 of the list: Value "2" of python type "int" must be a string.'
    )
    assert passes(List[Any], [None, object()])


def test_optional():
    opt = Optional[Int]
    assert opt is Optional[Int]
    assert (opt.key, opt.display_name, opt.kind) == ("Optional.Int", "Int?", DagsterTypeKind.NULLABLE)
    assert opt.is_nullable
    assert passes(opt, None) and passes(opt, 3)
    assert failure(opt, "3") == 'Value "3" of python type "str" must be an int.'
    assert Optional[List[Int]].display_name == "[Int]?"


def test_python_dict_and_typed_dict():
    assert PythonDict.key == PythonDict.name == "PythonDict"
    assert passes(PythonDict, {}) and passes(PythonDict, {1: object()})
    assert failure(PythonDict, [1]) == (
        'Value "[1]" of python type "list" must be an instance of "dict" (Dagster type "PythonDict").'
    )
    typed = Dict[String, Int]
    assert typed is Dict[str, int]
    assert (typed.key, typed.name, typed.display_name) == (
        "TypedPythonDict.String.Int",
        None,
        "Dict[String,Int]",
    )
    assert typed.type_param_keys == ["String", "Int"]
    assert passes(typed, {"a": 1})
    assert (
        failure(typed, {"a": 1, 2: 3})
        == 'Key "2" of the dict: Value "2" of python type "int" must be a string.'
    )
    assert (
        failure(typed, {"a": "x"})
        == 'Value at key "a" of the dict: Value "x" of python type "str" must be an int.'
    )
    assert failure(typed, [("a", 1)]) == (
        'Value "[(\'a\', 1)]" of python type "list" must be a dict (Dagster type Dict[String,Int]).'
    )


def test_python_set_and_typed_set():
    assert passes(PythonSet, {1, "a"})
    assert not passes(PythonSet, [1])
    typed = Set[Int]
    assert typed is Set[int]
    assert (typed.key, typed.display_name) == ("TypedPythonSet.Int", "Set[Int]")
    assert passes(typed, {1, 2}) and passes(typed, set())
    assert failure(typed, {"a"}) == 'Item "a" of the set: Value "a" of python type "str" must be an int.'
    assert failure(typed, [1]) == 'Value "[1]" of python type "list" must be a set (Dagster type Set[Int]).'


def test_python_tuple_and_typed_tuple():
    assert passes(PythonTuple, ()) and not passes(PythonTuple, [])
    typed = Tuple[Int, String]
    assert typed is Tuple[int, str]
    assert (typed.key, typed.display_name) == ("TypedPythonTuple.Int.String", "Tuple[Int,String]")
    assert typed.inner_types == [Int, String]
    assert passes(typed, (1, "a"))
    assert (
        failure(typed, (1, "a", 2))
        == "A tuple of 3 items was given where Dagster type Tuple[Int,String] expects 2."
    )
    assert (
        failure(typed, ("a", "a"))
        == 'Item at index 0 of the tuple: Value "a" of python type "str" must be an int.'
    )
    assert failure(typed, [1, "a"]) == (
        'Value "[1, \'a\']" of python type "list" must be a tuple (Dagster type Tuple[Int,String]).'
    )
    assert Tuple[int].display_name == "Tuple[Int]"


class Frame:
    pass


def test_python_object_dagster_type():
    frame_type = PythonObjectDagsterType(Frame)
    assert (frame_type.key, frame_type.name, frame_type.python_type) == ("Frame", "Frame", Frame)
    assert frame_type.kind is DagsterTypeKind.REGULAR and not frame_type.is_builtin
    assert passes(frame_type, Frame())
    assert (
        failure(frame_type, "x")
        == 'Value "x" of python type "str" must be an instance of "Frame" (Dagster type "Frame").'
    )
    named = PythonObjectDagsterType(Frame, name="DataFrame", description="rows")
    assert (named.key, named.name, named.description) == ("DataFrame", "DataFrame", "rows")
    assert PythonObjectDagsterType(Frame, key="k", name="n").key == "k"


def test_python_object_dagster_type_errors():
    from dagster.core.errors import DagsterInvalidDefinitionError

    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PythonObjectDagsterType(list[int])
    assert (
        str(exc_info.value) == "PythonObjectDagsterType needs a Python class as python_type, got list[int]."
    )
    with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
        PythonObjectDagsterType(Frame, type_check_fn=lambda _, __: True)
    assert str(exc_info.value) == (
        "PythonObjectDagsterType(Frame) checks isinstance itself and takes no type_check_fn. "
        "For a custom check, use DagsterType(type_check_fn, name=...)."
    )


def test_create_any_type():
    anyish = create_any_type("Blob", description="opaque bytes")
    assert (anyish.key, anyish.name, anyish.description) == ("Blob", "Blob", "opaque bytes")
    assert anyish.is_any and anyish.kind is DagsterTypeKind.ANY and not anyish.is_builtin
    assert passes(anyish, object())
    assert anyish.input_hydration_config is None


def test_collection_types_carry_metadata_of_failed_items():
    from dagster.core.types.dagster_type import DagsterType

    entry = EventMetadataEntry.text("negative", "reason")
    positive = DagsterType(
        lambda _ctx, value: TypeCheck(value > 0, "not positive", [entry]),
        name="Positive",
    )
    result = List[positive].type_check(None, [1, -1])
    assert result == TypeCheck(False, "Item at index 1 of the list: not positive", [entry])
