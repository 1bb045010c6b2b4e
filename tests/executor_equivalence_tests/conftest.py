"""The Dask cluster and the Celery worker of the executor-specific tests, reused here."""

from dagster_celery_tests.conftest import celery_config_yaml, celery_worker  # noqa: F401
from dagster_dask_tests.conftest import dask_address  # noqa: F401
