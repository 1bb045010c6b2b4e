"""A repository whose schedules reach each outcome of a schedule tick.

Loaded from its file (``define_repo``) by the scheduler tests and, through a repository.yaml, by the
CLI tests. The solid logs the greeting it was configured with, so a test can tell which config ran.
"""

import datetime

from dagster import (
    Field,
    RepositoryDefinition,
    ScheduleDefinition,
    String,
    daily_schedule,
    pipeline,
    solid,
)


@solid(config={"greeting": Field(String)})
def greet(context):
    context.log.info(f"greeting: {context.solid_config['greeting']}")


@pipeline(tags={"team": "greeters"})
def greeting_pipeline():
    greet()


def greeting_config(greeting):
    return {"solids": {"greet": {"config": {"greeting": greeting}}}}


def no_greeting_configured(_context):
    raise ValueError("no greeting configured for today")


def tags_service_down(_context):
    raise ConnectionError("tag service unreachable")


def should_execute_crashes(_context):
    raise RuntimeError("holiday calendar is missing")


@daily_schedule(pipeline_name="greeting_pipeline", start_date=datetime.datetime(2020, 1, 1))
def daily_greeting(date):
    return greeting_config(f"report for {date:%Y-%m-%d}")


def define_repo():
    return RepositoryDefinition(
        name="greetings",
        pipeline_defs=[greeting_pipeline],
        schedule_defs=[
            ScheduleDefinition(
                name="morning_greeting",
                cron_schedule="0 8 * * *",
                pipeline_name="greeting_pipeline",
                environment_dict=greeting_config("good morning"),
                tags={"owner": "ops"},
            ),
            ScheduleDefinition(
                name="weekend_greeting",
                cron_schedule="0 9 * * 6",
                pipeline_name="greeting_pipeline",
                environment_dict=greeting_config("happy weekend"),
                should_execute=lambda _context: False,
            ),
            ScheduleDefinition(
                name="unconfigured_greeting",
                cron_schedule="0 10 * * *",
                pipeline_name="greeting_pipeline",
                environment_dict_fn=no_greeting_configured,
            ),
            ScheduleDefinition(
                name="untagged_greeting",
                cron_schedule="0 11 * * *",
                pipeline_name="greeting_pipeline",
                environment_dict=greeting_config("hello"),
                tags_fn=tags_service_down,
            ),
            ScheduleDefinition(
                name="misconfigured_greeting",
                cron_schedule="0 12 * * *",
                pipeline_name="greeting_pipeline",
                environment_dict={"solids": {"greet": {"config": {"greeting": 42}}}},
            ),
            ScheduleDefinition(
                name="holiday_greeting",
                cron_schedule="0 13 * * *",
                pipeline_name="greeting_pipeline",
                environment_dict=greeting_config("happy holidays"),
                should_execute=should_execute_crashes,
            ),
            daily_greeting,
        ],
    )
