"""JSON serialization of whitelisted records (named tuples and enums), and configurable classes.

A record class is registered with :func:`whitelist_for_serdes`. It is written as a JSON object with a
``"__class__"`` tag plus its fields (sorted keys); an enum member as ``{"__enum__": "Cls.NAME"}``.
The format is the one Dagster 0.7 writes, so histories written by it read back unchanged.

Both directions are on the hot path of every event, so each class's plan is computed once at
registration:

- writing emits the JSON text directly (constant ``{"__class__": ..., "field": `` pieces per class,
  the C string escaper for strings), and leaves any value it does not handle exactly to the stdlib
  encoder over :func:`pack_value`, whose output it reproduces byte for byte;
- reading rebuilds records from the C decoder's object hook. Classes declared with
  :func:`trust_stored_records` are rebuilt without running their constructors when the stored
  object has exactly their fields (their constructors validated the values when they were written);
  anything else goes through the class's ``__from_storage__`` hook or its validating constructor.
"""

from __future__ import annotations

import gc
import importlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from enum import Enum
from json.encoder import encode_basestring_ascii as _escape
from operator import itemgetter
from typing import Any, NamedTuple

from dagster import check

_WHITELISTED_TUPLES: dict[str, type] = {}
_WHITELISTED_ENUMS: dict[str, type] = {}
# Fields each registered tuple class serializes, in declaration order.
_TUPLE_FIELDS: dict[type, tuple[str, ...]] = {}
# How to rebuild each stored class tag: the class's ``__from_storage__`` hook, or the class itself.
_READERS: dict[str, Callable[[dict], Any]] = {}
# Classes whose stored form is rebuilt without their constructor (see trust_stored_records).
_TRUSTED: set[type] = set()
# Per stored tag of a trusted class: (class, number of keys of its stored object, field getter).
_TRUSTED_READERS: dict[str, tuple[type, int, Callable[[dict], tuple]]] = {}
# Per registered tuple class: a function of its stored dict giving its field values in order.
_FIELD_GETTERS: dict[type, Callable[[dict], tuple]] = {}
# Per registered tuple class: the function writing its JSON text (see _record_writer).
_RECORD_WRITERS: dict[type, Callable[[tuple], str]] = {}
# The JSON text of each member of a registered enum, by member.
_ENUM_TEXT: dict[Enum, str] = {}
_ENUM_TYPES: set[type] = set()


class SerdesClassUsageError(check.CheckError):
    """A record could not be serialized or deserialized (an unknown class or enum tag)."""


def whitelist_for_serdes(klass: type | None = None, *, name: str | None = None):
    """Register a NamedTuple subclass or an Enum for JSON serialization.

    Usable bare (``@whitelist_for_serdes``) or with a storage name
    (``@whitelist_for_serdes(name="OldName")``) when the class was renamed.
    """

    def register(cls: type) -> type:
        tag = name or cls.__name__
        if issubclass(cls, Enum):
            _WHITELISTED_ENUMS[tag] = cls
            cls._serdes_tag = tag  # type: ignore[attr-defined]
            if not issubclass(cls, (str, int, float)):
                # Members of mixed-in enums pack as their plain value: the stdlib path writes them.
                _ENUM_TYPES.add(cls)
                for member in cls:
                    _ENUM_TEXT[member] = '{"__enum__": ' + _escape(f"{tag}.{member.name}") + "}"
        elif issubclass(cls, tuple) and hasattr(cls, "_fields"):
            _WHITELISTED_TUPLES[tag] = cls
            _TUPLE_FIELDS[cls] = tuple(cls._fields)
            annotations = _declared_types(cls)
            writer = _record_writer(tag, tuple(cls._fields), annotations)
            if _only_strings_declared(cls, annotations):
                writer = _remembering_writer(writer)
            _RECORD_WRITERS[cls] = writer
            cls._serdes_tag = tag  # type: ignore[attr-defined]
            _register_reader(tag, cls)
        else:
            raise SerdesClassUsageError(f"Can only whitelist NamedTuples and Enums, got {cls!r}.")
        return cls

    return register(klass) if klass is not None else register


