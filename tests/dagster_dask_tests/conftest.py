"""A real local Dask cluster (two single-threaded worker processes) shared by the Dask tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def dask_address():
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", resources={"SLOTS": 1}
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()
