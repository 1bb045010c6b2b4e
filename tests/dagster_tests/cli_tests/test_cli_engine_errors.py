"""An error that interrupts a run is printed by `dagster pipeline execute` as one ENGINE line. When it
is one of our own errors with a clear message (a storage that cannot be written), no framework or
SQLAlchemy traceback follows it; an error raised by the user's code keeps the user's traceback.
Real processes and files: the storage test fills a real tmpfs (needs root, like the resilience
tests; it fails rather than skips without it under CI=true)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from conftest import require_root
from dagster.cli.event_printer import EventPrinter
from dagster.core.errors import DagsterInvariantViolationError
from dagster.core.events import DagsterEvent, EngineEventData
from dagster.core.instance import DagsterInstance
from dagster.core.instance.ref import InstanceRef
from dagster.core.storage.pipeline_run import PipelineRunStatus
from dagster.utils.error import serializable_error_info_from_exc_info

DAGSTER = os.path.join(os.path.dirname(sys.executable), "dagster")

REPO = textwrap.dedent(
    """
    import logging, os
    from dagster import ModeDefinition, logger, pipeline, resource, solid

    @resource
    def disk_filler(_):
        # Fill the disk that holds the run database, down to the last byte.
        fd = os.open(os.environ["FILLER"], os.O_WRONLY | os.O_CREAT)
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"x" * size)
            except OSError:
                pass
        os.close(fd)

    @logger
    def sink_gone(_):
        class Explodes(logging.Handler):
            def emit(self, record):
                raise OSError("log sink is gone")

        log = logging.Logger("explodes", logging.DEBUG)
        log.addHandler(Explodes())
        return log

    @solid
    def one(_):
        return 1

    @solid(required_resource_keys={"filler"})
    def needs_filler(_):
        return 1

    @pipeline(mode_defs=[ModeDefinition(resource_defs={"filler": disk_filler})])
    def fills_the_disk():
        needs_filler()

    @pipeline(mode_defs=[ModeDefinition(logger_defs={"sink": sink_gone})])
    def broken_logger():
        one()
    """
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "repo.py").write_text(REPO)
    (tmp_path / "home").mkdir()
    (tmp_path / "run_disk").mkdir()
    (tmp_path / "env.yaml").write_text("loggers:\n  sink: {}\n")
    return tmp_path


@pytest.fixture
def full_run_disk(project: Path) -> Iterator[Path]:
    """The run database on a 1 MiB tmpfs of its own (events stay on the normal disk)."""
    require_root("mounting a tmpfs")
    disk = project / "run_disk"
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
    (project / "home" / "dagster.yaml").write_text(
        "run_storage:\n"
        "  module: dagster.core.storage.runs\n"
        "  class: SqliteRunStorage\n"
        f"  config:\n    base_dir: {disk}\n"
    )
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def _execute(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DAGSTER_HOME=str(project / "home"), FILLER=str(project / "run_disk" / "filler"))
    return subprocess.run(
        [DAGSTER, "pipeline", "execute", "-f", "repo.py", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_storage_error_is_one_clear_engine_line_without_traceback(project: Path, full_run_disk: Path) -> None:
    result = _execute(project, "-n", "fills_the_disk")
    runs_db = full_run_disk / "runs.db"
    message = (
        f"DagsterInstanceSchemaError: Cannot use the database {runs_db}: database or disk is full. "
        f"The disk holding {runs_db} is full."
    )
    assert result.returncode == 1, result.stdout + result.stderr
    (engine_line,) = [line for line in result.stdout.splitlines() if " ENGINE " in line]
    assert f"ENGINE fills_the_disk  An unexpected error interrupted the run: {message}" in engine_line
    # Nothing printed after it: no repeat of the message, no SQLAlchemy or sqlite3 traceback.
    assert result.stdout.rstrip().endswith(engine_line)
    for noise in ("Traceback", "sqlalchemy", "sqlite3"):
        assert noise not in result.stdout + result.stderr, result.stdout + result.stderr
    (error_line,) = result.stderr.strip().splitlines()
    assert error_line.startswith(f"Error: {message.split(': ', 1)[1]}")

    # The event log has the whole story, the error info included, for the UI.
    (full_run_disk / "filler").unlink()
    instance = DagsterInstance.from_ref(InstanceRef.from_dir(str(project / "home")))
    try:
        (run,) = instance.get_runs()
        records = instance.all_logs(run.run_id)
        assert [r.dagster_event.event_type_value for r in records][-3:] == [
            "PIPELINE_START",
            "ENGINE_EVENT",
            "PIPELINE_FAILURE",
        ]
        engine_event = records[-2]
        error = engine_event.dagster_event.engine_event_data.error
        assert error.cls_name == "DagsterInstanceSchemaError"
        assert error.cause is not None and error.cause.cls_name == "OperationalError"
        # The run database never took PIPELINE_START or PIPELINE_FAILURE; the process is gone, and
        # the run's status is repaired from its event log.
        assert run.status == PipelineRunStatus.FAILURE
    finally:
        instance.dispose()


def test_user_code_error_keeps_its_traceback(project: Path) -> None:
    result = _execute(project, "-n", "broken_logger", "-e", "env.yaml")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    (index,) = [i for i, line in enumerate(lines) if " ENGINE " in line]
    assert lines[index].endswith(
        "ENGINE broken_logger  An unexpected error interrupted the run: OSError: log sink is gone"
    )
    shown = "\n".join(lines[index + 1 :])
    assert shown.startswith("    Traceback (most recent call last):")
    line = REPO.splitlines().index('            raise OSError("log sink is gone")') + 1
    assert f'File "{project / "repo.py"}", line {line}, in emit' in shown
    assert "OSError: log sink is gone\n\nRun " in shown, "the run's summary follows the traceback"
    # The traceback is shown once, in the run's engine event: the command ends with one line.
    (run_id,) = re.findall(r"^Run (\S+) FAILURE", result.stdout, re.MULTILINE)
    assert result.stderr == (
        f"Error: Run {run_id} was interrupted by OSError: log sink is gone "
        "(its traceback is shown above and kept in the run's event log).\n"
    )


def test_our_error_is_printed_once_when_the_event_message_does_not_carry_it() -> None:
    try:
        raise DagsterInvariantViolationError("The executor stopped: no workers left.")
    except DagsterInvariantViolationError:
        error = serializable_error_info_from_exc_info(sys.exc_info())
    lines: list[str] = []
    printer = EventPrinter(lambda line: lines.append(click.unstyle(line)))
    printer(
        DagsterEvent(
            "ENGINE_EVENT", "p", message="Steps stopped.", event_specific_data=EngineEventData(error=error)
        )
    )
    assert lines[0].endswith("ENGINE p  Steps stopped.")
    assert lines[1:] == ["    DagsterInvariantViolationError: The executor stopped: no workers left."]
