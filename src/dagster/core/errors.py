"""Every error Dagster raises on purpose.

::

    DagsterError
    ├── DagsterInvalidDefinitionError        a definition is malformed (names the solid/input/output)
    ├── DagsterInvalidConfigDefinitionError  a config *schema* cannot be resolved
    ├── DagsterInvalidConfigError            a config *value* failed validation (lists every path)
    ├── DagsterInvariantViolationError       the API was used wrongly
    ├── DagsterExecutionStepNotFoundError    step_keys_to_execute names unknown steps
    ├── DagsterRunNotFoundError              a run id is unknown
    ├── DagsterStepOutputNotFoundError       a required output was never produced
    ├── DagsterSubprocessError               worker processes crashed
    ├── DagsterTypeCheckDidNotPass           a value failed its type check
    ├── DagsterUnknownResourceError          context.resources.<x> for an undeclared key
    ├── DagsterUnmetExecutorRequirementsError  executor cannot run with this instance/storage
    ├── DagsterEventLogInvalidForRun         a stored event row cannot be read
    ├── DagsterLaunchFailedError             a run launcher could not start the run
    ├── DagsterInstanceMigrationRequired     the storage schema is older than this code
    ├── DagsterInstanceSchemaError           the storage is unreadable or newer than this code
    ├── DagsterRunAlreadyExists / DagsterRunConflict / DagsterSnapshotDoesNotExist
    └── DagsterUserCodeExecutionError        user code raised; keeps the original exception
        ├── DagsterExecutionStepExecutionError   a compute function raised
        ├── DagsterResourceFunctionError         a resource init or teardown raised
        ├── DagsterConfigMappingFunctionError    a composite config_fn raised
        ├── DagsterTypeCheckError                a type check function raised
        ├── DagsterInputHydrationConfigError     loading an input from config raised
        ├── DagsterOutputMaterializationError    materializing an output raised
        ├── DagsterLoggerFunctionError           a logger function raised
        └── ScheduleExecutionError               a schedule function raised

Messages say what is wrong, where (config path, solid, file:line) and how to fix it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from dagster import check


class DagsterError(Exception):
    """Base class for every error raised on purpose by Dagster."""

    @property
    def is_user_code_error(self) -> bool:
        return False


class DagsterInvalidDefinitionError(DagsterError):
    """A solid, pipeline, type or other definition is malformed."""


class DagsterInvalidConfigDefinitionError(DagsterError):
    """A config schema given as a dict or list cannot be resolved to a config type."""

    def __init__(
        self, original_root: Any, current_value: Any, stack: list, reason: str | None = None, **kwargs
    ):
        self.original_root = original_root
        self.current_value = current_value
        self.stack = stack
        where = "at stack path :" + ":".join(str(level) for level in stack) if stack else "at the root"
        super().__init__(
            f"Error defining config. Original value passed: {original_root!r}. Error {where}. "
            f"{current_value!r} cannot be resolved. Reason: {reason or 'unknown'}. "
            "A config schema is a config type (Int, String, Shape(...), ...), a Python scalar type "
            "(int, str, bool, float), typing.List[...] / typing.Optional[...] of a schema, a dict of "
            "such schemas, or a one-element list of one.",
            **kwargs,
        )


class DagsterInvalidConfigError(DagsterError):
    """A config value failed validation. ``errors`` lists every problem with its path."""

    def __init__(self, preamble: str, errors: list, config_value: Any, *args, **kwargs):
        self.errors = list(errors)
        self.config_value = config_value
        self.error_messages = [getattr(error, "message", str(error)) for error in self.errors]
        lines = [preamble] + [f"    Error {i}: {msg}" for i, msg in enumerate(self.error_messages, start=1)]
        self.message = "\n".join(lines)
        super().__init__(self.message, *args, **kwargs)


class DagsterInvariantViolationError(DagsterError):
    """The API was used in a way it does not support."""


class DagsterExecutionStepNotFoundError(DagsterError):
    def __init__(self, *args, step_keys: list[str], **kwargs):
        self.step_keys = check.list_param(step_keys, "step_keys", str)
        super().__init__(*args, **kwargs)


class DagsterRunNotFoundError(DagsterError):
    def __init__(self, *args, invalid_run_id: str, **kwargs):
        self.invalid_run_id = check.str_param(invalid_run_id, "invalid_run_id")
        super().__init__(*args, **kwargs)


class DagsterStepOutputNotFoundError(DagsterError):
    def __init__(self, *args, step_key: str, output_name: str, **kwargs):
        self.step_key = check.str_param(step_key, "step_key")
        self.output_name = check.str_param(output_name, "output_name")
        super().__init__(*args, **kwargs)


class DagsterSubprocessError(DagsterError):
    def __init__(self, *args, subprocess_error_infos: list, **kwargs):
        self.subprocess_error_infos = check.list_param(subprocess_error_infos, "subprocess_error_infos")
        super().__init__(*args, **kwargs)


class DagsterTypeCheckDidNotPass(DagsterError):
    def __init__(
        self, description: str | None = None, metadata_entries: list | None = None, dagster_type=None
    ):
        super().__init__(description)
        self.description = description
        self.metadata_entries = metadata_entries or []
        self.dagster_type = dagster_type


class DagsterUnknownResourceError(DagsterError, AttributeError):
    def __init__(self, resource_name: str, *args, **kwargs):
        self.resource_name = check.str_param(resource_name, "resource_name")
        message = (
            f"Unknown resource `{resource_name}`. Specify `{resource_name}` as a required resource on the "
            "compute / config function that accessed it (required_resource_keys)."
        )
        super().__init__(message, *args, **kwargs)


class DagsterUnmetExecutorRequirementsError(DagsterError):
    """An executor cannot run with the given instance, storage or pipeline."""


class DagsterEventLogInvalidForRun(DagsterError):
    def __init__(self, run_id: str):
        self.run_id = check.str_param(run_id, "run_id")
        super().__init__(f"Event logs invalid for run id {run_id}: a stored event could not be read.")


class DagsterLaunchFailedError(DagsterError):
    """A run launcher could not start a run."""


class DagsterInstanceMigrationRequired(DagsterError):
    def __init__(
        self, msg: str | None = None, db_revision: str | None = None, head_revision: str | None = None
    ):
        self.db_revision = db_revision
        self.head_revision = head_revision
        text = (
            "This instance's storage was written by an older version "
            f"(schema {db_revision or 'unknown'}, current {head_revision or 'unknown'}). "
            "Run `dagster instance migrate` to upgrade it."
        )
        super().__init__(f"{msg} {text}" if msg else text)


class DagsterInstanceSchemaError(DagsterError):
    """A storage file cannot be read: corrupt, or written by a newer, unknown version."""


class DagsterRunAlreadyExists(DagsterError):
    pass


class DagsterRunConflict(DagsterError):
    pass


class DagsterSnapshotDoesNotExist(DagsterError):
    pass


class DagsterUserCodeExecutionError(DagsterError):
    """User code raised. ``user_exception`` and ``original_exc_info`` keep what it raised."""

    def __init__(self, *args, user_exception: BaseException, original_exc_info: tuple, **kwargs):
        self.user_exception = check.inst_param(user_exception, "user_exception", BaseException)
        self.original_exc_info = original_exc_info
        super().__init__(*args, **kwargs)

    @property
    def is_user_code_error(self) -> bool:
        return True


class DagsterExecutionStepExecutionError(DagsterUserCodeExecutionError):
    def __init__(self, *args, step_key: str, solid_name: str, solid_def_name: str, **kwargs):
        self.step_key = step_key
        self.solid_name = solid_name
        self.solid_def_name = solid_def_name
        super().__init__(*args, **kwargs)


class DagsterResourceFunctionError(DagsterUserCodeExecutionError):
    pass


class DagsterConfigMappingFunctionError(DagsterUserCodeExecutionError):
    pass


class DagsterTypeCheckError(DagsterUserCodeExecutionError):
    pass


class DagsterInputHydrationConfigError(DagsterUserCodeExecutionError):
    pass


class DagsterOutputMaterializationError(DagsterUserCodeExecutionError):
    pass


class DagsterLoggerFunctionError(DagsterUserCodeExecutionError):
    pass


class ScheduleExecutionError(DagsterUserCodeExecutionError):
    pass


@contextmanager
def user_code_error_boundary(
    error_cls: type[DagsterUserCodeExecutionError],
    msg_fn: Callable[[], str],
    control_flow_exceptions: tuple | None = None,
    **kwargs: Any,
) -> Iterator[None]:
    """Run a block of user code; re-raise anything it raises as ``error_cls`` (keeping the original).

    ``DagsterError``s and the listed ``control_flow_exceptions`` pass through unchanged.
    """
    check.subclass_param(error_cls, "error_cls", DagsterUserCodeExecutionError)
    passthrough = (DagsterError,) + tuple(control_flow_exceptions or ())
    try:
        yield
    except passthrough:
        raise
    except Exception as exc:
        raise error_cls(msg_fn(), user_exception=exc, original_exc_info=sys.exc_info(), **kwargs) from exc
