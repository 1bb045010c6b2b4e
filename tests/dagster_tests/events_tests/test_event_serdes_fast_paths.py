"""Event records take fast paths through serdes: the generated writers and the trusted readers.

Whatever record goes in, the fast writer must produce exactly the bytes of the reference path
(``json.dumps(pack_value(record), sort_keys=True)``, the 0.7 format), and the fast reader must give
back exactly what the validating constructors give: same values, same types.
"""

from __future__ import annotations

import gc
import glob
import json
import math
import os
import sqlite3
from enum import Enum
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dagster import check
from dagster.core.definitions.dependency import SolidHandle
from dagster.core.definitions.events import EventMetadataEntry, ExpectationResult, Materialization
from dagster.core.events import (
    DagsterEvent,
    EngineEventData,
    ObjectStoreOperationResultData,
    StepExpectationResultData,
    StepFailureData,
    StepInputData,
    StepMaterializationData,
    StepOutputData,
    StepOutputHandle,
    StepRetryData,
    StepSuccessData,
    TypeCheckData,
    UserFailureData,
)
from dagster.core.events.log import DagsterEventRecord, EventRecord, LogMessageRecord
from dagster.serdes import (
    _WHITELISTED_ENUMS,
    _WHITELISTED_TUPLES,
    deserialize_json_to_dagster_namedtuple,
    deserialize_value,
    deserialize_values,
    pack_value,
    serialize_dagster_namedtuple,
    serialize_value,
    whitelist_for_serdes,
)
from dagster.utils.error import SerializableErrorInfo

FIXTURE_RUNS = os.path.join(
    os.path.dirname(__file__),
    "..",
    "..",
    "..",
    "..",
    "shared",
    "fixtures",
    "dagster-0.7.16-home",
    "history",
    "runs",
)


# -- the reference paths ----------------------------------------------------------------------


def reference_text(value: Any) -> str:
    """What the stdlib encoder writes for ``value``: the format the fast writer must reproduce."""
    return json.dumps(pack_value(value), sort_keys=True)


def _validating_hook(obj: dict) -> Any:
    tag = obj.pop("__class__", None)
    if tag is not None:
        return _WHITELISTED_TUPLES[tag](**obj)
    if set(obj) == {"__enum__"}:
        enum_name, member = obj["__enum__"].rsplit(".", 1)
        return _WHITELISTED_ENUMS[enum_name][member]
    return obj


def read_through_constructors(text: str) -> Any:
    """Rebuild every record of ``text`` with its validating constructor."""
    return json.loads(text, object_hook=_validating_hook)


def assert_same(left: Any, right: Any, path: str = "record") -> None:
    """Equal values of identical types all the way down (``1 == 1.0 == True`` does not count)."""
    assert type(left) is type(right), f"{path}: {type(left).__name__} != {type(right).__name__}"
    if isinstance(left, (tuple, list)):
        assert len(left) == len(right), path
        for index, (a, b) in enumerate(zip(left, right)):
            assert_same(a, b, f"{path}[{index}]")
    elif isinstance(left, dict):
        assert left.keys() == right.keys(), path
        for key in left:
            assert_same(left[key], right[key], f"{path}[{key!r}]")
    elif isinstance(left, float) and math.isnan(left):
        assert math.isnan(right), path
    else:
        assert left == right, path


# -- strategies for event records ---------------------------------------------------------------

texts = st.text(max_size=30)
opt_texts = st.none() | texts
finite_floats = st.floats(allow_nan=False, allow_infinity=False)
json_leaves = st.none() | st.booleans() | st.integers() | finite_floats | texts
json_data = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)

