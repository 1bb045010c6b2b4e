"""Edges of partitions, partition schedules and repository schedule checks."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta

from dagster import RepositoryDefinition, ScheduleDefinition, pipeline, solid
from dagster.core.definitions.decorators import monthly_schedule, weekly_schedule
from dagster.core.definitions.partition import Partition, PartitionSetDefinition
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError
from dagster.utils.partitions import date_partition_range


@solid
def noop(_):
    pass


@pipeline
def daily_pipeline():
    noop()


def test_monthly_partitions_keep_the_start_day_after_a_short_month():
    partitions = date_partition_range(
        datetime.datetime(2020, 1, 31), datetime.datetime(2020, 6, 30), delta=relativedelta(months=1)
    )()
    assert [p.value.date().isoformat() for p in partitions] == [
        "2020-01-31",
        "2020-02-29",
        "2020-03-31",
        "2020-04-30",
        "2020-05-31",
    ]


def test_monthly_schedule_on_the_31st_passes_each_months_last_day():
    @monthly_schedule(
        pipeline_name="daily_pipeline", start_date=datetime.datetime(2021, 1, 31), execution_day_of_month=31
    )
    def month_end(date):
        return {"date": date.isoformat()}

    partitions = month_end.get_partition_set().get_partitions()[:4]
    assert [(p.name, p.value.day) for p in partitions] == [
        ("2021-01", 31),
        ("2021-02", 28),
        ("2021-03", 31),
        ("2021-04", 30),
    ]


def test_leap_day_is_a_daily_partition():
    partitions = date_partition_range(datetime.datetime(2024, 2, 28), datetime.datetime(2024, 3, 2))()
    assert [p.name for p in partitions] == ["2024-02-28", "2024-02-29", "2024-03-01"]


def test_start_and_end_must_agree_on_having_a_time_zone():
    with pytest.raises(DagsterInvalidDefinitionError, match="must both have a time zone or both have none"):
        date_partition_range(
            datetime.datetime(2020, 1, 1, tzinfo=ZoneInfo("America/New_York")), datetime.datetime(2020, 1, 5)
        )


@pytest.mark.parametrize("returned", [None, "abc", {"a": 1}, 7])
def test_partition_fn_must_return_a_list(returned):
    partition_set = PartitionSetDefinition("things", "daily_pipeline", lambda: returned)
    with pytest.raises(DagsterInvariantViolationError) as error:
        partition_set.get_partitions()
    assert str(error.value) == (
        f'The partition function of partition set "things" returned {returned!r}; it must return a list of '
        "Partition objects or strings."
    )


def test_partition_fn_may_return_a_generator():
    partition_set = PartitionSetDefinition("things", "daily_pipeline", lambda: (n for n in ["a", "b"]))
    assert partition_set.get_partitions() == [Partition("a"), Partition("b")]


def test_partition_names_must_be_unique():
    partition_set = PartitionSetDefinition("things", "daily_pipeline", lambda: ["a", Partition(1, "a")])
    with pytest.raises(DagsterInvariantViolationError, match='returned two partitions named "a"'):
        partition_set.get_partitions()


def test_partition_config_must_be_a_dict():
    partition_set = PartitionSetDefinition(
        "things", "daily_pipeline", lambda: ["a"], environment_dict_fn_for_partition=lambda _p: None
    )
    with pytest.raises(DagsterInvariantViolationError) as error:
        partition_set.environment_dict_for_partition(Partition("a"))
    assert str(error.value) == (
        'The environment_dict function of partition set "things" returned None for partition "a"; it must '
        "return a dict (the run config)."
    )


def test_repository_rejects_a_schedule_of_an_unknown_pipeline():
    schedule = ScheduleDefinition("nightly", "0 0 * * *", "dialy_pipeline")
    with pytest.raises(DagsterInvalidDefinitionError) as error:
        RepositoryDefinition("repo", pipeline_defs=[daily_pipeline], schedule_defs=[schedule])
    assert str(error.value) == (
        'The schedule "nightly" of repository "repo" runs pipeline "dialy_pipeline", which is not in the '
        'repository. Its pipelines are: "daily_pipeline".'
    )


def test_repository_rejects_a_partition_set_of_an_unknown_pipeline():
    partition_set = PartitionSetDefinition("things", "other", lambda: ["a"])
    with pytest.raises(
        DagsterInvalidDefinitionError, match='The partition set "things" of repository "repo"'
    ):
        RepositoryDefinition(
            "repo",
            pipeline_dict={"daily_pipeline": lambda: daily_pipeline},
            partition_set_defs=[partition_set],
        )


def test_repository_accepts_schedules_of_lazy_pipelines_without_building_them():
    built = []

    def build():
        built.append(1)
        return daily_pipeline

    repo = RepositoryDefinition(
        "repo",
        pipeline_dict={"daily_pipeline": build},
        schedule_defs=[ScheduleDefinition("nightly", "0 0 * * *", "daily_pipeline")],
    )
    assert repo.get_schedule_def("nightly").pipeline_name == "daily_pipeline" and built == []


def test_a_cron_schedule_that_never_fires_is_a_definition_error():
    with pytest.raises(DagsterInvalidDefinitionError) as error:
        ScheduleDefinition("never", "0 0 30 2 *", "daily_pipeline")
    assert str(error.value) == (
        "cron_schedule '0 0 30 2 *' of schedule \"never\" names a day that never comes (such as February 30): "
        "the schedule would never run. Fix the day of the month or the month."
    )
    assert ScheduleDefinition("leap", "0 0 29 2 *", "daily_pipeline").cron_schedule == "0 0 29 2 *"


@pytest.mark.parametrize(
    "environment_vars, message",
    [
        (
            {"MY VAR": "1"},
            "has the key 'MY VAR', which is not an environment variable name (letters, digits and underscores, not starting with a digit).",
        ),
        (
            {"1ST": "1"},
            "has the key '1ST', which is not an environment variable name (letters, digits and underscores, not starting with a digit).",
        ),
        ({"RETRIES": 3}, "maps 'RETRIES' to 3; values must be strings."),
        (["A=1"], "must be a dict of strings, got ['A=1']."),
    ],
)
def test_environment_vars_must_be_exportable(environment_vars, message):
    with pytest.raises(DagsterInvalidDefinitionError) as error:
        ScheduleDefinition("nightly", "0 0 * * *", "daily_pipeline", environment_vars=environment_vars)
    assert str(error.value) == f'environment_vars of schedule "nightly" {message}'


def test_environment_vars_are_kept():
    schedule = ScheduleDefinition("nightly", "0 0 * * *", "daily_pipeline", environment_vars={"_HOME_2": "x"})
    assert schedule.environment_vars == {"_HOME_2": "x"}


def test_a_bool_is_not_a_day_of_the_week_or_month():
    with pytest.raises(DagsterInvalidDefinitionError, match="execution_day_of_week must be an int"):
        weekly_schedule("daily_pipeline", datetime.datetime(2020, 1, 1), execution_day_of_week=True)
    with pytest.raises(DagsterInvalidDefinitionError, match="execution_day_of_month must be an int"):
        monthly_schedule("daily_pipeline", datetime.datetime(2020, 1, 1), execution_day_of_month=True)
