"""dagster_celery: run a pipeline's steps as Celery tasks, in workers started by ``dagster-celery``."""

from dagster_celery.executor import celery_executor

__all__ = ["celery_executor"]
