"""Records survive a JSON round trip in the exact format Dagster 0.7 stored."""

import json
from enum import Enum
from typing import NamedTuple

import pytest

from dagster import check
from dagster.serdes import (
    ConfigurableClassData,
    SerdesClassUsageError,
    deserialize_json_to_dagster_namedtuple,
    deserialize_value,
    register_serdes_alias,
    serialize_dagster_namedtuple,
    serialize_value,
    whitelist_for_serdes,
)


@whitelist_for_serdes
class Colour(Enum):
    RED = "RED"
    BLUE = "BLUE"


@whitelist_for_serdes
class Inner(NamedTuple):
    label: str
    colour: Colour


@whitelist_for_serdes
class Outer(NamedTuple):
    name: str
    inners: list
    mapping: dict
    maybe: object = None


class NotRegistered(NamedTuple):
    x: int


def test_round_trip_nested_records_enums_lists_and_dicts():
    value = Outer("o", [Inner("a", Colour.RED), Inner("b", Colour.BLUE)], {"k": Inner("c", Colour.RED)}, None)
    text = serialize_dagster_namedtuple(value)
    assert deserialize_json_to_dagster_namedtuple(text) == value


def test_format_is_tagged_and_sorted():
    text = serialize_dagster_namedtuple(Inner("a", Colour.RED))
    assert text == '{"__class__": "Inner", "colour": {"__enum__": "Colour.RED"}, "label": "a"}'


def test_sets_and_frozensets_round_trip():
    assert deserialize_value(serialize_value({"s": {1, 2}, "f": frozenset({"x"})})) == {
        "s": {1, 2},
        "f": frozenset({"x"}),
    }


def test_unregistered_record_is_named_in_the_error():
    with pytest.raises(SerdesClassUsageError, match="NotRegistered is not whitelisted"):
        serialize_value([NotRegistered(1)])
    with pytest.raises(check.CheckError, match="NotRegistered is not whitelisted"):
        serialize_dagster_namedtuple(NotRegistered(1))


def test_unknown_stored_class_says_it_may_be_newer():
    with pytest.raises(SerdesClassUsageError, match='class "FromTheFuture".*newer version'):
        deserialize_value(json.dumps({"__class__": "FromTheFuture", "x": 1}))


def test_unknown_enum_is_named():
    with pytest.raises(SerdesClassUsageError, match="unknown enum Shade"):
        deserialize_value(json.dumps({"__enum__": "Shade.DARK"}))


def test_alias_reads_records_stored_under_an_old_name():
    register_serdes_alias("OldInner", Inner)
    stored = json.dumps({"__class__": "OldInner", "label": "z", "colour": {"__enum__": "Colour.BLUE"}})
    assert deserialize_value(stored) == Inner("z", Colour.BLUE)


def test_configurable_class_data_round_trips_and_checks_its_arguments():
    data = ConfigurableClassData("pkg.mod", "Klass", "base_dir: /tmp\n")
    assert deserialize_json_to_dagster_namedtuple(serialize_dagster_namedtuple(data)) == data
    assert data.info_str("  ") == "  module: pkg.mod\n  class: Klass\n  config:\n    base_dir: /tmp"
    with pytest.raises(check.ParameterCheckError, match='Param "class_name" is not a string'):
        ConfigurableClassData("pkg.mod", 3, "")
