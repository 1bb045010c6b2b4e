"""``dagster.core.scheduler``: the Scheduler interface and the schedule records it manages."""

from dagster.core.scheduler import scheduler as _scheduler
from dagster.core.scheduler.scheduler import *  # noqa: F403  (the public names, listed in __all__)

__all__ = _scheduler.__all__
