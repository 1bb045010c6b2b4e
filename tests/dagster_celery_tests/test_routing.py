"""Queues and priorities of steps, from solid and run tags."""

from __future__ import annotations

import pytest

from dagster import pipeline, solid
from dagster.core.errors import DagsterInvalidDefinitionError
from dagster.core.execution.api import create_execution_plan
from dagster_celery.engine import step_priority, step_queue

from . import pipelines


@solid(tags={"dagster/priority": "9"})
def wrong_tag(_context):
    return 1


@solid(tags={"dagster-celery/priority": "high"})
def not_a_number(_context):
    return 1


@pipeline(mode_defs=[pipelines.CELERY_MODE])
def tagged():
    wrong_tag()
    not_a_number()
    pipelines.on_a_lonely_queue()
    pipelines.where_am_i()


@pytest.fixture(scope="module")
def plan():
    return create_execution_plan(tagged)


def test_queue_from_the_step_tag_else_the_default(plan):
    assert step_queue(plan.get_step_by_key("on_a_lonely_queue.compute")) == "nobody-listens-here"
    assert step_queue(plan.get_step_by_key("where_am_i.compute"), "mine") == "mine"


def test_priority_adds_the_run_priority(plan):
    step = plan.get_step_by_key("where_am_i.compute")
    assert step_priority(step, {}) == 7
    assert step_priority(step, {"dagster-celery/run_priority": "-2"}) == 5


def test_the_generic_priority_tag_gets_a_warning(plan):
    with pytest.warns(UserWarning, match='use "dagster-celery/priority"'):
        assert step_priority(plan.get_step_by_key("wrong_tag.compute"), {}) == 5


def test_a_priority_that_is_not_a_number_is_named(plan):
    with pytest.raises(
        DagsterInvalidDefinitionError, match='"dagster-celery/priority" of step "not_a_number.compute"'
    ):
        step_priority(plan.get_step_by_key("not_a_number.compute"), {})
