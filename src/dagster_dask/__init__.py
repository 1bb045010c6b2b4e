"""dagster_dask: run a pipeline's steps as tasks on a Dask cluster (a local one by default)."""

from dagster_dask.executor import dask_executor

__all__ = ["dask_executor"]
