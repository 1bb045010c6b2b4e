"""Writing registered records as JSON text directly, one generated writer per record class.

The text is exactly what ``json.dumps(pack_value(value), sort_keys=True)`` writes (the Dagster 0.7
format, see :mod:`dagster.serdes`), without building the packed dicts first. Values this module does
not write itself (sets, subclasses of builtins, dicts with keys that are not strings, unregistered
types) raise :class:`NotDirect`, and :mod:`dagster.serdes` hands the whole value to that stdlib path.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from json.encoder import encode_basestring_ascii as _escape
from typing import Any

# Per registered record class: the function writing its JSON text.
RECORD_WRITERS: dict[type, Callable[[tuple], str]] = {}
# The JSON text of each member of a registered enum, by member.
_ENUM_TEXT: dict[Enum, str] = {}
_ENUM_TYPES: set[type] = set()


def register_record(cls: type, tag: str) -> None:
    """Write records of the NamedTuple class ``cls`` under the class tag ``tag``."""
    annotations = _declared_types(cls)
    writer = _record_writer(tag, tuple(cls._fields), annotations)
    if _only_strings_declared(cls, annotations):
        writer = _remembering_writer(writer)
    RECORD_WRITERS[cls] = writer


def register_enum(cls: type, tag: str) -> None:
    """Write members of the Enum ``cls`` as ``{"__enum__": "<tag>.<NAME>"}``."""
    if issubclass(cls, (str, int, float)):
        return  # members of mixed-in enums pack as their plain value: the stdlib path writes them
    _ENUM_TYPES.add(cls)
    for member in cls:
        _ENUM_TEXT[member] = '{"__enum__": ' + _escape(f"{tag}.{member.name}") + "}"


# For fields declared as these scalar types, the generated writer tests for that type first.
_LEAF_TEXT = {
    kind: text
    for kinds, text in (
        ((int, "int"), "int.__repr__({v}) if type({v}) is int else "),
        ((float, "float"), "float.__repr__({v}) if type({v}) is float and {v} - {v} == 0.0 else "),
        ((bool, "bool"), "('true' if {v} else 'false') if type({v}) is bool else "),
        ((list, "list"), "'[]' if type({v}) is list and not {v} else "),
    )
    for kind in kinds
}


def _declared_types(cls: type) -> dict[str, Any]:
    """The field annotations of a NamedTuple class (found on the generated base class)."""
    for klass in cls.__mro__:
        annotations = klass.__dict__.get("__annotations__")
        if annotations and set(cls._fields) <= set(annotations):
            return annotations
    return {}


def _only_strings_declared(cls: type, annotations: dict[str, Any]) -> bool:
    """Whether every field of ``cls`` is declared as a string, optional string or ``cls`` itself."""
    allowed = {"str", "None", cls.__name__}
    for field in cls._fields:
        annotation = annotations.get(field)
        annotation = getattr(annotation, "__forward_arg__", annotation)  # typing.ForwardRef("X | None")
        if annotation is str:
            continue
        if not isinstance(annotation, str) or not {part.strip() for part in annotation.split("|")} <= allowed:
            return False
    return bool(cls._fields)


def _remembering_writer(write: Callable[[tuple], str]) -> Callable[[tuple], str]:
    """``write``, remembering the texts of records made only of strings and None (a solid handle,
    a step output handle: the same few are written on every event of a step). A record equal to a
    remembered one then has exactly its text (``1 == True`` cannot happen between strings)."""
    texts: dict[tuple, str] = {}

    def remembering(record: tuple) -> str:
        try:
            text = texts.get(record)
        except TypeError:  # an unhashable value where a string was declared
            return write(record)
        if text is None:
            text = write(record)
            if _STRING_OR_NONE.issuperset(map(type, record)):
                if len(texts) >= _REMEMBERED_TEXTS:
                    texts.clear()
                texts[record] = text
        return text

    return remembering


_STRING_OR_NONE = frozenset({str, type(None)})
_REMEMBERED_TEXTS = 1024


def _record_writer(tag: str, fields: tuple[str, ...], annotations: dict[str, Any]) -> Callable[[tuple], str]:
    """A function writing a record of ``fields`` as JSON: a ``%`` template holding the constant
    text (``{"__class__": "Tag", "a": %s, "b": %s}``) filled with the texts of the field values.

    The function's source is generated, one line per field, so that writing a record costs no
    loop, no per-field lookup and no intermediate list: this runs for every field of every event.
    Each line tests first for the field's declared scalar type, then str and None, and hands a
    nested record straight to its own writer.
    """
    pieces = ["{"]
    for position, key in enumerate(sorted(("__class__", *fields))):
        if position:
            pieces.append(", ")
        if key == "__class__":
            pieces.append('"__class__": ' + _escape(tag).replace("%", "%%"))
        else:
            pieces.append(_escape(key).replace("%", "%%") + ": %s")
    pieces.append("}")
    template = "".join(pieces)
    if not fields:
        return lambda record: template
    names = [f"v{index}" for index in range(len(fields))]
    lines = ["def write(record):", f"    {', '.join(names)}, = record", "    return template % ("]
    for key in sorted(fields):
        name = names[fields.index(key)]
        annotation = annotations.get(key)
        declared = _LEAF_TEXT.get(annotation, "") if isinstance(annotation, (str, type)) else ""
        lines.append(
            "        "
            + declared.format(v=name)
            + f"escape({name}) if type({name}) is str else 'null' if {name} is None "
            + f"else writers.get(type({name}), text)({name}),"
        )
    lines.append("    )")
    namespace = {"template": template, "escape": _escape, "text": json_text, "writers": RECORD_WRITERS}
    exec("\n".join(lines), namespace)  # noqa: S102 (source built above from field positions only)
    return namespace["write"]


class NotDirect(Exception):
    """A value the direct writer leaves to the stdlib encoder (sets, subclasses of builtins, ...)."""


def json_text(val: Any) -> str:
    """The JSON text of ``val``, as ``json.dumps(pack_value(val), sort_keys=True)`` writes it;
    raises NotDirect for values it leaves to that slower path."""
    val_type = type(val)
    writer = RECORD_WRITERS.get(val_type)
    if writer is not None:
        return writer(val)
    if val_type is str:
        return _escape(val)
    if val is None:
        return "null"
    if val_type is dict:
        return _dict_text(val)
    if val_type is list or val_type is tuple:
        return (
            "[" + ", ".join([_escape(item) if type(item) is str else json_text(item) for item in val]) + "]"
        )
    if val_type is bool:
        return "true" if val else "false"
    if val_type is int:
        return int.__repr__(val)
    if val_type is float:
        if val - val == 0.0:  # finite
            return float.__repr__(val)
        return "NaN" if val != val else "Infinity" if val > 0 else "-Infinity"
    if val_type in _ENUM_TYPES:
        return _ENUM_TEXT[val]
    raise NotDirect


def _dict_text(val: dict) -> str:
    if not val:
        return "{}"
    try:
        items = tuple(val.items())
        text = _STRING_DICT_TEXTS.get(items)
    except TypeError:  # an unhashable value: nothing to look up
        items = text = None
    if text is not None:
        return text
    try:
        keys = sorted(val)
    except TypeError:
        raise NotDirect from None
    parts = []
    only_strings = True
    for key in keys:
        if type(key) is not str:
            raise NotDirect
        item = val[key]
        if type(item) is str:
            parts.append(_escape(key) + ": " + _escape(item))
        else:
            only_strings = False
            parts.append(_escape(key) + ": " + json_text(item))
    text = "{" + ", ".join(parts) + "}"
    if only_strings and items is not None:
        if len(_STRING_DICT_TEXTS) >= _STRING_DICT_CACHE_SIZE:
            _STRING_DICT_TEXTS.clear()
        _STRING_DICT_TEXTS[items] = text
    return text


# The texts of recent dicts of strings, by their items. Every event of a step carries the same
# logging tags: they are written once per step instead of once per event. Only dicts of strings
# are kept, so that items equal to a cached key have exactly that key's text (``1 == True``).
_STRING_DICT_TEXTS: dict[tuple, str] = {}
_STRING_DICT_CACHE_SIZE = 256
