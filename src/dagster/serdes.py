"""JSON serialization of whitelisted records (named tuples and enums), and configurable classes.

A record class is registered with :func:`whitelist_for_serdes`. It is written as a JSON object with a
``"__class__"`` tag plus its fields (sorted keys); an enum member as ``{"__enum__": "Cls.NAME"}``.
The format is the one Dagster 0.7 writes, so histories written by it read back unchanged.

Both directions are on the hot path of every event, so each class's plan is computed once at
registration:

- writing emits the JSON text directly with a generated writer per class (:mod:`dagster.serdes_text`),
  and leaves any value it does not handle exactly to the stdlib encoder over :func:`pack_value`,
  whose output it reproduces byte for byte;
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
from operator import itemgetter
from typing import Any, NamedTuple

from dagster import check, serdes_text

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
            serdes_text.register_enum(cls, tag)
        elif issubclass(cls, tuple) and hasattr(cls, "_fields"):
            _WHITELISTED_TUPLES[tag] = cls
            _TUPLE_FIELDS[cls] = tuple(cls._fields)
            serdes_text.register_record(cls, tag)
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


def _json_text(val: Any) -> str:
    try:
        return serdes_text.json_text(val)
    except serdes_text.NotDirect:
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
    item per text).
    """
    text = "[" + ",".join(json_strs) + "]"
    # Parsing builds many objects and no cycles: the cyclic collector would only walk the live
    # heap again and again (a third of the time in a process holding much data).
    collecting = gc.isenabled()
    gc.disable()
    try:
        values = _DECODER.decode(text)
    finally:
        if collecting:
            gc.enable()
    if len(values) != len(json_strs):
        raise ValueError(f"Expected {len(json_strs)} JSON values, found {len(values)}.")
    return values


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