metadata_entries = st.lists(
    st.one_of(
        st.builds(EventMetadataEntry.text, texts, texts, opt_texts),
        st.builds(EventMetadataEntry.url, texts, texts, opt_texts),
        st.builds(EventMetadataEntry.path, texts, texts, opt_texts),
        st.builds(EventMetadataEntry.md, texts, texts, opt_texts),
        st.builds(EventMetadataEntry.float, finite_floats, texts, opt_texts),
        st.builds(EventMetadataEntry.json, st.dictionaries(texts, json_data, max_size=3), texts, opt_texts),
        st.builds(EventMetadataEntry.python_artifact, st.sampled_from([dict, json.dumps]), texts),
    ),
    max_size=3,
)
errors = st.recursive(
    st.builds(SerializableErrorInfo, texts, st.lists(texts, max_size=3), opt_texts),
    lambda cause: st.builds(SerializableErrorInfo, texts, st.lists(texts, max_size=3), opt_texts, cause),
    max_leaves=3,
)
type_checks = st.builds(TypeCheckData, st.booleans(), texts, opt_texts, metadata_entries)
handles = st.recursive(
    st.builds(SolidHandle, texts, st.none()), lambda parent: st.builds(SolidHandle, texts, parent)
)
event_data = st.one_of(
    st.none(),
    st.builds(StepOutputData, st.builds(StepOutputHandle, texts, texts), st.none(), st.none() | type_checks),
    st.builds(StepInputData, texts, st.none() | type_checks),
    st.builds(StepSuccessData, finite_floats),
    st.builds(
        StepFailureData,
        st.none() | errors,
        st.none() | st.builds(UserFailureData, texts, opt_texts, metadata_entries),
    ),
    st.builds(StepRetryData, st.none() | errors, st.none() | st.integers(0, 60) | finite_floats),
    st.builds(
        StepMaterializationData,
        st.builds(Materialization, texts, opt_texts, metadata_entries, opt_texts),
    ),
    st.builds(
        StepExpectationResultData,
        st.builds(ExpectationResult, st.booleans(), texts, opt_texts, metadata_entries),
    ),
    st.builds(
        ObjectStoreOperationResultData,
        st.sampled_from(["SET_OBJECT", "GET_OBJECT", "RM_OBJECT", "CP_OBJECT"]),
        opt_texts,
        metadata_entries,
    ),
    st.builds(EngineEventData, metadata_entries, st.none() | errors, opt_texts, opt_texts),
)
events = st.builds(
    DagsterEvent,
    st.sampled_from(["STEP_START", "STEP_OUTPUT", "STEP_FAILURE", "ENGINE_EVENT", "PIPELINE_SUCCESS"]),
    texts,
    opt_texts,
    st.none() | handles,
    st.none() | st.just("COMPUTE"),
    st.none() | st.dictionaries(texts, texts, max_size=6),
    event_data,
    opt_texts,
)
records = st.one_of(
    st.builds(
        DagsterEventRecord,
        st.none() | errors,
        texts,
        st.sampled_from([10, 20, 30, 40, 50]),
        texts,
        texts,
        st.floats(min_value=0, max_value=4e9),
        opt_texts,
        opt_texts,
        events,
    ),
    st.builds(
        LogMessageRecord,
        st.none() | errors,
        texts,
        st.integers(0, 50),
        texts,
        texts,
        finite_floats,
        opt_texts,
        opt_texts,
        st.none(),
    ),
)


# -- event records ------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(records)
def test_an_event_record_is_written_exactly_as_the_reference_encoder_writes_it(record):
    assert serialize_dagster_namedtuple(record) == reference_text(record)


@settings(max_examples=300, deadline=None)
@given(records)
def test_reading_an_event_record_back_gives_what_its_constructors_give(record):
    text = serialize_dagster_namedtuple(record)
    fast = deserialize_json_to_dagster_namedtuple(text)
    assert_same(fast, read_through_constructors(text))
    assert_same(fast, record)
    assert serialize_dagster_namedtuple(fast) == text


@settings(max_examples=50, deadline=None)
@given(st.lists(records, max_size=5))
def test_a_batch_of_stored_records_reads_back_in_order(batch):
    texts_ = [serialize_dagster_namedtuple(record) for record in batch]
    read = deserialize_values(texts_)
    assert len(read) == len(batch)
    for fast, record in zip(read, batch):
        assert_same(fast, record)


def test_texts_that_are_not_one_value_each_are_refused_as_a_batch():
    with pytest.raises(ValueError, match="Expected 2 JSON values, found 3"):
        deserialize_values(["1, 2", "3"])


def test_a_batch_read_leaves_the_cyclic_collector_as_it_found_it():
    assert gc.isenabled()
    assert deserialize_values(["1", "2"]) == [1, 2]
    assert gc.isenabled()
    with pytest.raises(ValueError):
        deserialize_values(["{not json"])
    assert gc.isenabled(), "a parse error must not leave the collector off"
    gc.disable()
    try:
        deserialize_values(["1"])
        assert not gc.isenabled(), "a caller that turned the collector off keeps it off"
    finally:
        gc.enable()


def test_every_row_dagster_0_7_stored_reads_as_its_constructors_read_it():
    paths = sorted(glob.glob(os.path.join(FIXTURE_RUNS, "*.db")))
    assert len(paths) == 4, f"the 0.7 fixture home is missing beside the repository: {FIXTURE_RUNS}"
    bodies = []
    for path in paths:
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            bodies.extend(body for (body,) in conn.execute("SELECT event FROM event_logs ORDER BY id"))
        finally:
            conn.close()
    for body in bodies:
        assert_same(EventRecord.from_json(body), read_through_constructors(body))
    for fast, body in zip(deserialize_values(bodies), bodies):
        assert_same(fast, read_through_constructors(body))


