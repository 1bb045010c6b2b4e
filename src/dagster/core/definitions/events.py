"""Values user code yields (``Output``, ``Materialization``, ``ExpectationResult``), returns from
type checks (``TypeCheck``) or raises (``Failure``, ``RetryRequested``), and the metadata entries
they carry.

Every record here is stored inside events, so class names and field names are exactly the ones
Dagster 0.7 wrote (for example ``EventMetadataEntry(label, description, entry_data)`` and
``PathMetadataEntryData(path)``): histories written by Dagster 0.7 read back unchanged.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any, NamedTuple

from dagster import check
from dagster.serdes import whitelist_for_serdes


def last_file_comp(path: str) -> str:
    """The last component of ``path`` (``/a/b/c.csv`` → ``c.csv``; a trailing slash is ignored)."""
    return os.path.basename(os.path.normpath(path))


@whitelist_for_serdes
class TextMetadataEntryData(NamedTuple("_TextMetadataEntryData", [("text", str)])):
    """A free-form text metadata value."""

    __slots__ = ()

    def __new__(cls, text: str):
        return super().__new__(cls, check.opt_str_param(text, "text", default=""))


@whitelist_for_serdes
class UrlMetadataEntryData(NamedTuple("_UrlMetadataEntryData", [("url", str)])):
    """A URL metadata value."""

    __slots__ = ()

    def __new__(cls, url: str):
        return super().__new__(cls, check.opt_str_param(url, "url", default=""))


@whitelist_for_serdes
class PathMetadataEntryData(NamedTuple("_PathMetadataEntryData", [("path", str)])):
    """A filesystem path (or any path-like location) metadata value."""

    __slots__ = ()

    def __new__(cls, path: str):
        return super().__new__(cls, check.opt_str_param(path, "path", default=""))


@whitelist_for_serdes
class JsonMetadataEntryData(NamedTuple("_JsonMetadataEntryData", [("data", dict)])):
    """A JSON object metadata value: a dict with string keys that ``json.dumps`` accepts."""

    __slots__ = ()

    def __new__(cls, data: dict):
        data = check.opt_dict_param(data, "data", key_type=str)
        try:
            json.dumps(data)
        except (TypeError, ValueError) as exc:
            raise check.CheckError(
                f"JSON metadata must be JSON-serializable so that it can be stored with the event: {exc}. "
                f"Got {data!r}."
            ) from exc
        return super().__new__(cls, data)


@whitelist_for_serdes
class MarkdownMetadataEntryData(NamedTuple("_MarkdownMetadataEntryData", [("md_str", str)])):
    """A Markdown text metadata value."""

    __slots__ = ()

    def __new__(cls, md_str: str):
        return super().__new__(cls, check.opt_str_param(md_str, "md_str", default=""))


@whitelist_for_serdes
class PythonArtifactMetadataEntryData(
    NamedTuple("_PythonArtifactMetadataEntryData", [("module", str), ("name", str)])
):
    """A reference to a Python class or function, by module and name."""

    __slots__ = ()

    def __new__(cls, module: str, name: str):
        return super().__new__(cls, check.str_param(module, "module"), check.str_param(name, "name"))


@whitelist_for_serdes
class FloatMetadataEntryData(NamedTuple("_FloatMetadataEntryData", [("value", float)])):
    """A numeric metadata value."""

    __slots__ = ()

    def __new__(cls, value: float):
        return super().__new__(cls, check.opt_float_param(value, "value"))


ENTRY_DATA_TYPES = (
    TextMetadataEntryData,
    UrlMetadataEntryData,
    PathMetadataEntryData,
    JsonMetadataEntryData,
    MarkdownMetadataEntryData,
    PythonArtifactMetadataEntryData,
    FloatMetadataEntryData,
)


@whitelist_for_serdes
class EventMetadataEntry(
    NamedTuple("_EventMetadataEntry", [("label", str), ("description", Any), ("entry_data", Any)])
):
    """A labelled piece of metadata attached to a materialization, expectation, type check or failure.

    Build one with the statics: ``EventMetadataEntry.text("4 rows", "count")``,
    ``EventMetadataEntry.fspath("/data/out.csv")``, ``EventMetadataEntry.json({"a": 1}, "stats")``, ...
    """

    __slots__ = ()

    def __new__(cls, label: str, description: str | None, entry_data: Any):
        if not isinstance(entry_data, ENTRY_DATA_TYPES):
            raise check.CheckError(
                f"entry_data of metadata entry {label!r} must be one of "
                f"{', '.join(t.__name__ for t in ENTRY_DATA_TYPES)}; got {entry_data!r}. "
                "Use the EventMetadataEntry statics (text, url, path, fspath, json, md, python_artifact, float)."
            )
        return super().__new__(
            cls,
            check.str_param(label, "label"),
            check.opt_str_param(description, "description"),
            entry_data,
        )

    @staticmethod
    def text(text: str, label: str, description: str | None = None) -> EventMetadataEntry:
        return EventMetadataEntry(label, description, TextMetadataEntryData(text))

    @staticmethod
    def url(url: str, label: str, description: str | None = None) -> EventMetadataEntry:
        return EventMetadataEntry(label, description, UrlMetadataEntryData(url))

    @staticmethod
    def path(path: str, label: str, description: str | None = None) -> EventMetadataEntry:
        return EventMetadataEntry(label, description, PathMetadataEntryData(path))

    @staticmethod
    def fspath(path: str, label: str | None = None, description: str | None = None) -> EventMetadataEntry:
        """A filesystem path; the label defaults to the path's last component."""
        check.str_param(path, "path")
        return EventMetadataEntry.path(
            path, label if label is not None else last_file_comp(path), description
        )

    @staticmethod
    def json(data: dict, label: str, description: str | None = None) -> EventMetadataEntry:
        return EventMetadataEntry(label, description, JsonMetadataEntryData(data))

    @staticmethod
    def md(md_str: str, label: str, description: str | None = None) -> EventMetadataEntry:
        return EventMetadataEntry(label, description, MarkdownMetadataEntryData(md_str))

    @staticmethod
    def python_artifact(
        python_artifact: Any, label: str, description: str | None = None
    ) -> EventMetadataEntry:
        """A class or function, recorded by its module and name."""
        module = getattr(python_artifact, "__module__", None)
        name = getattr(python_artifact, "__name__", None)
        if not isinstance(module, str) or not isinstance(name, str):
            raise check.CheckError(
                f"python_artifact of metadata entry {label!r} must be a class or function, got {python_artifact!r}."
            )
        return EventMetadataEntry(label, description, PythonArtifactMetadataEntryData(module, name))

    @staticmethod
    def float(value: float, label: str, description: str | None = None) -> EventMetadataEntry:
        return EventMetadataEntry(label, description, FloatMetadataEntryData(value))


