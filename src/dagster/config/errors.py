"""Config validation errors: what went wrong (reason), where (stack) and a message saying how to fix it.

Every error is an :class:`EvaluationError` record; ``error_data`` carries the structured details
(the missing field's snapshot, the unknown field names, ...) for tools such as the GraphQL API.
"""

from __future__ import annotations

import difflib
from enum import Enum
from typing import Any, NamedTuple

from dagster.config.config_type import ConfigType
from dagster.config.stack import EvaluationStack, path_description
from dagster.serdes import whitelist_for_serdes
from dagster.utils.error import SerializableErrorInfo


@whitelist_for_serdes
class DagsterEvaluationErrorReason(Enum):
    RUNTIME_TYPE_MISMATCH = "RUNTIME_TYPE_MISMATCH"
    MISSING_REQUIRED_FIELD = "MISSING_REQUIRED_FIELD"
    MISSING_REQUIRED_FIELDS = "MISSING_REQUIRED_FIELDS"
    FIELD_NOT_DEFINED = "FIELD_NOT_DEFINED"
    FIELDS_NOT_DEFINED = "FIELDS_NOT_DEFINED"
    SELECTOR_FIELD_ERROR = "SELECTOR_FIELD_ERROR"
    FAILED_POST_PROCESSING = "FAILED_POST_PROCESSING"


@whitelist_for_serdes
class FieldNotDefinedErrorData(NamedTuple("_FieldNotDefinedErrorData", [("field_name", str)])):
    pass


@whitelist_for_serdes
class FieldsNotDefinedErrorData(NamedTuple("_FieldsNotDefinedErrorData", [("field_names", list)])):
    pass


@whitelist_for_serdes
class MissingFieldErrorData(NamedTuple("_MissingFieldErrorData", [("field_name", str), ("field_snap", Any)])):
    pass


@whitelist_for_serdes
class MissingFieldsErrorData(
    NamedTuple("_MissingFieldsErrorData", [("field_names", list), ("field_snaps", list)])
):
    pass


@whitelist_for_serdes
class RuntimeMismatchErrorData(
    NamedTuple("_RuntimeMismatchErrorData", [("config_type_snap", Any), ("value_rep", str)])
):
    pass


@whitelist_for_serdes
class SelectorTypeErrorData(
    NamedTuple("_SelectorTypeErrorData", [("config_type_snap", Any), ("incoming_fields", list)])
):
    pass


@whitelist_for_serdes
class EvaluationError(
    NamedTuple(
        "_EvaluationError",
        [
            ("stack", EvaluationStack),
            ("reason", DagsterEvaluationErrorReason),
            ("message", str),
            ("error_data", Any),
        ],
    )
):
    """One config validation error."""


class PostProcessingError(Exception):
    """Raised by a post-processor (env sources, ...) with a message for the user."""


def _type_str(config_type: ConfigType) -> str:
    from dagster.config.print_type import print_config_type_to_string

    return print_config_type_to_string(config_type, with_lines=False)


def _type_snap(config_type: ConfigType) -> Any:
    from dagster.config.snap import snap_from_config_type

    return snap_from_config_type(config_type)


def _field_snap(name: str, field: Any) -> Any:
    from dagster.config.snap import snap_from_field

    return snap_from_field(name, field)


def suggest_field(name: Any, candidates: list[str]) -> str | None:
    """The closest valid field name to a misspelt one, if any is close enough."""
    if not isinstance(name, str):
        return None
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _error(path: tuple, reason: DagsterEvaluationErrorReason, message: str, data: Any) -> EvaluationError:
    return EvaluationError(EvaluationStack.from_path(path), reason, message, data)


def create_scalar_error(path: tuple, config_type: ConfigType, value: Any) -> EvaluationError:
    return _error(
        path,
        DagsterEvaluationErrorReason.RUNTIME_TYPE_MISMATCH,
        f'Invalid scalar {path_description(path)}. Value "{value}" of type "{type(value)}" is not valid '
        f'for expected type "{config_type.given_name or config_type.key}".',
        RuntimeMismatchErrorData(_type_snap(config_type), repr(value)),
    )


