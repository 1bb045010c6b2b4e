"""Presets (files, YAML strings, package resources), repositories, schedules and partitions."""

from __future__ import annotations

import datetime

import pytest

from dagster import (
    Partition,
    PartitionSetDefinition,
    PipelineDefinition,
    PresetDefinition,
    RepositoryDefinition,
    ScheduleDefinition,
    daily_schedule,
    hourly_schedule,
    lambda_solid,
    monthly_schedule,
    pipeline,
    repository_partitions,
    schedule,
    schedules,
    weekly_schedule,
)
from dagster.core.definitions.partition import (
    PartitionScheduleDefinition,
    RepositoryPartitionsHandle,
    date_partition_range,
    first_partition,
    last_partition,
)
from dagster.core.definitions.schedule import ScheduleExecutionContext, SchedulerHandle
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError

CONTEXT = ScheduleExecutionContext(instance=None, repository=None)


def write(path, text):
    with open(path, "w", encoding="utf8") as handle:
        handle.write(text)
    return str(path)


class TestPresets:
    def test_from_files_merges_in_order_later_wins_at_every_depth(self, tmp_path):
        first = write(tmp_path / "a.yaml", "a: 1\nn:\n  x: 1\n  m:\n    y: 1\n")
        second = write(tmp_path / "b.yaml", "a: 2\nn:\n  x: 2\n  m:\n    y: 2\n")
        preset = PresetDefinition.from_files("p", [first, second], solid_subset=["s"], mode="prod")
        assert preset.environment_dict == {"a": 2, "n": {"x": 2, "m": {"y": 2}}}
        assert preset.solid_subset == ["s"]
        assert preset.mode == "prod"

    def test_from_files_globs(self, tmp_path):
        write(tmp_path / "1.yaml", "solids: {a: {config: 1}}\n")
        write(tmp_path / "2.yaml", "solids: {b: {config: 2}}\n")
        preset = PresetDefinition.from_files("p", [str(tmp_path / "*.yaml")])
        assert preset.environment_dict == {"solids": {"a": {"config": 1}, "b": {"config": 2}}}
        assert preset.mode == "default"

    def test_glob_without_match(self, tmp_path):
        pattern = str(tmp_path / "missing*.yaml")
        with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
            PresetDefinition.from_files("p", [pattern])
        assert str(exc_info.value).startswith(
            f'Preset "p": the environment file pattern "{pattern}" matches no file.'
        )

    def test_bad_yaml_names_file_and_line(self, tmp_path):
        path = write(tmp_path / "bad.yaml", "solids:\n  a: {config: 1\n  b: 2\n")
        with pytest.raises(DagsterInvariantViolationError) as exc_info:
            PresetDefinition.from_files("p", [path])
        message = str(exc_info.value)
        assert message.startswith(f'Preset "p": invalid YAML in environment file "{path}" at line 3, column ')
        assert message.endswith("Fix the YAML syntax there.")

    def test_yaml_must_be_a_mapping(self, tmp_path):
        path = write(tmp_path / "list.yaml", "- a\n- b\n")
        with pytest.raises(DagsterInvariantViolationError) as exc_info:
            PresetDefinition.from_files("p", [path])
        assert str(exc_info.value) == (
            f'Preset "p": environment file "{path}" must hold a YAML mapping (the run config), but it holds a list.'
        )

    def test_from_yaml_strings_and_additional_config(self):
        preset = PresetDefinition.from_yaml_strings("p", ["a: 1\nb: {c: 1}", "b: {d: 2}"])
        assert preset.environment_dict == {"a": 1, "b": {"c": 1, "d": 2}}
        assert preset.with_additional_config({"b": {"c": 5}}).environment_dict == {
            "a": 1,
            "b": {"c": 5, "d": 2},
        }
        assert "a: 1" in preset.get_environment_yaml()
        with pytest.raises(DagsterInvariantViolationError, match=r"invalid YAML in YAML string #1 at line 1"):
            PresetDefinition.from_yaml_strings("p", ["a: [1"])

    def test_from_pkg_resources(self, tmp_path, monkeypatch):
        package = tmp_path / "preset_pkg_for_test"
        package.mkdir()
        write(package / "__init__.py", "")
        write(package / "env.yaml", "solids: {x: {config: 3}}\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        preset = PresetDefinition.from_pkg_resources("p", [("preset_pkg_for_test", "env.yaml")])
        assert preset.environment_dict == {"solids": {"x": {"config": 3}}}
        with pytest.raises(DagsterInvalidDefinitionError, match='cannot read package resource "nope.yaml"'):
            PresetDefinition.from_pkg_resources("p", [("preset_pkg_for_test", "nope.yaml")])


@lambda_solid
def noop():
    return 1


@pipeline
def first_pipeline():
    noop()


@pipeline
def second_pipeline():
    noop()


class TestRepository:
    def test_lazy_pipelines(self):
        calls = []

        def build():
            calls.append(1)
            return first_pipeline

        repo = RepositoryDefinition(
            "repo", pipeline_dict={"first_pipeline": build}, pipeline_defs=[second_pipeline]
        )
        assert repo.pipeline_names == ["first_pipeline", "second_pipeline"]
        assert calls == []
        assert repo.get_pipeline("first_pipeline") is first_pipeline
        repo.get_pipeline("first_pipeline")
        assert calls == [1]
        assert [p.name for p in repo.get_all_pipelines()] == ["first_pipeline", "second_pipeline"]
        assert [d.name for d in repo.get_all_solid_defs()] == ["noop"]

    def test_unknown_pipeline(self):
        repo = RepositoryDefinition("repo", pipeline_defs=[first_pipeline])
        with pytest.raises(DagsterInvariantViolationError) as exc_info:
            repo.get_pipeline("nope")
        assert str(exc_info.value) == (
            'Could not find pipeline "nope" in repository "repo". Its pipelines are: "first_pipeline".'
        )

    def test_name_mismatch(self):
        repo = RepositoryDefinition("repo", pipeline_dict={"other": lambda: first_pipeline})
        with pytest.raises(DagsterInvariantViolationError) as exc_info:
            repo.get_pipeline("other")
        assert str(exc_info.value) == (
            'Name mismatch in repository "repo": the key "other" in pipeline_dict gives a pipeline named '
            '"first_pipeline". Use the pipeline\'s name as its key.'
        )

    def test_duplicate_names(self):
        with pytest.raises(DagsterInvariantViolationError, match='Duplicate pipeline name "first_pipeline"'):
            RepositoryDefinition(
                "repo",
                pipeline_dict={"first_pipeline": lambda: first_pipeline},
                pipeline_defs=[first_pipeline],
            )

    def test_solid_names_unique_across_pipelines(self):
        @lambda_solid(name="noop")
        def other_noop():
            return 2

        third = PipelineDefinition(name="third", solid_defs=[other_noop])
        repo = RepositoryDefinition("repo", pipeline_defs=[first_pipeline, third])
        with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
            repo.get_all_pipelines()
        assert str(exc_info.value).startswith(
            'Repository "repo" has two different solid definitions named "noop", in pipelines "first_pipeline" '
            'and "third".'
        )


class TestSchedules:
    def test_schedule_definition(self):
        definition = ScheduleDefinition(
            "nightly",
            "0 2 * * *",
            "first_pipeline",
            environment_dict={"solids": {}},
            tags={"team": "data"},
            environment_vars={"A": "1"},
        )
        assert definition.get_environment_dict(CONTEXT) == {"solids": {}}
        assert definition.get_tags(CONTEXT) == {"team": "data", "dagster/schedule_name": "nightly"}
        assert definition.should_execute(CONTEXT)
        assert definition.selector.name == "first_pipeline"
        assert definition.schedule_definition_data.cron_schedule == "0 2 * * *"
        assert definition.environment_vars == {"A": "1"}

    def test_schedule_validation(self):
        with pytest.raises(DagsterInvalidDefinitionError) as exc_info:
            ScheduleDefinition("bad", "every day", "p")
        assert str(exc_info.value) == (
            "Invalid cron_schedule 'every day' for schedule \"bad\": expected a cron expression with five fields "
            '(minute hour day-of-month month day-of-week), for example "0 6 * * *" for 06:00 every day.'
        )
        with pytest.raises(
            DagsterInvalidDefinitionError, match="both environment_dict and environment_dict_fn"
        ):
            ScheduleDefinition("s", "* * * * *", "p", environment_dict={}, environment_dict_fn=lambda c: {})
        with pytest.raises(DagsterInvalidDefinitionError, match="both tags and tags_fn"):
            ScheduleDefinition("s", "* * * * *", "p", tags={}, tags_fn=lambda c: {})
        with pytest.raises(DagsterInvalidDefinitionError, match='uses the reserved prefix "dagster/"'):
            ScheduleDefinition("s", "* * * * *", "p", tags={"dagster/x": "y"})

    def test_schedule_decorator(self):
        @schedule(cron_schedule="*/5 * * * *", pipeline_name="first_pipeline", tags_fn=lambda c: {"k": "v"})
        def every_five(context):
            return {"ctx": context is CONTEXT}

        assert every_five.name == "every_five"
        assert every_five.get_environment_dict(CONTEXT) == {"ctx": True}
        assert every_five.get_tags(CONTEXT) == {"k": "v", "dagster/schedule_name": "every_five"}

    def test_legacy_schedules_decorator_bare_and_called(self):
        definition = ScheduleDefinition("s", "* * * * *", "p")

        @schedules
        def bare():
            return [definition]

        @schedules()
        def called():
            return [definition]

        assert isinstance(bare, SchedulerHandle) and bare.get_schedule_defs() == [definition]
        assert isinstance(called, SchedulerHandle)


class TestPartitions:
    def test_date_partition_range_with_end(self):
        partitions = date_partition_range(datetime.datetime(2020, 1, 1), datetime.datetime(2020, 1, 4))()
        assert [p.name for p in partitions] == ["2020-01-01", "2020-01-02", "2020-01-03"]
        assert partitions[0].value == datetime.datetime(2020, 1, 1)
        with pytest.raises(DagsterInvariantViolationError, match="is after end"):
            date_partition_range(datetime.datetime(2020, 1, 2), datetime.datetime(2020, 1, 1))

    def test_date_partition_range_until_now_drops_current_period(self):
        yesterday = datetime.datetime.now() - datetime.timedelta(days=1)
        start = datetime.datetime(yesterday.year, yesterday.month, yesterday.day) - datetime.timedelta(days=2)
        names = [p.name for p in date_partition_range(start)()]
        assert names[-1] == yesterday.strftime("%Y-%m-%d")
        assert len(names) == 3

    def test_partition_set(self):
        partition_set = PartitionSetDefinition(
            name="letters",
            pipeline_name="first_pipeline",
            partition_fn=lambda: ["a", Partition(2, "two")],
            environment_dict_fn_for_partition=lambda p: {"value": p.value},
            tags_fn_for_partition=lambda p: {"letter": p.name},
        )
        assert partition_set.get_partitions() == [Partition("a", "a"), Partition(2, "two")]
        assert partition_set.mode == "default"
        assert partition_set.environment_dict_for_partition(Partition(2, "two")) == {"value": 2}
        assert partition_set.tags_for_partition(Partition("a")) == {
            "letter": "a",
            "dagster/partition": "a",
            "dagster/partition_set": "letters",
        }
        assert first_partition(CONTEXT, partition_set).name == "a"
        assert last_partition(CONTEXT, partition_set).name == "two"
        bad = PartitionSetDefinition("bad", "p", partition_fn=lambda: [3])
        with pytest.raises(
            DagsterInvariantViolationError, match="returned 3; it must return Partition objects"
        ):
            bad.get_partitions()

    def test_partition_schedule(self):
        partition_set = PartitionSetDefinition("nums", "first_pipeline", partition_fn=lambda: ["1", "2"])
        definition = partition_set.create_schedule_definition("nums_schedule", "0 0 * * *")
        assert isinstance(definition, PartitionScheduleDefinition)
        assert definition.get_partition_set() is partition_set
        assert definition.should_execute(CONTEXT)
        assert definition.get_tags(CONTEXT) == {
            "dagster/partition": "2",
            "dagster/partition_set": "nums",
            "dagster/schedule_name": "nums_schedule",
        }
        empty = PartitionSetDefinition("empty", "first_pipeline", partition_fn=lambda: [])
        assert not empty.create_schedule_definition("never", "0 0 * * *").should_execute(CONTEXT)

    def test_repository_partitions(self):
        partition_set = PartitionSetDefinition("nums", "p", partition_fn=lambda: ["1"])

        @repository_partitions
        def bare():
            return [partition_set]

        assert isinstance(bare, RepositoryPartitionsHandle)
        assert bare.get_partition_set("nums") is partition_set


class TestDateScheduleDecorators:
    start = datetime.datetime(2020, 1, 1)

    def test_daily(self):
        @daily_schedule(
            pipeline_name="first_pipeline", start_date=self.start, execution_time=datetime.time(3, 30)
        )
        def daily(date):
            return {"date": date.strftime("%Y-%m-%d")}

        assert daily.cron_schedule == "30 3 * * *"
        partition_set = daily.get_partition_set()
        assert partition_set.name == "first_pipeline_daily"
        last = partition_set.get_partitions()[-1]
        assert daily.get_environment_dict(CONTEXT) == {"date": last.name}

    def test_hourly_weekly_monthly(self):
        with pytest.warns(UserWarning, match="the hour of execution_time"):

            @hourly_schedule(pipeline_name="p", start_date=self.start, execution_time=datetime.time(4, 15))
            def hourly(date):
                return {}

        assert hourly.cron_schedule == "15 * * * *"
        assert hourly.get_partition_set().name == "p_hourly"
        assert hourly.get_partition_set().get_partitions()[0].name == "2020-01-01-00:00"

        @weekly_schedule(pipeline_name="p", start_date=self.start, execution_day_of_week=3)
        def weekly(date):
            return {}

        assert weekly.cron_schedule == "0 0 * * 3"

        @monthly_schedule(pipeline_name="p", start_date=self.start, execution_day_of_month=15)
        def monthly(date):
            return {}

        assert monthly.cron_schedule == "0 0 15 * *"
        names = [p.name for p in monthly.get_partition_set().get_partitions()]
        assert names[:3] == ["2020-01", "2020-02", "2020-03"]

    def test_out_of_range_days(self):
        with pytest.raises(
            DagsterInvalidDefinitionError, match="execution_day_of_week must be an int from 0"
        ):
            weekly_schedule(pipeline_name="p", start_date=self.start, execution_day_of_week=7)
        with pytest.raises(
            DagsterInvalidDefinitionError, match="execution_day_of_month must be an int from 1 to 31"
        ):
            monthly_schedule(pipeline_name="p", start_date=self.start, execution_day_of_month=0)