def register_serdes_alias(tag: str, cls: type) -> None:
    """Read records stored under an older class name ``tag`` as ``cls``."""
    if issubclass(cls, Enum):
        _WHITELISTED_ENUMS[tag] = cls
    else:
        _WHITELISTED_TUPLES[tag] = cls
        _TUPLE_FIELDS.setdefault(cls, tuple(cls._fields))
        _register_reader(tag, cls)


def trust_stored_records(*classes: type) -> None:
    """Rebuild stored records of ``classes`` without running their constructors.

    Only for classes whose constructor, given the values it produced itself, returns them unchanged
    (it checks types and fills defaults, nothing more): what was stored was validated when it was
    built. A stored object with missing or unknown fields still goes through the constructor, and a
    class with a ``__from_storage__`` hook keeps it (the hook can use :func:`stored_fields_getter`).
    """
    for cls in classes:
        if cls not in _TUPLE_FIELDS:
            raise SerdesClassUsageError(f"{cls.__name__} is not whitelisted for serdes.")
        _TRUSTED.add(cls)
        for tag, registered in _WHITELISTED_TUPLES.items():
            if registered is cls:
                _register_reader(tag, cls)


def stored_fields_getter(cls: type) -> Callable[[dict], tuple]:
    """A function of a stored ``cls`` object (a dict) giving its field values in declaration order
    (``KeyError`` if one is missing), for ``__from_storage__`` hooks that rebuild records directly."""
    return _FIELD_GETTERS[cls]


def _register_reader(tag: str, cls: type) -> None:
    from_storage = getattr(cls, "__from_storage__", None)
    _READERS[tag] = from_storage if from_storage is not None else (lambda stored: cls(**stored))
    getter = _FIELD_GETTERS.setdefault(cls, _values_getter(tuple(cls._fields)))
    if cls in _TRUSTED and from_storage is None:
        _TRUSTED_READERS[tag] = (cls, len(cls._fields) + 1, getter)


def _values_getter(fields: tuple[str, ...]) -> Callable[[dict], tuple]:
    if len(fields) > 1:
        return itemgetter(*fields)
    if fields:
        field = fields[0]
        return lambda stored: (stored[field],)
    return lambda stored: ()


# -- writing -----------------------------------------------------------------------------------

_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})


def pack_value(val: Any) -> Any:
    """Turn ``val`` into plain JSON-able data (dicts, lists, scalars)."""
    val_type = type(val)
    if val_type in _PLAIN_SCALARS:
        return val
    fields = _TUPLE_FIELDS.get(val_type)
    if fields is not None:
        packed = {"__class__": val_type._serdes_tag}
        for field, item in zip(fields, val):
            packed[field] = item if type(item) in _PLAIN_SCALARS else pack_value(item)
        return packed
    if val_type is dict:
        return {key: item if type(item) in _PLAIN_SCALARS else pack_value(item) for key, item in val.items()}
    if val_type is list:
        return [pack_value(item) for item in val]
    if isinstance(val, (str, int, float, bool)):
        return val
    if isinstance(val, dict):
        return {key: pack_value(item) for key, item in val.items()}
    if isinstance(val, list):
        return [pack_value(item) for item in val]
    if isinstance(val, Enum):
        tag = getattr(type(val), "_serdes_tag", None)
        if tag is None:
            raise SerdesClassUsageError(f"Enum {type(val).__name__} is not whitelisted for serdes.")
        return {"__enum__": f"{tag}.{val.name}"}
    if isinstance(val, frozenset):
        return {"__frozenset__": [pack_value(item) for item in sorted(val, key=repr)]}
    if isinstance(val, set):
        return {"__set__": [pack_value(item) for item in sorted(val, key=repr)]}
    if isinstance(val, tuple):
        if hasattr(val, "_fields"):
            raise SerdesClassUsageError(
                f"{type(val).__name__} is not whitelisted for serdes: decorate it with @whitelist_for_serdes."
            )
        return [pack_value(item) for item in val]
    raise SerdesClassUsageError(f"Cannot serialize a value of type {type(val).__name__}: {val!r}")


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
    namespace = {"template": template, "escape": _escape, "text": _text, "writers": _RECORD_WRITERS}
    exec("\n".join(lines), namespace)  # noqa: S102 (source built above from field positions only)
    return namespace["write"]