def _metadata_entries(metadata_entries: Sequence[EventMetadataEntry] | None, owner: str) -> list:
    if metadata_entries is None:
        return []
    if isinstance(metadata_entries, (str, bytes)) or not isinstance(metadata_entries, Sequence):
        raise check.CheckError(
            f"metadata_entries of {owner} must be a list of EventMetadataEntry, got {metadata_entries!r}."
        )
    for entry in metadata_entries:
        if not isinstance(entry, EventMetadataEntry):
            raise check.CheckError(
                f"metadata_entries of {owner} must contain only EventMetadataEntry objects, got {entry!r}. "
                "Build entries with EventMetadataEntry.text(...), .path(...), .json(...), etc."
            )
    return list(metadata_entries)


@whitelist_for_serdes
class Output(NamedTuple("_Output", [("value", Any), ("output_name", str)])):
    """A value a solid yields for one of its outputs (``'result'`` by default)."""

    __slots__ = ()

    def __new__(cls, value: Any, output_name: str = "result"):
        if type(output_name) is not str:
            check.str_param(output_name, "output_name")
        return tuple.__new__(cls, (value, output_name))


@whitelist_for_serdes
class Materialization(
    NamedTuple(
        "_Materialization",
        [("label", str), ("description", Any), ("metadata_entries", list), ("asset_key", Any)],
    )
):
    """Records that a solid wrote something outside the run (a file, a table, ...).

    A non-null ``asset_key`` is indexed in the event log so that an asset's history can be queried.
    """

    __slots__ = ()

    def __new__(
        cls,
        label: str,
        description: str | None = None,
        metadata_entries: Sequence[EventMetadataEntry] | None = None,
        asset_key: str | None = None,
    ):
        return super().__new__(
            cls,
            check.str_param(label, "label"),
            check.opt_str_param(description, "description"),
            _metadata_entries(metadata_entries, f"Materialization {label!r}"),
            check.opt_str_param(asset_key, "asset_key"),
        )

    @staticmethod
    def file(path: str, description: str | None = None, asset_key: str | None = None) -> Materialization:
        """A file materialization labelled with the file name, with one ``fspath`` entry."""
        check.str_param(path, "path")
        return Materialization(
            label=last_file_comp(path),
            description=description,
            metadata_entries=[EventMetadataEntry.fspath(path)],
            asset_key=asset_key,
        )


@whitelist_for_serdes
class ExpectationResult(
    NamedTuple(
        "_ExpectationResult",
        [("success", bool), ("label", str), ("description", Any), ("metadata_entries", list)],
    )
):
    """The outcome of a data quality check a solid ran. A failed expectation does not fail the step."""

    __slots__ = ()

    def __new__(
        cls,
        success: bool,
        label: str | None = None,
        description: str | None = None,
        metadata_entries: Sequence[EventMetadataEntry] | None = None,
    ):
        label = check.opt_str_param(label, "label", default="result")
        return super().__new__(
            cls,
            check.bool_param(success, "success"),
            label,
            check.opt_str_param(description, "description"),
            _metadata_entries(metadata_entries, f"ExpectationResult {label!r}"),
        )


@whitelist_for_serdes
class TypeCheck(
    NamedTuple("_TypeCheck", [("success", bool), ("description", Any), ("metadata_entries", list)])
):
    """The result of a type check function: success, and why / what was seen."""

    __slots__ = ()

    def __new__(
        cls,
        success: bool,
        description: str | None = None,
        metadata_entries: Sequence[EventMetadataEntry] | None = None,
    ):
        return super().__new__(
            cls,
            check.bool_param(success, "success"),
            check.opt_str_param(description, "description"),
            _metadata_entries(metadata_entries, "TypeCheck"),
        )


class Failure(Exception):
    """Raise in a compute function to fail the step on purpose, with a description and metadata."""

    def __init__(
        self, description: str | None = None, metadata_entries: Sequence[EventMetadataEntry] | None = None
    ):
        super().__init__(description)
        self.description = check.opt_str_param(description, "description")
        self.metadata_entries = _metadata_entries(metadata_entries, "Failure")


class RetryRequested(Exception):
    """Raise in a compute function to ask for the step to be retried (when retries are enabled)."""

    def __init__(self, max_retries: int = 1, seconds_to_wait: float | None = None):
        super().__init__()
        self.max_retries = check.int_param(max_retries, "max_retries")
        self.seconds_to_wait = check.opt_numeric_param(seconds_to_wait, "seconds_to_wait")
