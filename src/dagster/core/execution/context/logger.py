"""The context a logger function receives."""

from __future__ import annotations

from typing import Any, NamedTuple


class InitLoggerContext(
    NamedTuple(
        "_InitLoggerContext",
        [("logger_config", Any), ("pipeline_def", Any), ("logger_def", Any), ("run_id", str)],
    )
):
    """What a ``@logger`` function is called with: its validated config, the pipeline and the run id."""
