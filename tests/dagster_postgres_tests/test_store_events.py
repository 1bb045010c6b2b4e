"""A group of events handed to ``store_events`` is one transaction on PostgreSQL: stored in order,
committed together, or not at all."""

from __future__ import annotations

import psycopg
import pytest
from storage_tests.utils.event_log_storage import log_record, one_run

from dagster_postgres import event_log

pytestmark = pytest.mark.postgres

# run_id is a VARCHAR(255): the server refuses a longer one, in the middle of the INSERT.
TOO_LONG_RUN_ID = "r" * 256


def transactions_of(storage, run_id: str) -> int:
    """How many transactions wrote the events of ``run_id`` (rows written together share xmin)."""
    with storage.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT count(DISTINCT xmin::text) FROM event_logs WHERE run_id = %(run_id)s", {"run_id": run_id}
        ).scalar()


def test_a_group_is_committed_in_one_transaction(event_storage):
    records = one_run("r1")
    event_storage.store_event(records[0])
    event_storage.store_events(records[1:4])
    assert transactions_of(event_storage, "r1") == 2
    event_storage.store_events(records[4:])
    assert transactions_of(event_storage, "r1") == 3
    assert event_storage.get_logs_for_run("r1") == records


def test_a_group_the_server_rejects_stores_nothing(event_storage):
    records = one_run("r1")
    event_storage.store_events(records[:2])
    refused = log_record(TOO_LONG_RUN_ID, "refused", 1.0)
    with pytest.raises(psycopg.errors.StringDataRightTruncation):
        event_storage.store_events(records[2:5] + [refused] + records[5:])
    assert event_storage.get_logs_for_run("r1") == records[:2]
    # The storage goes on working on the same connection.
    event_storage.store_events(records[2:])
    assert event_storage.get_logs_for_run("r1") == records


def test_a_group_too_large_for_one_statement_is_still_one_transaction(event_storage, monkeypatch):
    monkeypatch.setattr(event_log, "MAX_ROWS_PER_INSERT", 3)
    records = one_run("r1")
    event_storage.store_events(records[:8])
    assert event_storage.get_logs_for_run("r1") == records[:8]
    assert transactions_of(event_storage, "r1") == 1

    # The first INSERT (three rows) succeeds, the second is refused: the first is rolled back.
    refused = log_record(TOO_LONG_RUN_ID, "refused", 4.0)
    with pytest.raises(psycopg.errors.StringDataRightTruncation):
        event_storage.store_events([*records[8:], log_record("r1", "c", 3.0), refused])
    assert event_storage.get_logs_for_run("r1") == records[:8]
    event_storage.store_events(records[8:])
    assert event_storage.get_logs_for_run("r1") == records
