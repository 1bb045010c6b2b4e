"""Partitions: a pipeline run once per slice of data (a day, an hour, a customer...), and the
schedules that pick a partition at each tick."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from dagster import check
from dagster.core.definitions.schedule import ScheduleDefinition, _string_tags
from dagster.core.definitions.utils import check_user_tags
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError


class Partition(NamedTuple("_Partition", [("value", Any), ("name", str)])):
    """One partition: any value, named ``str(value)`` unless a name is given."""

    def __new__(cls, value: Any = None, name: str | None = None):
        return super().__new__(cls, value, check.opt_str_param(name, "name", str(value)))


def date_partition_range(
    start: datetime.datetime,
    end: datetime.datetime | None = None,
    delta: Any = datetime.timedelta(days=1),
    fmt: str = "%Y-%m-%d",
) -> Callable[[], list[Partition]]:
    """A partition function listing ``Partition(datetime, strftime(fmt))`` from ``start`` by ``delta``.

    It goes up to ``end`` (inclusive) or, without ``end``, up to the time of the call, and leaves the
    last one out, so the newest partition is the last period that has fully elapsed.
    """
    check.inst_param(start, "start", datetime.datetime)
    check.opt_inst_param(end, "end", datetime.datetime)
    check.str_param(fmt, "fmt")
    if end is not None and (start.tzinfo is None) != (end.tzinfo is None):
        raise DagsterInvalidDefinitionError(
            f"date_partition_range: start {start.isoformat()} and end {end.isoformat()} must both have a "
            "time zone or both have none."
        )
    if end is not None and start > end:
        raise DagsterInvariantViolationError(
            f"date_partition_range: start {start.isoformat()} is after end {end.isoformat()}. Swap them."
        )
    if not start + delta > start:
        raise DagsterInvalidDefinitionError(f"date_partition_range: delta {delta!r} must move time forward.")

    def get_date_range_partitions() -> list[Partition]:
        last = end if end is not None else datetime.datetime.now(tz=start.tzinfo)
        partitions = []
        current, index = start, 0
        while current < last or (end is not None and current == end):
            partitions.append(Partition(value=current, name=current.strftime(fmt)))
            index += 1
            # start + index * delta, not the previous item + delta: a month after Jan 31 is Feb 29,
            # but two months after it is Mar 31, not Mar 29.
            current = start + delta * index
        return partitions[:-1]

    return get_date_range_partitions


def _wrap_partitions(set_name: str, items: Any) -> list[Partition]:
    """The partition function's result as Partitions (a str ``s`` becomes ``Partition(s)``), each
    name once: runs find their partition by its name."""
    where = f'The partition function of partition set "{set_name}"'
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        raise DagsterInvariantViolationError(
            f"{where} returned {items!r}; it must return a list of Partition objects or strings."
        )
    partitions: list[Partition] = []
    names: set[str] = set()
    for item in items:
        if isinstance(item, str):
            item = Partition(item)
        elif not isinstance(item, Partition):
            raise DagsterInvariantViolationError(
                f"{where} returned {item!r}; it must return Partition objects or strings."
            )
        if item.name in names:
            raise DagsterInvariantViolationError(
                f'{where} returned two partitions named "{item.name}". Partition names must be unique: '
                "runs are tagged with the name of their partition."
            )
        names.add(item.name)
        partitions.append(item)
    return partitions


def _default_partition_config(_partition: Partition) -> dict:
    return {}


def _default_partition_tags(_partition: Partition) -> dict:
    return {}


class PartitionSetDefinition(
    NamedTuple(
        "_PartitionSetDefinition",
        [
            ("name", str),
            ("pipeline_name", str),
            ("partition_fn", Callable),
            ("solid_subset", "list[str] | None"),
            ("mode", str),
            ("user_defined_environment_dict_fn_for_partition", Callable),
            ("user_defined_tags_fn_for_partition", Callable),
        ],
    )
):
    """The partitions of a pipeline and, per partition, its run config and tags."""

    def __new__(
        cls,
        name: str,
        pipeline_name: str,
        partition_fn: Callable,
        solid_subset: Sequence[str] | None = None,
        mode: str | None = None,
        environment_dict_fn_for_partition: Callable = _default_partition_config,
        tags_fn_for_partition: Callable = _default_partition_tags,
    ):
        check.str_param(name, "name")
        check.callable_param(partition_fn, "partition_fn")

        def wrapped_partition_fn() -> list[Partition]:
            return _wrap_partitions(name, partition_fn())

        return super().__new__(
            cls,
            name,
            check.str_param(pipeline_name, "pipeline_name"),
            wrapped_partition_fn,
            list(check.sequence_param(solid_subset, "solid_subset", of_type=str))
            if solid_subset is not None
            else None,
            check.opt_str_param(mode, "mode", "default"),
            check.callable_param(environment_dict_fn_for_partition, "environment_dict_fn_for_partition"),
            check.callable_param(tags_fn_for_partition, "tags_fn_for_partition"),
        )

    def get_partitions(self) -> list[Partition]:
        return self.partition_fn()

    def get_partition(self, name: str) -> Partition:
        for partition in self.get_partitions():
            if partition.name == name:
                return partition
        raise DagsterInvariantViolationError(f'Partition set "{self.name}" has no partition named "{name}".')

    def environment_dict_for_partition(self, partition: Partition) -> dict:
        environment_dict = self.user_defined_environment_dict_fn_for_partition(partition)
        if not isinstance(environment_dict, dict):
            raise DagsterInvariantViolationError(
                f'The environment_dict function of partition set "{self.name}" returned {environment_dict!r} '
                f'for partition "{partition.name}"; it must return a dict (the run config).'
            )
        return environment_dict

    def tags_for_partition(self, partition: Partition) -> dict[str, str]:
        """The user's tags plus ``dagster/partition`` and ``dagster/partition_set``."""
        from dagster.core.storage.tags import PARTITION_NAME_TAG, PARTITION_SET_TAG

        owner = f'partition set "{self.name}"'
        tags = _string_tags(self.user_defined_tags_fn_for_partition(partition) or {}, owner)
        check_user_tags(tags, owner)
        return {**tags, PARTITION_NAME_TAG: partition.name, PARTITION_SET_TAG: self.name}

    def create_schedule_definition(
        self,
        schedule_name: str,
        cron_schedule: str,
        should_execute: Callable | None = None,
        partition_selector: Callable | None = None,
        environment_vars: dict | None = None,
    ) -> PartitionScheduleDefinition:
        """A schedule that, at each tick, runs the partition ``partition_selector`` picks (the newest by default)."""
        selector = partition_selector or last_partition
        check.callable_param(selector, "partition_selector")

        def select(context: Any) -> Partition | None:
            partition = selector(context, self)
            if partition is not None and not isinstance(partition, Partition):
                raise DagsterInvariantViolationError(
                    f'The partition selector of schedule "{schedule_name}" returned {partition!r}; it must return '
                    "a Partition or None."
                )
            return partition

        def should_execute_wrapper(context: Any) -> bool:
            if select(context) is None:
                return False
            return should_execute(context) if should_execute else True

        def environment_dict_fn(context: Any) -> dict:
            partition = select(context)
            if partition is None:
                raise DagsterInvariantViolationError(
                    f'Schedule "{schedule_name}": partition set "{self.name}" has no partition to run yet.'
                )
            return self.environment_dict_for_partition(partition)

        def tags_fn(context: Any) -> dict:
            partition = select(context)
            return self.tags_for_partition(partition) if partition is not None else {}

        return PartitionScheduleDefinition(
            name=schedule_name,
            cron_schedule=cron_schedule,
            pipeline_name=self.pipeline_name,
            environment_dict_fn=environment_dict_fn,
            tags_fn=tags_fn,
            solid_subset=self.solid_subset,
            mode=self.mode,
            should_execute=should_execute_wrapper,
            environment_vars=environment_vars,
            partition_set=self,
        )


