"""Run ``four_sleepers`` on the multiprocess engine in this process (the tests interrupt it)."""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from dagster import execute_pipeline
    from dagster.core.definitions.handle import ExecutionTargetHandle
    from dagster.core.instance import DagsterInstance
    from multiprocess_tests import pipelines
    from multiprocess_tests.helpers import multiprocess_config

    instance = DagsterInstance.local_temp(sys.argv[1])
    pipeline_def = ExecutionTargetHandle.for_pipeline_fn(pipelines.four_sleepers).build_pipeline_definition()
    config = multiprocess_config(solids={f"sleep_{index}": {"config": 60.0} for index in range(4)})
    try:
        execute_pipeline(pipeline_def, config, instance=instance, raise_on_error=False)
    except KeyboardInterrupt as exc:
        print(f"interrupted: {type(exc).__name__}: {exc}")
        sys.exit(3)
