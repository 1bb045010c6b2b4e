"""Property tests: values survive materialize → hydrate, records survive serdes, checks agree with
isinstance, for generated inputs."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster.config.validate import process_config
from dagster.core.definitions.events import EventMetadataEntry, ExpectationResult, Materialization, TypeCheck
from dagster.core.types.dagster_type import Any, Bool, Float, Int, List, Optional, String
from dagster.serdes import deserialize_json_to_dagster_namedtuple, serialize_dagster_namedtuple

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)
labels = st.text(min_size=1, max_size=12)
descriptions = st.none() | st.text(max_size=20)
entries = st.one_of(
    st.builds(EventMetadataEntry.text, st.text(), labels, descriptions),
    st.builds(EventMetadataEntry.url, st.text(), labels, descriptions),
    st.builds(EventMetadataEntry.path, st.text(), labels, descriptions),
    st.builds(EventMetadataEntry.md, st.text(), labels, descriptions),
    st.builds(EventMetadataEntry.float, st.floats(allow_nan=False), labels, descriptions),
    st.builds(EventMetadataEntry.json, st.dictionaries(st.text(max_size=5), json_values, max_size=3), labels),
)
records = st.one_of(
    st.builds(
        Materialization, labels, descriptions, st.lists(entries, max_size=3), st.none() | st.text(max_size=8)
    ),
    st.builds(ExpectationResult, st.booleans(), labels, descriptions, st.lists(entries, max_size=3)),
    st.builds(TypeCheck, st.booleans(), descriptions, st.lists(entries, max_size=3)),
)

FILE_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _round_trip(dagster_type, value, directory, form):
    path = str(directory / f"value.{form}")
    out_config = process_config(
        dagster_type.output_materialization_config.schema_type, {form: {"path": path}}
    )
    dagster_type.output_materialization_config.materialize_runtime_value(None, out_config.value, value)
    in_config = process_config(dagster_type.input_hydration_config.schema_type, {form: {"path": path}})
    return dagster_type.input_hydration_config.construct_from_config_value(None, in_config.value)


@FILE_SETTINGS
@given(value=json_values)
def test_any_json_round_trip(tmp_path, value):
    assert _round_trip(Any, value, tmp_path, "json") == value


@FILE_SETTINGS
@given(value=json_values | st.tuples(st.integers(), st.text()) | st.frozensets(st.integers(), max_size=4))
def test_any_pickle_round_trip(tmp_path, value):
    assert _round_trip(Any, value, tmp_path, "pickle") == value


@settings(max_examples=100, deadline=None)
@given(record=records)
def test_event_value_records_serdes_round_trip(record):
    assert deserialize_json_to_dagster_namedtuple(serialize_dagster_namedtuple(record)) == record


@settings(max_examples=200, deadline=None)
@given(value=json_values | st.tuples(st.integers()) | st.sets(st.integers(), max_size=3))
def test_scalar_checks_agree_with_isinstance(value):
    is_bool = isinstance(value, bool)
    assert Int.type_check(None, value).success == (isinstance(value, int) and not is_bool)
    assert Float.type_check(None, value).success == (isinstance(value, (int, float)) and not is_bool)
    assert Bool.type_check(None, value).success == is_bool
    assert String.type_check(None, value).success == isinstance(value, str)
    assert Optional[Int].type_check(None, value).success == (
        value is None or (isinstance(value, int) and not is_bool)
    )
    expected_list = isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    )
    assert List[Int].type_check(None, value).success == expected_list
