"""A process started with stdout and stderr closed (``prog >&- 2>&-``): the files the manager opens
take the numbers 1 and 2, and must not be taken for the console (the step's output was mirrored into
them, and the capture was never restored)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

_SCRIPT = textwrap.dedent(
    """
    import fcntl, json, os, sys
    from dagster.core.storage.compute_log_manager import ComputeIOType
    from dagster.core.storage.local_compute_log_manager import LocalComputeLogManager
    from dagster.core.storage.pipeline_run import PipelineRun

    base, report = sys.argv[1], sys.argv[2]
    manager = LocalComputeLogManager(base)
    for step in ("a", "b"):
        with manager.watch(PipelineRun(pipeline_name="p", run_id="r"), step):
            print("out of", step)
            os.write(2, ("err of " + step + "\\n").encode())
    logs = {
        step + "." + io_type.value: manager.read_logs_file("r", step, io_type).data
        for step in ("a", "b")
        for io_type in ComputeIOType
    }
    index = open(os.path.join(base, "r", "compute_logs", "completed_keys.log")).read()
    manager.dispose()
    fd = fcntl.fcntl(os.open(report, os.O_WRONLY | os.O_CREAT), fcntl.F_DUPFD, 100)
    os.write(fd, json.dumps({"logs": logs, "index": index, "stdout": repr(sys.stdout)}).encode())
    """
)


def test_captures_of_a_process_started_with_stdio_closed(tmp_path):
    report = tmp_path / "report.json"
    completed = subprocess.run(
        [
            "/bin/sh",
            "-c",
            'exec "$0" "$@" >&- 2>&-',
            sys.executable,
            "-c",
            _SCRIPT,
            str(tmp_path / "logs"),
            str(report),
        ],
        check=False,
    )

    assert completed.returncode == 0
    result = json.loads(report.read_text())
    assert result["logs"] == {
        "a.stdout": "out of a\n",
        "a.stderr": "err of a\n",
        "b.stdout": "out of b\n",
        "b.stderr": "err of b\n",
    }
    assert result["index"] == "-a\n+a\n-b\n+b\n"
    assert result["stdout"] == "None"  # the process's own streams are given back as they were
