"""Where in a config value an error is: a stack of field names and list indexes."""

from __future__ import annotations

from typing import NamedTuple

from dagster.serdes import whitelist_for_serdes


@whitelist_for_serdes
class EvaluationStackPathEntry(NamedTuple("_EvaluationStackPathEntry", [("field_name", str)])):
    """A step into the field ``field_name`` of a dict."""


@whitelist_for_serdes
class EvaluationStackListItemEntry(NamedTuple("_EvaluationStackListItemEntry", [("list_index", int)])):
    """A step into item ``list_index`` of a list."""


@whitelist_for_serdes
class EvaluationStack(NamedTuple("_EvaluationStack", [("entries", list)])):
    """The path from the root of a config value to the spot an error is about."""

    @property
    def levels(self) -> list[str]:
        """The field names on the path (list indexes left out)."""
        return [entry.field_name for entry in self.entries if isinstance(entry, EvaluationStackPathEntry)]

    @staticmethod
    def from_path(path: tuple) -> EvaluationStack:
        """Build from a tuple of field names (str) and list indexes (int)."""
        return EvaluationStack(
            [
                EvaluationStackListItemEntry(step)
                if isinstance(step, int)
                else EvaluationStackPathEntry(step)
                for step in path
            ]
        )


def path_to_str(path: tuple) -> str:
    """``root:solids:s:config`` with list items as ``[i]`` (``root:a[1]:c``)."""
    text = "root"
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else f":{step}"
    return text


def path_description(path: tuple) -> str:
    """``at the root`` or ``at path root:a:b`` for messages."""
    return "at the root" if not path else f"at path {path_to_str(path)}"


def get_friendly_path_msg(stack: EvaluationStack) -> str:
    return path_description(tuple(_entry_step(entry) for entry in stack.entries))


def get_friendly_path_info(stack: EvaluationStack) -> tuple[str, str]:
    """``(description, path_str)``: e.g. ``('at path root:a', 'root:a')`` or ``('at the root', 'root')``."""
    path = tuple(_entry_step(entry) for entry in stack.entries)
    return path_description(path), path_to_str(path)


def _entry_step(entry: EvaluationStackPathEntry | EvaluationStackListItemEntry) -> str | int:
    return entry.list_index if isinstance(entry, EvaluationStackListItemEntry) else entry.field_name
