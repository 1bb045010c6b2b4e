"""Property tests: any text survives an event record's round trip, and formatting never fails."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dagster.core.definitions.dependency import SolidHandle
from dagster.core.definitions.events import EventMetadataEntry
from dagster.core.events import DagsterEvent, StepFailureData, StepInputData, TypeCheckData, UserFailureData
from dagster.core.events.log import DagsterEventRecord, EventRecord
from dagster.core.log_manager import DagsterLogManager
from dagster.utils.error import SerializableErrorInfo

text = st.text(max_size=40)
names = st.from_regex(r"[A-Za-z0-9_]{1,12}", fullmatch=True)


class Sink:
    def __init__(self):
        self.records = []

    def handle_new_event(self, record):
        self.records.append(record)


@settings(max_examples=60, deadline=None)
@given(
    solid=names,
    input_name=names,
    description=st.one_of(st.none(), text),
    message=text,
    tag_value=text,
    timestamp=st.floats(min_value=0, max_value=4e9, allow_nan=False),
)
def test_input_event_record_round_trips(solid, input_name, description, message, tag_value, timestamp):
    tags = {"pipeline": "p", "solid": solid, "step_key": f"{solid}.compute", "team": tag_value}
    event = DagsterEvent(
        "STEP_INPUT",
        "p",
        f"{solid}.compute",
        SolidHandle(solid, None),
        "COMPUTE",
        tags,
        StepInputData(input_name, TypeCheckData(False, input_name, description, [])),
        message,
    )
    sink = Sink()
    record = DagsterLogManager("run", tags, [], instance=sink).log_dagster_event(event)
    assert sink.records == [record]
    back = EventRecord.from_json(record.to_json())
    assert back == record
    restamped = DagsterEventRecord(None, "m", 10, message, "run", timestamp, None, "p", event)
    assert EventRecord.from_json(restamped.to_json()) == restamped


@settings(max_examples=40, deadline=None)
@given(
    error_message=text,
    stack=st.lists(text, max_size=3),
    label=text,
    entry_text=text,
    extra=st.dictionaries(
        names, st.one_of(text, st.integers(), st.none(), st.lists(st.integers())), max_size=3
    ),
)
def test_failure_formatting_and_round_trip(error_message, stack, label, entry_text, extra):
    failure = StepFailureData(
        SerializableErrorInfo(error_message, stack, "ValueError"),
        UserFailureData(label, None, [EventMetadataEntry.text(entry_text, "entry")]),
    )
    event = DagsterEvent(
        "STEP_FAILURE", "p", "s.compute", SolidHandle("s", None), "COMPUTE", {}, failure, "failed"
    )
    sink = Sink()
    manager = DagsterLogManager("run", {"pipeline": "p"}, [], instance=sink)
    record = manager.log_dagster_event(event)
    assert record.message.startswith("p - run - STEP_FAILURE - failed")
    assert EventRecord.from_json(record.to_json()) == record
    plain = manager.info("note", **extra)
    assert EventRecord.from_json(plain.to_json()) == plain
