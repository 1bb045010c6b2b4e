"""The values user code yields, returns or raises, and their storage format."""

from __future__ import annotations

import glob
import json
import os
import sqlite3

import pytest

from dagster import check
from dagster.core.definitions.events import (
    EventMetadataEntry,
    ExpectationResult,
    Failure,
    FloatMetadataEntryData,
    JsonMetadataEntryData,
    MarkdownMetadataEntryData,
    Materialization,
    Output,
    PathMetadataEntryData,
    PythonArtifactMetadataEntryData,
    RetryRequested,
    TextMetadataEntryData,
    TypeCheck,
    UrlMetadataEntryData,
)
from dagster.serdes import (
    deserialize_json_to_dagster_namedtuple,
    serialize_dagster_namedtuple,
    unpack_value,
)

# The read-only fixtures CI and developers keep beside the repository (../shared/fixtures).
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "fixtures")
FIXTURE_RUNS = os.path.join(FIXTURES, "dagster-0.7.16-home", "history", "runs")


def _all_entries() -> list[EventMetadataEntry]:
    return [
        EventMetadataEntry.text("hello", "greeting", description="a text"),
        EventMetadataEntry.url("http://example.com", "site"),
        EventMetadataEntry.path("/tmp/a/b.csv", "file"),
        EventMetadataEntry.fspath("/tmp/a/b.csv"),
        EventMetadataEntry.json({"rows": 3, "cols": ["a", "b"]}, "stats"),
        EventMetadataEntry.md("# Title", "doc"),
        EventMetadataEntry.python_artifact(Materialization, "cls"),
        EventMetadataEntry.float(1.5, "ratio"),
    ]


RECORDS = [
    Output(3),
    Output({"a": [1, 2]}, "other"),
    Materialization("table", description="rows", metadata_entries=_all_entries(), asset_key="db.table"),
    Materialization.file("/data/out/result.parquet"),
    ExpectationResult(True),
    ExpectationResult(False, "non_empty", "no rows", _all_entries()[:2]),
    TypeCheck(True),
    TypeCheck(False, "bad", [EventMetadataEntry.text("x", "value")]),
    *_all_entries(),
    *(entry.entry_data for entry in _all_entries()),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_serdes_round_trip(record):
    assert deserialize_json_to_dagster_namedtuple(serialize_dagster_namedtuple(record)) == record


def test_stored_shape_matches_dagster_07():
    packed = json.loads(serialize_dagster_namedtuple(Materialization.file("/x/y.csv")))
    assert packed == {
        "__class__": "Materialization",
        "asset_key": None,
        "description": None,
        "label": "y.csv",
        "metadata_entries": [
            {
                "__class__": "EventMetadataEntry",
                "description": None,
                "entry_data": {"__class__": "PathMetadataEntryData", "path": "/x/y.csv"},
                "label": "y.csv",
            }
        ],
    }
    packed = json.loads(serialize_dagster_namedtuple(ExpectationResult(True, "non_empty")))
    assert packed == {
        "__class__": "ExpectationResult",
        "description": None,
        "label": "non_empty",
        "metadata_entries": [],
        "success": True,
    }


def _find_records(value, class_names, found):
    if isinstance(value, dict):
        if value.get("__class__") in class_names:
            found.append(value)
            return
        for item in value.values():
            _find_records(item, class_names, found)
    elif isinstance(value, list):
        for item in value:
            _find_records(item, class_names, found)


def test_reads_records_written_by_dagster_07():
    names = {"Materialization", "ExpectationResult", "EventMetadataEntry"}
    found: list[dict] = []
    for db in sorted(glob.glob(os.path.join(FIXTURE_RUNS, "*.db"))):
        with sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True) as conn:
            for (event,) in conn.execute("select event from event_logs"):
                _find_records(json.loads(event), names, found)
    kinds = {record["__class__"] for record in found}
    assert kinds == names
    for raw in found:
        record = unpack_value(raw)
        assert type(record).__name__ == raw["__class__"]
        assert json.loads(serialize_dagster_namedtuple(record)) == raw
    materialization = next(unpack_value(r) for r in found if r["__class__"] == "Materialization")
    assert materialization.label == "clean_rows"
    assert materialization.metadata_entries == [EventMetadataEntry.text("4", "count")]