class _NotDirect(Exception):
    """A value the direct writer leaves to the stdlib encoder (sets, subclasses of builtins, ...)."""


def _text(val: Any) -> str:
    """The JSON text of ``val``, as ``json.dumps(pack_value(val), sort_keys=True)`` writes it;
    raises _NotDirect for values it leaves to that slower path."""
    val_type = type(val)
    writer = _RECORD_WRITERS.get(val_type)
    if writer is not None:
        return writer(val)
    if val_type is str:
        return _escape(val)
    if val is None:
        return "null"
    if val_type is dict:
        return _dict_text(val)
    if val_type is list or val_type is tuple:
        return "[" + ", ".join([_escape(item) if type(item) is str else _text(item) for item in val]) + "]"
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
    raise _NotDirect


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
        raise _NotDirect from None
    parts = []
    only_strings = True
    for key in keys:
        if type(key) is not str:
            raise _NotDirect
        item = val[key]
        if type(item) is str:
            parts.append(_escape(key) + ": " + _escape(item))
        else:
            only_strings = False
            parts.append(_escape(key) + ": " + _text(item))
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


def _json_text(val: Any) -> str:
    try:
        return _text(val)
    except _NotDirect:
        return _ENCODER.encode(pack_value(val))


# -- reading -----------------------------------------------------------------------------------


def _object_hook(obj: dict) -> Any:
    class_name = obj.get("__class__")
    if class_name is not None:
        trusted = _TRUSTED_READERS.get(class_name)
        if trusted is not None and len(obj) == trusted[1]:
            try:
                return tuple.__new__(trusted[0], trusted[2](obj))
            except KeyError:
                pass
        reader = _READERS.get(class_name)
        if reader is None:
            raise SerdesClassUsageError(
                f'Cannot read a stored record of class "{class_name}": it is not a known record type. '
                "It was probably written by a newer version."
            )
        del obj["__class__"]
        return reader(obj)
    if len(obj) != 1:
        return obj
    enum_tag = obj.get("__enum__")
    if enum_tag is not None:
        enum_name, member = enum_tag.rsplit(".", 1)
        enum_cls = _WHITELISTED_ENUMS.get(enum_name)
        if enum_cls is None:
            raise SerdesClassUsageError(f'Cannot read stored enum "{enum_tag}": unknown enum {enum_name}.')
        return enum_cls[member]
    if "__frozenset__" in obj:
        return frozenset(obj["__frozenset__"])
    if "__set__" in obj:
        return set(obj["__set__"])
    return obj


# One encoder and one decoder for the process: ``json.dumps``/``json.loads`` with options build a
# new one on every call, which costs as much as encoding a small record.
_ENCODER = json.JSONEncoder(sort_keys=True)
_DECODER = json.JSONDecoder(object_hook=_object_hook)


def serialize_dagster_namedtuple(nt: tuple, **json_kwargs: Any) -> str:
    if type(nt) not in _TUPLE_FIELDS:
        raise SerdesClassUsageError(f"{type(nt).__name__} is not whitelisted for serdes")
    if json_kwargs:
        return json.dumps(pack_value(nt), sort_keys=True, **json_kwargs)
    return _json_text(nt)


def serialize_value(val: Any) -> str:
    return _json_text(val)


def deserialize_json_to_dagster_namedtuple(json_str: str) -> Any:
    value = _DECODER.decode(json_str)
    if type(value) not in _TUPLE_FIELDS:
        raise SerdesClassUsageError(f"Expected a stored record, got {type(value).__name__}")
    return value


def deserialize_value(json_str: str) -> Any:
    return _DECODER.decode(json_str)


def deserialize_values(json_strs: list[str]) -> list[Any]:
    """Parse many stored values with one parser call (as one JSON array).

    Raises ``ValueError`` when the texts are not one JSON value each (the result would not have one
    item per text). A large parse allocates dozens of containers per value, none of them garbage,
    so automatic garbage collection is paused meanwhile: it would walk the growing heap again and
    again for nothing (about a tenth of reading a big run's log).
    """
    text = "[" + ",".join(json_strs) + "]"
    collecting = gc.isenabled() and len(json_strs) > _PAUSE_GC_ABOVE
    if collecting:
        gc.disable()
    try:
        values = _DECODER.decode(text)
    finally:
        if collecting:
            gc.enable()
    if len(values) != len(json_strs):
        raise ValueError(f"Expected {len(json_strs)} JSON values, found {len(values)}.")
    return values


