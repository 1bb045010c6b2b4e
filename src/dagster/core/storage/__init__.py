"""Persistence: runs, event logs, schedules, compute logs, artifacts and intermediates."""
