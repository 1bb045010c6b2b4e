"""The direct encoders of hot event data agree with the generic record encoding, byte for byte."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dagster.core.definitions.events import EventMetadataEntry, Materialization
from dagster.core.events import (
    StepInputData,
    StepOutputData,
    StepOutputHandle,
    StepSuccessData,
    TypeCheckData,
)
from dagster.core.events.text import dump_value, line, record_object

text = st.text(max_size=20)
entries = st.lists(st.tuples(text, text).map(lambda pair: EventMetadataEntry.text(*pair)), max_size=2)
type_checks = st.one_of(
    st.none(),
    st.tuples(st.booleans(), text, st.one_of(st.none(), text), entries).map(
        lambda args: TypeCheckData(*args)
    ),
)
materializations = st.one_of(
    st.none(),
    st.tuples(text, st.one_of(st.none(), text), entries).map(lambda args: Materialization(*args)),
)


@settings(max_examples=150, deadline=None)
@given(
    step_key=text,
    output_name=text,
    materialization=materializations,
    type_check=type_checks,
    input_name=text,
    duration=st.floats(min_value=0, max_value=1e9, allow_nan=False),
)
def test_direct_encoders_match_generic(
    step_key, output_name, materialization, type_check, input_name, duration
):
    output = StepOutputData(StepOutputHandle(step_key, output_name), materialization, type_check)
    assert dump_value(output) == record_object(output)
    step_input = StepInputData(input_name, type_check)
    assert dump_value(step_input) == record_object(step_input)
    success = StepSuccessData(duration)
    assert dump_value(success) == record_object(success)


def test_line_shape():
    assert line("solid", "a") == '               solid = "a"'
    assert line("rows", 3) == "                rows = 3"
    assert line("x", {"b": 1, "a": None}) == '                   x = {"a": null, "b": 1}'
    assert line("obj", object()).startswith('                 obj = "<object object at')