def create_scalar_union_error(path: tuple, config_type: Any, value: Any) -> EvaluationError:
    """A ScalarUnion given a scalar that its scalar type rejects: also show the dict/list form."""
    scalar = config_type.scalar_type
    return _error(
        path,
        DagsterEvaluationErrorReason.RUNTIME_TYPE_MISMATCH,
        f'Invalid scalar {path_description(path)}. Value "{value}" of type "{type(value)}" is not valid '
        f'for expected type "{scalar.given_name or scalar.key}". It can also be given as '
        f"{_type_str(config_type.non_scalar_type)}.",
        RuntimeMismatchErrorData(_type_snap(config_type), repr(value)),
    )


def create_dict_type_mismatch_error(path: tuple, config_type: ConfigType, value: Any) -> EvaluationError:
    return _error(
        path,
        DagsterEvaluationErrorReason.RUNTIME_TYPE_MISMATCH,
        f'Value {path_description(path)} must be dict. Expected: "{_type_str(config_type)}". '
        f"Got {value!r} of type {type(value).__name__}.",
        RuntimeMismatchErrorData(_type_snap(config_type), repr(value)),
    )


def create_list_error(path: tuple, config_type: ConfigType, value: Any) -> EvaluationError:
    return _error(
        path,
        DagsterEvaluationErrorReason.RUNTIME_TYPE_MISMATCH,
        f"Value {path_description(path)} must be list. Expected: {_type_str(config_type)}. "
        f"Got {value!r} of type {type(value).__name__}.",
        RuntimeMismatchErrorData(_type_snap(config_type), repr(value)),
    )


def create_none_not_allowed_error(path: tuple, config_type: ConfigType) -> EvaluationError:
    return _error(
        path,
        DagsterEvaluationErrorReason.RUNTIME_TYPE_MISMATCH,
        f'Value {path_description(path)} must not be None. Expected: "{_type_str(config_type)}". '
        "Give a value, or make the type Noneable.",
        RuntimeMismatchErrorData(_type_snap(config_type), repr(None)),
    )


def create_selector_type_error(path: tuple, config_type: ConfigType, value: Any) -> EvaluationError:
    return _error(
        path,
        DagsterEvaluationErrorReason.RUNTIME_TYPE_MISMATCH,
        f'Value for selector type {path_description(path)} must be a dict. Expected: "{_type_str(config_type)}". '
        f"Got {value!r} of type {type(value).__name__}.",
        RuntimeMismatchErrorData(_type_snap(config_type), repr(value)),
    )


def create_enum_type_mismatch_error(path: tuple, config_type: Any, value: Any) -> EvaluationError:
    return _error(
        path,
        DagsterEvaluationErrorReason.RUNTIME_TYPE_MISMATCH,
        f"Value {path_description(path)} for enum type {config_type.given_name} must be a string. "
        f"Got {value!r}; valid values: {', '.join(config_type.config_values)}.",
        RuntimeMismatchErrorData(_type_snap(config_type), repr(value)),
    )


def create_enum_value_missing_error(path: tuple, config_type: Any, value: Any) -> EvaluationError:
    close = suggest_field(value, config_type.config_values)
    hint = f' Did you mean "{close}"?' if close else ""
    return _error(
        path,
        DagsterEvaluationErrorReason.RUNTIME_TYPE_MISMATCH,
        f"Value {path_description(path)} not in enum type {config_type.given_name} got {value}. "
        f"Valid values: {', '.join(config_type.config_values)}.{hint}",
        RuntimeMismatchErrorData(_type_snap(config_type), repr(value)),
    )


def _undefined_hint(names: list, available: list[str]) -> str:
    """`` Did you mean "x"?`` for the unknown names that are close to a valid one."""
    pairs = [(name, suggest_field(name, available)) for name in names]
    pairs = [(name, close) for name, close in pairs if close is not None]
    if not pairs:
        return ""
    if len(names) == 1:
        return f' Did you mean "{pairs[0][1]}"?'
    return " Did you mean: " + ", ".join(f'"{name}" -> "{close}"' for name, close in pairs) + "?"


