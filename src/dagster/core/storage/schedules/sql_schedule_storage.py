"""Schedule storage on SQLAlchemy Core, for any backend (SQLite and PostgreSQL subclass it)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import sqlalchemy as db
from sqlalchemy.engine import Connection

from dagster import check
from dagster.core.errors import DagsterInvariantViolationError
from dagster.core.storage.schedules.base import ScheduleStorage
from dagster.core.storage.schedules.records import (
    Schedule,
    ScheduleTick,
    ScheduleTickData,
    ScheduleTickStatsSnapshot,
    ScheduleTickStatus,
)
from dagster.core.storage.schedules.schema import ScheduleTable, ScheduleTickTable
from dagster.core.storage.sql import run_in_transaction, utc_datetime_from_timestamp, utc_now
from dagster.serdes import deserialize_json_to_dagster_namedtuple, serialize_dagster_namedtuple

T = TypeVar("T")


def _register_schedule_definition_data() -> None:
    # ScheduleDefinitionData is defined with the schedule definitions (a higher layer); importing
    # them registers it for reading stored schedules.
    import dagster.core.definitions.schedule  # noqa: F401


class SqlScheduleStorage(ScheduleStorage):
    """Implements :class:`ScheduleStorage` in SQL. Subclasses provide :meth:`connect` and :meth:`upgrade`."""

    @abstractmethod
    def connect(self) -> AbstractContextManager[Connection]:
        """A context manager yielding a connection."""

    @abstractmethod
    def upgrade(self) -> None:
        """Migrate the schema to the current version."""

    def _read(self, fn: Callable[[Connection], T]) -> T:
        return run_in_transaction(self.connect, fn)

    def _write(self, fn: Callable[[Connection], T]) -> T:
        return run_in_transaction(self.connect, fn, write=True)

    def _schedules(self, query: Any) -> list[tuple[str, Schedule]]:
        rows = self._read(lambda conn: conn.execute(query).fetchall())
        if rows:
            _register_schedule_definition_data()
        return [(row[0], deserialize_json_to_dagster_namedtuple(row[1])) for row in rows]

    def all_schedules(self, repository: Any = None) -> list[Schedule]:
        query = db.select(ScheduleTable.c.repository_name, ScheduleTable.c.schedule_body).order_by(
            ScheduleTable.c.id
        )
        if repository is not None:
            query = query.where(ScheduleTable.c.repository_name == repository.name)
        return [schedule for _name, schedule in self._schedules(query)]

    def all_schedules_info(self) -> list[tuple[str, Schedule]]:
        query = db.select(ScheduleTable.c.repository_name, ScheduleTable.c.schedule_body).order_by(
            ScheduleTable.c.id
        )
        return self._schedules(query)

    def get_schedule_by_name(self, repository: Any, schedule_name: str) -> Schedule | None:
        query = db.select(ScheduleTable.c.repository_name, ScheduleTable.c.schedule_body).where(
            ScheduleTable.c.repository_name == repository.name,
            ScheduleTable.c.schedule_name == check.str_param(schedule_name, "schedule_name"),
        )
        found = self._schedules(query)
        return found[0][1] if found else None

    def add_schedule(self, repository: Any, schedule: Schedule) -> None:
        check.inst_param(schedule, "schedule", Schedule)
        try:
            self._write(
                lambda conn: conn.execute(
                    ScheduleTable.insert().values(
                        repository_name=repository.name,
                        schedule_name=schedule.name,
                        status=schedule.status.value,
                        schedule_body=serialize_dagster_namedtuple(schedule),
                    )
                )
            )
        except db.exc.IntegrityError as exc:
            raise DagsterInvariantViolationError(
                f'Schedule "{schedule.name}" is already stored for repository "{repository.name}": '
                "use update_schedule to change it."
            ) from exc

    def update_schedule(self, repository: Any, schedule: Schedule) -> None:
        check.inst_param(schedule, "schedule", Schedule)

        def _update(conn: Connection) -> int:
            return conn.execute(
                ScheduleTable.update()
                .where(
                    ScheduleTable.c.repository_name == repository.name,
                    ScheduleTable.c.schedule_name == schedule.name,
                )
                .values(
                    status=schedule.status.value,
                    schedule_body=serialize_dagster_namedtuple(schedule),
                    update_timestamp=utc_now(),
                )
            ).rowcount

        if self._write(_update) == 0:
            raise DagsterInvariantViolationError(
                f'Schedule "{schedule.name}" is not stored for repository "{repository.name}": add it first.'
            )

    def delete_schedule(self, repository: Any, schedule: Schedule) -> None:
        check.inst_param(schedule, "schedule", Schedule)
        self._write(
            lambda conn: conn.execute(
                ScheduleTable.delete().where(
                    ScheduleTable.c.repository_name == repository.name,
                    ScheduleTable.c.schedule_name == schedule.name,
                )
            )
        )

    def create_schedule_tick(self, repository: Any, schedule_tick_data: ScheduleTickData) -> ScheduleTick:
        check.inst_param(schedule_tick_data, "schedule_tick_data", ScheduleTickData)
        return ScheduleTick(
            self._write(lambda conn: _insert_tick(conn, repository, schedule_tick_data)), schedule_tick_data
        )

    def claim_schedule_tick(
        self, repository: Any, schedule_tick_data: ScheduleTickData
    ) -> tuple[ScheduleTick, bool]:
        check.inst_param(schedule_tick_data, "schedule_tick_data", ScheduleTickData)
        table = ScheduleTickTable
        holder_query = (
            db.select(table.c.id, table.c.tick_body)
            .where(
                table.c.repository_name == repository.name,
                table.c.schedule_name == schedule_tick_data.schedule_name,
                table.c.timestamp == utc_datetime_from_timestamp(schedule_tick_data.timestamp),
                table.c.status != ScheduleTickStatus.FAILURE.value,
            )
            .order_by(table.c.id)
            .limit(1)
        )

        def _claim(conn: Connection) -> tuple[ScheduleTick, bool]:
            self._take_turns_claiming(conn, repository.name, schedule_tick_data.schedule_name)
            holder = conn.execute(holder_query).first()
            if holder is not None:
                return ScheduleTick(holder[0], deserialize_json_to_dagster_namedtuple(holder[1])), False
            return ScheduleTick(_insert_tick(conn, repository, schedule_tick_data), schedule_tick_data), True

        return self._write(_claim)

    def _take_turns_claiming(self, conn: Connection, repository_name: str, schedule_name: str) -> None:
        """Make concurrent claims of one schedule's ticks wait for each other inside their
        transactions. SQLite needs nothing: a write transaction holds the database's write lock
        from its start."""

    def update_schedule_tick(self, repository: Any, tick: ScheduleTick) -> None:
        check.inst_param(tick, "tick", ScheduleTick)
        self._write(
            lambda conn: conn.execute(
                ScheduleTickTable.update()
                .where(ScheduleTickTable.c.id == tick.tick_id)
                .values(
                    status=tick.status.value,
                    tick_body=serialize_dagster_namedtuple(tick.schedule_tick_data),
                    update_timestamp=utc_now(),
                )
            )
        )

    def get_schedule_ticks_by_schedule(self, repository: Any, schedule_name: str) -> list[ScheduleTick]:
        query = (
            db.select(ScheduleTickTable.c.id, ScheduleTickTable.c.tick_body)
            .where(
                ScheduleTickTable.c.repository_name == repository.name,
                ScheduleTickTable.c.schedule_name == check.str_param(schedule_name, "schedule_name"),
            )
            .order_by(ScheduleTickTable.c.id.desc())
        )
        rows = self._read(lambda conn: conn.execute(query).fetchall())
        return [ScheduleTick(row[0], deserialize_json_to_dagster_namedtuple(row[1])) for row in rows]

    def get_schedule_tick_stats_by_schedule(
        self, repository: Any, schedule_name: str
    ) -> ScheduleTickStatsSnapshot:
        query = (
            db.select(ScheduleTickTable.c.status, db.func.count())
            .where(
                ScheduleTickTable.c.repository_name == repository.name,
                ScheduleTickTable.c.schedule_name == check.str_param(schedule_name, "schedule_name"),
            )
            .group_by(ScheduleTickTable.c.status)
        )
        counts = dict(self._read(lambda conn: conn.execute(query).fetchall()))
        return ScheduleTickStatsSnapshot(
            ticks_started=counts.get(ScheduleTickStatus.STARTED.value, 0),
            ticks_succeeded=counts.get(ScheduleTickStatus.SUCCESS.value, 0),
            ticks_skipped=counts.get(ScheduleTickStatus.SKIPPED.value, 0),
            ticks_failed=counts.get(ScheduleTickStatus.FAILURE.value, 0),
        )

    def wipe(self) -> None:
        def _delete_all(conn: Connection) -> None:
            conn.execute(ScheduleTickTable.delete())
            conn.execute(ScheduleTable.delete())

        self._write(_delete_all)


def _insert_tick(conn: Connection, repository: Any, schedule_tick_data: ScheduleTickData) -> int:
    result = conn.execute(
        ScheduleTickTable.insert().values(
            repository_name=repository.name,
            schedule_name=schedule_tick_data.schedule_name,
            status=schedule_tick_data.status.value,
            timestamp=utc_datetime_from_timestamp(schedule_tick_data.timestamp),
            tick_body=serialize_dagster_namedtuple(schedule_tick_data),
        )
    )
    return result.inserted_primary_key[0]
