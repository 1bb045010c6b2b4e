from dagster import Array, Enum, EnumValue, Field, Noneable, Permissive, ScalarUnion, Selector, Shape
from dagster.cli.config_scaffolder import scaffold_type
from dagster.config.field import resolve_to_config_type


def scaffold(spec, skip_non_required=True):
    return scaffold_type(resolve_to_config_type(spec), skip_non_required=skip_non_required)


def test_scalars_and_any():
    assert scaffold(int) == 0
    assert scaffold(str) == ""
    assert scaffold(bool) is True
    assert scaffold(float) == 0.0  # 0.7 crashed on Float


def test_any_array_enum():
    from dagster import Any

    assert scaffold(Any) == "AnyType"
    assert scaffold([int]) == []
    assert scaffold(Array(str)) == []
    color = Enum("Color", [EnumValue("RED"), EnumValue("GREEN"), EnumValue("BLUE")])
    assert scaffold(color) == "RED|GREEN|BLUE"


def test_noneable_and_scalar_union_are_scaffolded_not_crashing():
    assert scaffold(Noneable(int)) == 0
    assert scaffold(Noneable(Shape({"a": str}))) == {"a": ""}
    assert scaffold(ScalarUnion(scalar_type=str, non_scalar_type={"value": str})) == ""


def test_shapes_skip_optional_fields_only_when_asked():
    spec = {
        "required": int,
        "optional": Field(str, is_required=False),
        "with_default": Field(float, default_value=1.5),
        "nested": {"inner": bool},
    }
    assert scaffold(spec) == {"required": 0, "nested": {"inner": True}}
    assert scaffold(spec, skip_non_required=False) == {
        "required": 0,
        "optional": "",
        "with_default": 0.0,
        "nested": {"inner": True},
    }
    assert scaffold(Permissive({"a": int})) == {"a": 0}


def test_selector_lists_every_choice():
    selector = Selector({"csv": {"path": str}, "parquet": {"path": str, "columns": [str]}})
    assert scaffold(selector, skip_non_required=False) == {
        "csv": {"path": ""},
        "parquet": {"path": "", "columns": []},
    }