def test_output_defaults_and_name_check():
    assert Output(1) == (1, "result")
    assert Output(None, "out").output_name == "out"
    with pytest.raises(check.CheckError, match="output_name"):
        Output(1, 2)


def test_materialization_file():
    mat = Materialization.file("/tmp/dir/report.html", description="the report", asset_key="reports")
    assert mat.label == "report.html"
    assert mat.description == "the report"
    assert mat.asset_key == "reports"
    assert mat.metadata_entries == [
        EventMetadataEntry("report.html", None, PathMetadataEntryData("/tmp/dir/report.html"))
    ]
    assert Materialization.file("/tmp/dir/").label == "dir"


def test_materialization_rejects_bad_entries():
    with pytest.raises(check.CheckError, match="must contain only EventMetadataEntry objects, got 'oops'"):
        Materialization("m", metadata_entries=["oops"])
    with pytest.raises(check.CheckError, match="label"):
        Materialization(None)


def test_expectation_result_label_defaults_to_result():
    assert ExpectationResult(False).label == "result"
    with pytest.raises(check.CheckError, match="success"):
        ExpectationResult("yes")


def test_type_check_defaults():
    assert TypeCheck(True) == (True, None, [])
    with pytest.raises(check.CheckError, match="success"):
        TypeCheck(1)


def test_metadata_entry_statics():
    assert EventMetadataEntry.text("t", "l", "d") == EventMetadataEntry("l", "d", TextMetadataEntryData("t"))
    assert EventMetadataEntry.url("u", "l").entry_data == UrlMetadataEntryData("u")
    assert EventMetadataEntry.fspath("/a/b.txt", "custom").label == "custom"
    assert EventMetadataEntry.json({"k": 1}, "l").entry_data == JsonMetadataEntryData({"k": 1})
    assert EventMetadataEntry.md("*x*", "l").entry_data == MarkdownMetadataEntryData("*x*")
    assert EventMetadataEntry.python_artifact(Output, "l").entry_data == PythonArtifactMetadataEntryData(
        "dagster.core.definitions.events", "Output"
    )
    assert EventMetadataEntry.float(2, "l").entry_data == FloatMetadataEntryData(2)


def test_metadata_entry_errors():
    with pytest.raises(
        check.CheckError, match="entry_data of metadata entry 'x' must be one of TextMetadataEntryData"
    ):
        EventMetadataEntry("x", None, "raw")
    with pytest.raises(check.CheckError, match="JSON metadata must be JSON-serializable"):
        EventMetadataEntry.json({"k": object()}, "l")
    with pytest.raises(check.CheckError, match="data"):
        EventMetadataEntry.json({1: "a"}, "l")
    with pytest.raises(check.CheckError, match="must be a class or function, got 3"):
        EventMetadataEntry.python_artifact(3, "l")


def test_failure_and_retry_requested():
    failure = Failure("went wrong", [EventMetadataEntry.text("x", "why")])
    assert str(failure) == "went wrong"
    assert failure.description == "went wrong"
    assert failure.metadata_entries == [EventMetadataEntry.text("x", "why")]
    assert Failure().metadata_entries == []
    retry = RetryRequested(max_retries=3, seconds_to_wait=0.5)
    assert (retry.max_retries, retry.seconds_to_wait) == (3, 0.5)
    assert (RetryRequested().max_retries, RetryRequested().seconds_to_wait) == (1, None)
    with pytest.raises(check.CheckError, match="max_retries"):
        RetryRequested(max_retries="2")
