"""The shared test suite for schedule storages.

Subclass :class:`TestScheduleStorage` and override the ``storage`` fixture; every backend then
passes the very same assertions.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

import pytest

from dagster.check import CheckError
from dagster.core.errors import DagsterInvariantViolationError
from dagster.core.storage.schedules import (
    Schedule,
    ScheduleStatus,
    ScheduleStorage,
    ScheduleTick,
    ScheduleTickData,
    ScheduleTickStatsSnapshot,
    ScheduleTickStatus,
)
from dagster.utils.error import SerializableErrorInfo


class _Repository(NamedTuple):
    """Schedule storage reads only ``repository.name``."""

    name: str


def make_schedule(
    name: str, cron_schedule: str = "* * * * *", status: ScheduleStatus = ScheduleStatus.STOPPED
):
    from dagster.core.definitions.schedule import ScheduleDefinitionData

    data = ScheduleDefinitionData(name=name, cron_schedule=cron_schedule, environment_vars={"K": "v"})
    return Schedule(data, status, python_path="/usr/bin/python", repository_path="/repo/repository.yaml")


def make_tick(name: str, status: ScheduleTickStatus, timestamp: float = 1000.5) -> ScheduleTickData:
    return ScheduleTickData(schedule_name=name, cron_schedule="* * * * *", timestamp=timestamp, status=status)


class TestScheduleStorage:
    """Every behaviour of :class:`ScheduleStorage`. Subclasses provide the ``storage`` fixture."""

    __test__ = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.__test__ = True

    def test_add_get_all(self, storage: ScheduleStorage) -> None:
        repo, other = _Repository("repo"), _Repository("other")
        first, second, third = make_schedule("first"), make_schedule("second"), make_schedule("third")
        storage.add_schedule(repo, first)
        storage.add_schedule(repo, second)
        storage.add_schedule(other, third)
        assert storage.get_schedule_by_name(repo, "first") == first
        assert storage.get_schedule_by_name(repo, "third") is None
        assert storage.get_schedule_by_name(other, "third") == third
        assert storage.all_schedules(repo) == [first, second]
        assert storage.all_schedules() == [first, second, third]
        assert first.name == "first"
        assert first.cron_schedule == "* * * * *"
        assert first.environment_vars == {"K": "v"}

    def test_add_twice_is_an_error(self, storage: ScheduleStorage) -> None:
        repo = _Repository("repo")
        storage.add_schedule(repo, make_schedule("first"))
        with pytest.raises(DagsterInvariantViolationError, match='"first"'):
            storage.add_schedule(repo, make_schedule("first", cron_schedule="0 * * * *"))
        assert storage.get_schedule_by_name(repo, "first").cron_schedule == "* * * * *"

    def test_update_and_delete(self, storage: ScheduleStorage) -> None:
        repo = _Repository("repo")
        schedule = make_schedule("first")
        storage.add_schedule(repo, schedule)
        running = schedule.with_status(ScheduleStatus.RUNNING)
        storage.update_schedule(repo, running)
        assert storage.get_schedule_by_name(repo, "first").status == ScheduleStatus.RUNNING
        with pytest.raises(DagsterInvariantViolationError, match='"missing"'):
            storage.update_schedule(repo, make_schedule("missing"))
        storage.delete_schedule(repo, running)
        assert storage.get_schedule_by_name(repo, "first") is None
        assert storage.all_schedules() == []

    def test_ticks(self, storage: ScheduleStorage) -> None:
        repo = _Repository("repo")
        started = storage.create_schedule_tick(repo, make_tick("first", ScheduleTickStatus.STARTED, 1.0))
        assert isinstance(started, ScheduleTick)
        assert started.schedule_tick_data == make_tick("first", ScheduleTickStatus.STARTED, 1.0)
        skipped = storage.create_schedule_tick(repo, make_tick("first", ScheduleTickStatus.SKIPPED, 2.0))
        other = storage.create_schedule_tick(repo, make_tick("second", ScheduleTickStatus.STARTED, 3.0))
        assert len({started.tick_id, skipped.tick_id, other.tick_id}) == 3

        succeeded = started.with_status(ScheduleTickStatus.SUCCESS, run_id="run-1")
        storage.update_schedule_tick(repo, succeeded)
        error = SerializableErrorInfo("boom\n", ["line 1\n"], "ValueError")
        failed = other.with_status(ScheduleTickStatus.FAILURE, error=error)
        storage.update_schedule_tick(repo, failed)

        assert storage.get_schedule_ticks_by_schedule(repo, "first") == [skipped, succeeded]
        assert storage.get_schedule_ticks_by_schedule(repo, "second") == [failed]
        assert storage.get_schedule_ticks_by_schedule(repo, "second")[0].error == error
        assert storage.get_schedule_ticks_by_schedule(repo, "first")[1].run_id == "run-1"
        assert storage.get_schedule_ticks_by_schedule(_Repository("other"), "first") == []
        assert storage.get_schedule_tick_stats_by_schedule(repo, "first") == ScheduleTickStatsSnapshot(
            ticks_started=0, ticks_succeeded=1, ticks_skipped=1, ticks_failed=0
        )
        assert storage.get_schedule_tick_stats_by_schedule(repo, "second") == ScheduleTickStatsSnapshot(
            0, 0, 0, 1
        )

    def test_a_scheduled_time_is_claimed_once_unless_its_tick_failed(self, storage: ScheduleStorage) -> None:
        repo = _Repository("repo")
        first, claimed = storage.claim_schedule_tick(repo, make_tick("s", ScheduleTickStatus.STARTED, 600.0))
        assert claimed
        storage.update_schedule_tick(repo, first.with_status(ScheduleTickStatus.SUCCESS, run_id="run-1"))

        holder, claimed = storage.claim_schedule_tick(repo, make_tick("s", ScheduleTickStatus.STARTED, 600.0))
        assert not claimed and holder.tick_id == first.tick_id and holder.run_id == "run-1"
        assert storage.claim_schedule_tick(repo, make_tick("s", ScheduleTickStatus.STARTED, 660.0))[1]
        assert storage.claim_schedule_tick(repo, make_tick("other", ScheduleTickStatus.STARTED, 600.0))[1]
        assert storage.claim_schedule_tick(
            _Repository("repo2"), make_tick("s", ScheduleTickStatus.STARTED, 600.0)
        )[1]

        failed, _ = storage.claim_schedule_tick(repo, make_tick("f", ScheduleTickStatus.STARTED, 600.0))
        error = SerializableErrorInfo("boom\n", [], "ValueError")
        storage.update_schedule_tick(repo, failed.with_status(ScheduleTickStatus.FAILURE, error=error))
        retry, claimed = storage.claim_schedule_tick(repo, make_tick("f", ScheduleTickStatus.STARTED, 600.0))
        assert claimed and retry.tick_id != failed.tick_id

    def test_concurrent_claims_of_one_time_make_one_tick(self, storage: ScheduleStorage) -> None:
        repo = _Repository("repo")
        start = threading.Barrier(8)

        def claim(_index: int) -> bool:
            start.wait()
            return storage.claim_schedule_tick(repo, make_tick("s", ScheduleTickStatus.STARTED, 1200.0))[1]

        with ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = list(pool.map(claim, range(8)))
        assert outcomes.count(True) == 1
        assert len(storage.get_schedule_ticks_by_schedule(repo, "s")) == 1

    def test_tick_data_invariants(self) -> None:
        with pytest.raises(CheckError, match="run_id only when it succeeded"):
            ScheduleTickData("s", "* * * * *", 1.0, ScheduleTickStatus.STARTED, run_id="r")
        with pytest.raises(CheckError, match="error only when it failed"):
            ScheduleTickData(
                "s", "* * * * *", 1.0, ScheduleTickStatus.SUCCESS, error=SerializableErrorInfo("m", [], "E")
            )

    def test_wipe(self, storage: ScheduleStorage) -> None:
        repo = _Repository("repo")
        storage.add_schedule(repo, make_schedule("first"))
        storage.create_schedule_tick(repo, make_tick("first", ScheduleTickStatus.STARTED))
        storage.wipe()
        assert storage.all_schedules() == []
        assert storage.get_schedule_ticks_by_schedule(repo, "first") == []
        assert storage.get_schedule_tick_stats_by_schedule(repo, "first") == ScheduleTickStatsSnapshot(
            0, 0, 0, 0
        )