_PAUSE_GC_ABOVE = 1000


def unpack_value(packed: Any) -> Any:
    """Inverse of :func:`pack_value` for already-parsed JSON data."""
    return _DECODER.decode(_ENCODER.encode(packed))


class ConfigurableClassData(
    NamedTuple(
        "_ConfigurableClassData",
        [("module_name", str), ("class_name", str), ("config_yaml", str)],
    )
):
    """How to build a plug-in: its module, class and YAML config, as found in ``dagster.yaml``."""

    def __new__(cls, module_name: str, class_name: str, config_yaml: str):
        return super().__new__(
            cls,
            check.str_param(module_name, "module_name"),
            check.str_param(class_name, "class_name"),
            check.str_param(config_yaml, "config_yaml"),
        )

    def info_str(self, prefix: str = "") -> str:
        lines = [
            f"{prefix}module: {self.module_name}",
            f"{prefix}class: {self.class_name}",
            f"{prefix}config:",
        ]
        lines.extend(f"{prefix}  {line}" for line in self.config_yaml.splitlines())
        return "\n".join(lines)

    def rehydrate(self) -> ConfigurableClass:
        """Import the class, validate the config against its ``config_type()`` and build it."""
        import yaml

        from dagster.config.field import resolve_to_config_type
        from dagster.config.validate import process_config
        from dagster.core.errors import DagsterInvalidConfigError, DagsterInvariantViolationError

        try:
            module = importlib.import_module(self.module_name)
        except ImportError as exc:
            raise DagsterInvariantViolationError(
                f'Could not import module "{self.module_name}" for class {self.class_name}: {exc}. '
                "Check the `module:` key, and that the package providing it is installed."
            ) from exc
        klass = getattr(module, self.class_name, None)
        if klass is None:
            raise DagsterInvariantViolationError(
                f'Module "{self.module_name}" has no class "{self.class_name}". Check the `class:` key.'
            )
        if not (isinstance(klass, type) and issubclass(klass, ConfigurableClass)):
            raise DagsterInvariantViolationError(
                f"{self.module_name}.{self.class_name} is not a ConfigurableClass, so it cannot be "
                "configured from dagster.yaml."
            )
        config_dict = yaml.safe_load(self.config_yaml) or {}
        result = process_config(resolve_to_config_type(klass.config_type()), config_dict)
        if not result.success:
            raise DagsterInvalidConfigError(
                f"Errors whilst loading configuration for {self.module_name}.{self.class_name}.",
                result.errors,
                config_dict,
            )
        return klass.from_config_value(self, result.value)


whitelist_for_serdes(ConfigurableClassData)


class ConfigurableClass(ABC):
    """A class that an instance builds from the ``module``/``class``/``config`` keys of ``dagster.yaml``.

    Implement ``config_type()`` (a config schema, for example ``{"base_dir": str}``) and
    ``from_config_value(inst_data, config_value)``, and keep ``inst_data`` so that the instance can
    tell another process how to rebuild the same object::

        class MyRunStorage(RunStorage, ConfigurableClass):
            def __init__(self, url, inst_data=None):
                self._url, self._inst_data = url, inst_data

            @property
            def inst_data(self):
                return self._inst_data

            @classmethod
            def config_type(cls):
                return {"url": str}

            @staticmethod
            def from_config_value(inst_data, config_value):
                return MyRunStorage(config_value["url"], inst_data=inst_data)
    """

    @property
    @abstractmethod
    def inst_data(self) -> ConfigurableClassData | None:
        """The data this object was built from, or None if it was built directly."""

    @classmethod
    @abstractmethod
    def config_type(cls) -> Any:
        """The config schema of the ``config:`` key."""

    @staticmethod
    @abstractmethod
    def from_config_value(inst_data: ConfigurableClassData, config_value: dict) -> ConfigurableClass:
        """Build an instance from validated config."""