class PartitionScheduleDefinition(ScheduleDefinition):
    """A schedule made from a partition set (``PartitionSetDefinition.create_schedule_definition``)."""

    def __init__(self, *args: Any, partition_set: PartitionSetDefinition, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._partition_set = check.inst_param(partition_set, "partition_set", PartitionSetDefinition)

    def get_tags(self, context: Any) -> dict[str, str]:
        from dagster.core.storage.tags import SCHEDULE_NAME_TAG

        return {**self.tags_fn(context), SCHEDULE_NAME_TAG: self.name}

    def get_partition_set(self) -> PartitionSetDefinition:
        return self._partition_set


def last_partition(_context: Any, partition_set_def: PartitionSetDefinition) -> Partition | None:
    partitions = partition_set_def.get_partitions()
    return partitions[-1] if partitions else None


def first_partition(_context: Any, partition_set_def: PartitionSetDefinition) -> Partition | None:
    partitions = partition_set_def.get_partitions()
    return partitions[0] if partitions else None


def last_empty_partition(context: Any, partition_set_def: PartitionSetDefinition) -> Partition | None:
    """The newest partition without a successful run tagged with it."""
    from dagster.core.storage.pipeline_run import PipelineRunsFilter, PipelineRunStatus
    from dagster.core.storage.tags import PARTITION_NAME_TAG, PARTITION_SET_TAG

    for partition in reversed(partition_set_def.get_partitions()):
        runs = context.instance.get_runs(
            filters=PipelineRunsFilter(
                pipeline_name=partition_set_def.pipeline_name,
                tags={PARTITION_NAME_TAG: partition.name, PARTITION_SET_TAG: partition_set_def.name},
                status=PipelineRunStatus.SUCCESS,
            ),
            limit=1,
        )
        if not runs:
            return partition
    return None


class RepositoryPartitionsHandle:
    """The legacy ``@repository_partitions`` result: a repository's partition sets."""

    def __init__(self, partition_set_defs: Sequence[PartitionSetDefinition]):
        self._partition_set_defs = list(
            check.sequence_param(partition_set_defs, "partition_set_defs", of_type=PartitionSetDefinition)
        )

    @property
    def partition_set_defs(self) -> list[PartitionSetDefinition]:
        return self._partition_set_defs

    def get_partition_sets(self) -> list[PartitionSetDefinition]:
        return list(self._partition_set_defs)

    def get_partition_set(self, name: str) -> PartitionSetDefinition:
        for partition_set in self._partition_set_defs:
            if partition_set.name == name:
                return partition_set
        raise DagsterInvariantViolationError(f'No partition set named "{name}".')


def repository_partitions(arg: Any = None) -> Any:
    """Legacy decorator: a function returning ``[PartitionSetDefinition]`` becomes a
    ``RepositoryPartitionsHandle``. Works bare and called."""
    if callable(arg):
        return RepositoryPartitionsHandle(_call_list(arg, PartitionSetDefinition, "@repository_partitions"))

    def decorate(fn: Callable) -> RepositoryPartitionsHandle:
        return RepositoryPartitionsHandle(_call_list(fn, PartitionSetDefinition, "@repository_partitions"))

    return decorate


def _call_list(fn: Callable, cls: type, decorator: str) -> list:
    items = fn()
    if not isinstance(items, (list, tuple)) or not all(isinstance(item, cls) for item in items):
        raise DagsterInvalidDefinitionError(
            f"The function {getattr(fn, '__name__', fn)!r} decorated with {decorator} must return a list of "
            f"{cls.__name__}, got {items!r}."
        )
    return list(items)
