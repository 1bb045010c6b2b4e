"""A script that starts a multiprocess run at import time, without `if __name__ == "__main__":`."""

from __future__ import annotations

import subprocess
import sys
import textwrap

PIPELINE_FILE = """
from dagster import lambda_solid, pipeline

@lambda_solid
def one():
    return 1

@pipeline
def single():
    one()
"""

# Workers import the main module (as multiprocessing does): there the run would start again.
SCRIPT = """
import sys
from dagster import execute_pipeline
from dagster.core.definitions.handle import ExecutionTargetHandle
from dagster.core.instance import DagsterInstance

handle = ExecutionTargetHandle.for_pipeline_python_file(sys.argv[1], "single")
result = execute_pipeline(
    handle.build_pipeline_definition(),
    {
        "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
        "execution": {"multiprocess": {"config": {"max_concurrent": 1}}},
        "storage": {"filesystem": {}},
    },
    instance=DagsterInstance.local_temp(sys.argv[2]),
    raise_on_error=False,
)
failure = result.result_for_solid("one").failure_data.error
print("FAILURE:", failure.message)
"""


def test_workers_that_cannot_start_name_the_missing_main_guard(tmp_path):
    pipeline_file = tmp_path / "single.py"
    pipeline_file.write_text(PIPELINE_FILE)
    script = tmp_path / "unguarded.py"
    script.write_text(textwrap.dedent(SCRIPT))
    done = subprocess.run(
        [sys.executable, str(script), str(pipeline_file), str(tmp_path / "home")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    message = done.stdout.split("FAILURE: ", 1)[1]
    assert message.startswith(
        'Two worker processes in a row ended before they could take step "one.compute" (the last, pid '
    )
    assert ", exited with code 1); their errors are on the run's stderr." in message
    assert 'guard it with `if __name__ == "__main__":`' in message
    # Python's own explanation reached stderr.
    assert "An attempt has been made to start a new process" in done.stderr
