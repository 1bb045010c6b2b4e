"""Tag keys the system itself reads and writes on runs (user tags must not start with ``dagster/``)."""

from __future__ import annotations

SYSTEM_TAG_PREFIX = "dagster/"

SCHEDULE_NAME_TAG = f"{SYSTEM_TAG_PREFIX}schedule_name"
BACKFILL_ID_TAG = f"{SYSTEM_TAG_PREFIX}backfill"
PARTITION_NAME_TAG = f"{SYSTEM_TAG_PREFIX}partition"
PARTITION_SET_TAG = f"{SYSTEM_TAG_PREFIX}partition_set"
PARENT_RUN_ID_TAG = f"{SYSTEM_TAG_PREFIX}parent_run_id"
ROOT_RUN_ID_TAG = f"{SYSTEM_TAG_PREFIX}root_run_id"
RESUME_RETRY_TAG = f"{SYSTEM_TAG_PREFIX}is_resume_retry"

# Read by the celery engine (run-level priority, step-level priority and queue).
CELERY_RUN_PRIORITY_TAG = "dagster-celery/run_priority"
CELERY_STEP_PRIORITY_TAG = "dagster-celery/priority"
CELERY_QUEUE_TAG = "dagster-celery/queue"

# Read by the dask engine on a step: a JSON dict of dask resource requirements.
DASK_RESOURCE_REQUIREMENTS_TAG = "dagster-dask/resource_requirements"
