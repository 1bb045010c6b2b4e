"""Serialization strategies: the default pickle, a custom text strategy, atomic file writes."""

from __future__ import annotations

import io
import json
import os

import pytest

import dagster
from dagster.core.types.dagster_type import DagsterType, Int
from dagster.core.types.marshal import (
    PickleSerializationStrategy,
    SerializationStrategy,
    deserialize_from_file,
    serialize_to_file,
)


class JsonStrategy(SerializationStrategy):
    def __init__(self):
        super().__init__("json", write_mode="w", read_mode="r", encoding="utf-8")

    def serialize(self, value, write_file_obj):
        json.dump(value, write_file_obj)

    def deserialize(self, read_file_obj):
        return json.load(read_file_obj)


def test_pickle_strategy_round_trip():
    strategy = PickleSerializationStrategy()
    assert (strategy.name, strategy.write_mode, strategy.read_mode, strategy.encoding) == (
        "pickle",
        "wb",
        "rb",
        None,
    )
    buffer = io.BytesIO()
    strategy.serialize({"a": (1, 2), "b": {3}}, buffer)
    buffer.seek(0)
    assert strategy.deserialize(buffer) == {"a": (1, 2), "b": {3}}
    assert PickleSerializationStrategy("named").name == "named"
    assert repr(strategy) == "PickleSerializationStrategy(name='pickle')"


def test_files_round_trip(tmp_path):
    path = str(tmp_path / "value.pkl")
    serialize_to_file(PickleSerializationStrategy(), [1, "two"], path)
    assert deserialize_from_file(PickleSerializationStrategy(), path) == [1, "two"]
    text_path = str(tmp_path / "value.json")
    serialize_to_file(JsonStrategy(), {"é": 1}, text_path)
    with open(text_path, encoding="utf-8") as text_file:
        assert text_file.read() == '{"\\u00e9": 1}'
    assert deserialize_from_file(JsonStrategy(), text_path) == {"é": 1}


def test_failed_serialization_leaves_no_partial_file(tmp_path):
    path = tmp_path / "value.json"
    serialize_to_file(JsonStrategy(), {"old": True}, str(path))
    with pytest.raises(TypeError):
        serialize_to_file(JsonStrategy(), {"new": object()}, str(path))
    assert json.loads(path.read_text()) == {"old": True}
    assert os.listdir(tmp_path) == ["value.json"]


def test_abstract_methods_are_required():
    class Incomplete(SerializationStrategy):
        def serialize(self, value, write_file_obj):
            write_file_obj.write(b"")

    with pytest.raises(TypeError, match="deserialize"):
        Incomplete("incomplete")


def test_types_default_to_pickle_and_accept_custom():
    assert isinstance(Int.serialization_strategy, PickleSerializationStrategy)
    strategy = JsonStrategy()
    custom = DagsterType(lambda _, __: True, name="JsonStored", serialization_strategy=strategy)
    assert custom.serialization_strategy is strategy
    assert dagster.SerializationStrategy is SerializationStrategy
    assert dagster.PickleSerializationStrategy is PickleSerializationStrategy


def test_a_bad_file_mode_leaves_no_temp_file(tmp_path):
    from dagster.core.types.marshal import write_atomically

    with pytest.raises(ValueError, match="mode"):
        write_atomically(str(tmp_path / "value"), "not-a-mode", lambda file_obj: None)
    assert os.listdir(tmp_path) == []


def test_a_subclass_of_the_pickle_strategy_is_called_with_a_file(tmp_path):
    class CountingPickle(PickleSerializationStrategy):
        calls = []

        def serialize(self, value, write_file_obj):
            self.calls.append(("serialize", write_file_obj.mode))
            super().serialize(value, write_file_obj)

        def deserialize(self, read_file_obj):
            self.calls.append(("deserialize", read_file_obj.mode))
            return super().deserialize(read_file_obj)

    path = str(tmp_path / "value")
    serialize_to_file(CountingPickle(), {"a": 1}, path)
    assert deserialize_from_file(CountingPickle(), path) == {"a": 1}
    assert CountingPickle.calls == [("serialize", "wb"), ("deserialize", "rb")]


def test_read_bytes_reads_to_the_end_whatever_the_reported_size(tmp_path):
    from dagster.core.types.marshal import read_bytes

    (tmp_path / "empty").write_bytes(b"")
    assert read_bytes(str(tmp_path / "empty")) == b""
    if os.path.exists("/proc/self/status"):  # reported as 0 bytes long, yet it has content
        assert read_bytes("/proc/self/status").startswith(b"Name:")