def create_field_not_defined_error(path: tuple, config_type: Any, field_name: str) -> EvaluationError:
    return _error(
        path,
        DagsterEvaluationErrorReason.FIELD_NOT_DEFINED,
        f'Undefined field "{field_name}" {path_description(path)}. Expected: "{_type_str(config_type)}".'
        + _undefined_hint([field_name], sorted(config_type.fields)),
        FieldNotDefinedErrorData(field_name),
    )


def create_fields_not_defined_error(path: tuple, config_type: Any, field_names: list) -> EvaluationError:
    available = sorted(config_type.fields)
    return _error(
        path,
        DagsterEvaluationErrorReason.FIELDS_NOT_DEFINED,
        f'Fields "{field_names}" are not defined {path_description(path)}. Available fields: "{available}".'
        + _undefined_hint(field_names, available),
        FieldsNotDefinedErrorData(field_names),
    )


def create_missing_required_field_error(path: tuple, config_type: Any, field_name: str) -> EvaluationError:
    return _error(
        path,
        DagsterEvaluationErrorReason.MISSING_REQUIRED_FIELD,
        f'Missing required field "{field_name}" {path_description(path)}. '
        f'Available Fields: "{sorted(config_type.fields)}".',
        MissingFieldErrorData(field_name, _field_snap(field_name, config_type.fields[field_name])),
    )


def create_missing_required_fields_error(path: tuple, config_type: Any, field_names: list) -> EvaluationError:
    return _error(
        path,
        DagsterEvaluationErrorReason.MISSING_REQUIRED_FIELDS,
        f'Missing required fields "{field_names}" {path_description(path)}. '
        f'Available Fields: "{sorted(config_type.fields)}".',
        MissingFieldsErrorData(
            field_names, [_field_snap(name, config_type.fields[name]) for name in field_names]
        ),
    )


def create_selector_multiple_fields_error(path: tuple, config_type: Any, value: dict) -> EvaluationError:
    incoming = list(value)
    return _error(
        path,
        DagsterEvaluationErrorReason.SELECTOR_FIELD_ERROR,
        f"You can only specify a single field {path_description(path)}. You specified {incoming}. "
        f"The available fields are {sorted(config_type.fields)}",
        SelectorTypeErrorData(_type_snap(config_type), incoming),
    )


def create_selector_multiple_fields_no_field_selected_error(path: tuple, config_type: Any) -> EvaluationError:
    return _error(
        path,
        DagsterEvaluationErrorReason.SELECTOR_FIELD_ERROR,
        f"Must specify a field {path_description(path)} if more than one field is defined. "
        f"Defined fields: {sorted(config_type.fields)}",
        SelectorTypeErrorData(_type_snap(config_type), []),
    )


def create_selector_unspecified_value_error(path: tuple, config_type: Any) -> EvaluationError:
    return _error(
        path,
        DagsterEvaluationErrorReason.SELECTOR_FIELD_ERROR,
        f"Must specify the required field {path_description(path)}. Defined fields: {sorted(config_type.fields)}",
        SelectorTypeErrorData(_type_snap(config_type), []),
    )


def create_post_process_error(path: tuple, original_value: Any, exc: BaseException) -> EvaluationError:
    text = str(exc)
    info = SerializableErrorInfo(text, [], type(exc).__name__)
    return _error(
        path,
        DagsterEvaluationErrorReason.FAILED_POST_PROCESSING,
        f"Post processing {path_description(path)} of original value {original_value} failed:\n{text}",
        info,
    )


__all__ = [
    "DagsterEvaluationErrorReason",
    "EvaluationError",
    "FieldNotDefinedErrorData",
    "FieldsNotDefinedErrorData",
    "MissingFieldErrorData",
    "MissingFieldsErrorData",
    "PostProcessingError",
    "RuntimeMismatchErrorData",
    "SelectorTypeErrorData",
    "suggest_field",
]
