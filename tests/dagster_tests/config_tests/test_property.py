"""Property tests: random schemas accept the values generated for them and reject mutated ones.

A mutation is one of: a value of the wrong kind at some path, an unknown key in a strict dict, or
a required field removed. The processor must not crash, must fail, and one of its errors must point
at exactly the mutated spot.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster import Array, Enum, EnumValue, Field, Noneable, Permissive, ScalarUnion, Selector, Shape
from dagster.config.config_type import (
    ConfigAnyInstance,
    ConfigBoolInstance,
    ConfigFloatInstance,
    ConfigIntInstance,
    ConfigStringInstance,
    ConfigType,
    ConfigTypeKind,
)
from dagster.config.errors import DagsterEvaluationErrorReason as Reason
from dagster.config.errors import EvaluationError
from dagster.config.stack import EvaluationStackListItemEntry
from dagster.config.validate import process_config, validate_config

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ["a", "b", "c", "d", "e"]
UNKNOWN_KEY = "zz_not_a_field"

COLOR = Enum("Color", [EnumValue("RED"), EnumValue("GREEN"), EnumValue("BLUE")])
SCALARS = [ConfigIntInstance, ConfigFloatInstance, ConfigBoolInstance, ConfigStringInstance]

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=4))
json_values = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


class Junk:
    """A value no config type accepts except Any."""

    def __repr__(self) -> str:
        return "Junk()"


def values_for(config_type: ConfigType) -> st.SearchStrategy:
    """Values valid for ``config_type`` (config form, before processing)."""
    kind = config_type.kind
    if config_type is ConfigIntInstance:
        return st.integers()
    if config_type is ConfigFloatInstance:
        return st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False))
    if config_type is ConfigBoolInstance:
        return st.booleans()
    if config_type is ConfigStringInstance:
        return st.text(max_size=5)
    if kind == ConfigTypeKind.ANY:
        return json_values
    if kind == ConfigTypeKind.ENUM:
        return st.sampled_from(config_type.config_values)
    if kind == ConfigTypeKind.NONEABLE:
        return st.one_of(st.none(), values_for(config_type.inner_type))
    if kind == ConfigTypeKind.ARRAY:
        return st.lists(values_for(config_type.inner_type), max_size=3)
    if kind == ConfigTypeKind.SCALAR_UNION:
        return st.one_of(values_for(config_type.scalar_type), values_for(config_type.non_scalar_type))
    if kind == ConfigTypeKind.SELECTOR:
        return st.one_of(
            [
                selected_values(field.config_type).map(lambda value, name=name: {name: value})
                for name, field in config_type.fields.items()
            ]
        )
    required = {name: values_for(f.config_type) for name, f in config_type.fields.items() if f.is_required}
    optional = {
        name: values_for(f.config_type) for name, f in config_type.fields.items() if not f.is_required
    }
    shape = st.fixed_dictionaries(required, optional=optional)
    if kind == ConfigTypeKind.PERMISSIVE_SHAPE:
        extras = st.dictionaries(st.sampled_from(["x1", "x2"]), json_values, max_size=2)
        return st.tuples(shape, extras).map(lambda pair: {**pair[1], **pair[0]})
    return shape


def selected_values(config_type: ConfigType) -> st.SearchStrategy:
    """Values for a selector's chosen field: null counts as {} when the type has fields."""
    values = values_for(config_type)
    if config_type.has_fields and validate_config(config_type, {}).success:
        return st.one_of(st.none(), values)
    return values


def accepts_anything(config_type: ConfigType) -> bool:
    while config_type.kind == ConfigTypeKind.NONEABLE:
        config_type = config_type.inner_type
    return config_type.kind == ConfigTypeKind.ANY


def fields_from(types: st.SearchStrategy) -> st.SearchStrategy:
    def make_field(config_type: ConfigType) -> st.SearchStrategy:
        return st.one_of(
            st.just(Field(config_type)),
            st.just(Field(config_type, is_required=False)),
            values_for(config_type).map(lambda default: Field(config_type, default_value=default)),
        )

    return types.flatmap(make_field)


def extend(children: st.SearchStrategy) -> st.SearchStrategy:
    fields = st.dictionaries(st.sampled_from(NAMES), fields_from(children), max_size=4)
    shapes = fields.map(Shape)
    selectors = st.dictionaries(st.sampled_from(NAMES), fields_from(children), min_size=1, max_size=3).map(
        Selector
    )
    return st.one_of(
        shapes,
        fields.map(Permissive),
        selectors,
        children.map(Array),
        children.map(Noneable),
        st.builds(ScalarUnion, st.sampled_from(SCALARS), st.one_of(shapes, selectors, children.map(Array))),
    )


