"""dagster_cron: the ``SystemCronScheduler``, which runs schedules from the user's crontab."""

from dagster_cron.cron_scheduler import SystemCronScheduler

__all__ = ["SystemCronScheduler"]