def test_a_stored_record_missing_a_field_goes_through_its_constructor():
    # An older writer that did not store a field: the constructor fills its default.
    stored = json.dumps({"__class__": "StepOutputHandle", "step_key": "s.compute"})
    assert_same(deserialize_value(stored), StepOutputHandle("s.compute", "result"))
    # A field the class does not have is an error, as it always was (never silently dropped).
    stored = json.dumps({"__class__": "SolidHandle", "name": "a", "parent": None, "extra": 1})
    with pytest.raises(TypeError, match="extra"):
        deserialize_value(stored)


def test_constructors_called_by_users_still_check_their_arguments():
    with pytest.raises(check.CheckError):
        SolidHandle(3, None)
    with pytest.raises(check.CheckError):
        StepOutputHandle(None)
    with pytest.raises(check.CheckError):
        DagsterEvent("NOT_AN_EVENT_TYPE", "pipe")


def test_a_legacy_pipeline_process_event_still_reads_as_an_engine_event():
    stored = json.dumps(
        {
            "__class__": "DagsterEvent",
            "event_type_value": "PIPELINE_PROCESS_STARTED",
            "pipeline_name": "p",
            "step_key": None,
            "solid_handle": None,
            "step_kind_value": None,
            "logging_tags": {},
            "event_specific_data": {
                "__class__": "PipelineProcessStartedData",
                "pipeline_name": "p",
                "run_id": "r",
                "process_id": 12,
            },
            "message": "m",
        }
    )
    event = deserialize_value(stored)
    assert event.event_type_value == "ENGINE_EVENT"
    assert [(e.label, e.entry_data.text) for e in event.engine_event_data.metadata_entries] == [
        ("pid", "12"),
        ("run_id", "r"),
    ]


# -- any value ----------------------------------------------------------------------------------


@whitelist_for_serdes
class SwatchTone(Enum):
    LIGHT = "LIGHT"
    DARK = "DARK"


@whitelist_for_serdes
class Swatch(NamedTuple):
    Zone: str  # sorts before "__class__"
    shade: Any
    weight: float
    count: int
    glossy: bool
    extra: Any


any_floats = st.floats()  # NaN and infinities too: written as NaN / Infinity like the stdlib
scalars = st.none() | st.booleans() | st.integers() | any_floats | st.text(max_size=12)
swatches = st.builds(
    Swatch,
    texts,
    st.sampled_from(SwatchTone),
    any_floats,
    st.integers(),
    st.booleans(),
    scalars | st.sampled_from(SwatchTone),
)
values = st.recursive(
    scalars | st.sampled_from(SwatchTone) | swatches,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=8), inner, max_size=3),
        # Keys that are not strings, and sets: the stdlib path writes these.
        st.dictionaries(st.integers(), inner, max_size=2),
        st.frozensets(st.integers(), max_size=3),
        st.builds(Swatch, texts, inner, any_floats, st.integers(), st.booleans(), inner),
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_any_value_is_written_exactly_as_the_reference_encoder_writes_it(value):
    assert serialize_value(value) == reference_text(value)


def test_a_field_that_sorts_before_the_class_tag_is_written_first():
    text = serialize_value(Swatch("z", SwatchTone.DARK, 1.5, 2, True, None))
    assert text == (
        '{"Zone": "z", "__class__": "Swatch", "count": 2, "extra": null, "glossy": true, '
        '"shade": {"__enum__": "SwatchTone.DARK"}, "weight": 1.5}'
    )
    assert text == reference_text(Swatch("z", SwatchTone.DARK, 1.5, 2, True, None))


def test_an_unserializable_value_raises_what_the_reference_path_raises():
    class Opaque:
        pass

    with pytest.raises(check.CheckError, match="Cannot serialize a value of type Opaque"):
        serialize_value({"a": [Opaque()]})


def test_a_remembered_text_is_reused_only_for_a_record_of_the_same_strings():
    # Handles made of strings are written once and their text reused on every event of the step.
    handle = SolidHandle("extract", None)
    assert serialize_value(handle) == serialize_value(SolidHandle("extract", None)) == reference_text(handle)
    # Records read from odd storage may hold other values where strings were declared; equal
    # values of other types (1 == True) must still be written as what they are.
    as_int = tuple.__new__(StepOutputHandle, (1, "result"))
    as_bool = tuple.__new__(StepOutputHandle, (True, "result"))
    assert as_int == as_bool
    assert (
        serialize_value(as_int)
        == reference_text(as_int)
        == '{"__class__": "StepOutputHandle", "output_name": "result", "step_key": 1}'
    )
    assert (
        serialize_value(as_bool)
        == reference_text(as_bool)
        == '{"__class__": "StepOutputHandle", "output_name": "result", "step_key": true}'
    )
    unhashable = tuple.__new__(StepOutputHandle, (["s"], "result"))
    assert serialize_value(unhashable) == reference_text(unhashable)