schemas = st.recursive(st.sampled_from(SCALARS + [ConfigAnyInstance, COLOR]), extend, max_leaves=8)
schema_and_value = schemas.flatmap(lambda schema: st.tuples(st.just(schema), values_for(schema)))


def mutation_sites(config_type: ConfigType, value: Any, path: tuple) -> list[tuple[str, tuple]]:
    """Every (mutation, path) that must make ``value`` invalid for ``config_type``."""
    kind = config_type.kind
    sites: list[tuple[str, tuple]] = [] if accepts_anything(config_type) else [("junk", path)]
    if kind == ConfigTypeKind.NONEABLE:
        if value is not None:
            sites += [
                site for site in mutation_sites(config_type.inner_type, value, path) if site != ("junk", path)
            ]
    elif kind == ConfigTypeKind.ARRAY:
        for index, item in enumerate(value):
            sites += mutation_sites(config_type.inner_type, item, path + (index,))
    elif kind == ConfigTypeKind.SCALAR_UNION:
        if isinstance(value, (dict, list)):
            sites += [
                site
                for site in mutation_sites(config_type.non_scalar_type, value, path)
                if site != ("junk", path)
            ]
    elif kind == ConfigTypeKind.SELECTOR:
        sites.append(("extra_key", path))
        ((name, item),) = value.items()
        if item is not None:
            sites += mutation_sites(config_type.fields[name].config_type, item, path + (name,))
    elif ConfigTypeKind.is_shape(kind):
        if kind == ConfigTypeKind.STRICT_SHAPE:
            sites.append(("extra_key", path))
        for name, field in config_type.fields.items():
            if name in value:
                if field.is_required:
                    sites.append(("drop", path + (name,)))
                sites += mutation_sites(field.config_type, value[name], path + (name,))
    return sites


def mutate(value: Any, mutation: str, path: tuple) -> Any:
    if not path:
        if mutation == "junk":
            return Junk()
        assert mutation == "extra_key"
        return {**value, UNKNOWN_KEY: 1}
    head, rest = path[0], path[1:]
    if mutation == "drop" and not rest:
        return {key: item for key, item in value.items() if key != head}
    copy = list(value) if isinstance(value, list) else dict(value)
    copy[head] = mutate(value[head], mutation, rest)
    return copy


def error_path(error: EvaluationError) -> tuple:
    return tuple(
        entry.list_index if isinstance(entry, EvaluationStackListItemEntry) else entry.field_name
        for entry in error.stack.entries
    )


@SETTINGS
@given(schema_and_value)
def test_generated_values_are_accepted_and_processing_is_idempotent(pair):
    schema, value = pair
    result = process_config(schema, value)
    assert result.success, [error.message for error in result.errors]
    assert validate_config(schema, value).success
    again = process_config(schema, result.value)
    assert again.success, [error.message for error in again.errors]
    assert again.value == result.value


@SETTINGS
@given(schema_and_value, st.data())
def test_mutated_values_are_rejected_at_the_mutation(pair, data):
    schema, value = pair
    sites = mutation_sites(schema, value, ())
    if not sites:  # a bare Any schema accepts everything
        return
    mutation, path = data.draw(st.sampled_from(sites))
    result = process_config(schema, mutate(value, mutation, path))
    assert not result.success
    expected_path = path[:-1] if mutation == "drop" else path
    expected_reasons = {
        "junk": {Reason.RUNTIME_TYPE_MISMATCH},
        "extra_key": {Reason.FIELD_NOT_DEFINED, Reason.SELECTOR_FIELD_ERROR},
        "drop": {Reason.MISSING_REQUIRED_FIELD, Reason.MISSING_REQUIRED_FIELDS},
    }[mutation]
    assert any(
        error_path(error) == expected_path and error.reason in expected_reasons for error in result.errors
    ), [(error_path(error), error.reason, error.message) for error in result.errors]


@SETTINGS
@given(schemas, json_values)
def test_arbitrary_values_never_crash(schema, value):
    result = process_config(schema, value)
    if result.success:
        assert result.errors == []
    else:
        assert result.value is None
        assert all(isinstance(error, EvaluationError) and error.message for error in result.errors)


@SETTINGS
@given(schemas)
def test_schemas_are_memoized_by_structure(schema):
    if ConfigTypeKind.has_fields(schema.kind):
        assert type(schema)(dict(schema.fields), schema.description) is schema
