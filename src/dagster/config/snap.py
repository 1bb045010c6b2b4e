"""Serializable snapshots of config types, for pipeline snapshots, GraphQL and error data.

A :class:`ConfigTypeSnap` describes one type and refers to nested types by key only; a
:class:`ConfigSchemaSnapshot` holds every snap of a schema by key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from dagster import check
from dagster.config.config_type import ConfigScalarKind, ConfigType, ConfigTypeKind
from dagster.config.field import Field
from dagster.serdes import whitelist_for_serdes


@whitelist_for_serdes
class ConfigEnumValueSnap(
    NamedTuple("_ConfigEnumValueSnap", [("value", str), ("description", "str | None")])
):
    pass


@whitelist_for_serdes
class ConfigFieldSnap(
    NamedTuple(
        "_ConfigFieldSnap",
        [
            ("name", str),
            ("type_key", str),
            ("is_required", bool),
            ("default_provided", bool),
            ("default_value_as_json_str", "str | None"),
            ("description", "str | None"),
        ],
    )
):
    """One field of a Shape/Permissive/Selector; the field's type is referred to by key."""


@whitelist_for_serdes
class ConfigTypeSnap(
    NamedTuple(
        "_ConfigTypeSnap",
        [
            ("kind", ConfigTypeKind),
            ("key", str),
            ("given_name", "str | None"),
            ("description", "str | None"),
            ("type_param_keys", "list | None"),
            ("enum_values", "list | None"),
            ("fields", "list | None"),
            ("scalar_kind", "ConfigScalarKind | None"),
        ],
    )
):
    """One config type. ``fields`` (sorted by name) for field types, ``enum_values`` for enums."""

    def __new__(
        cls,
        kind: ConfigTypeKind,
        key: str,
        given_name: str | None,
        description: str | None,
        type_param_keys: list | None,
        enum_values: list | None,
        fields: list | None,
        scalar_kind: ConfigScalarKind | None = None,
    ):
        return super().__new__(
            cls, kind, key, given_name, description, type_param_keys, enum_values, fields, scalar_kind
        )

    @property
    def has_fields(self) -> bool:
        return self.fields is not None

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields or []]

    def get_field(self, name: str) -> ConfigFieldSnap:
        for field in self.fields or []:
            if field.name == name:
                return field
        check.failed(f"Config type {self.key} has no field {name}")
        raise AssertionError  # unreachable: check.failed raises

    @property
    def inner_type_key(self) -> str:
        check.invariant(self.kind in (ConfigTypeKind.ARRAY, ConfigTypeKind.NONEABLE))
        return self.type_param_keys[0]  # type: ignore[index]

    @property
    def scalar_type_key(self) -> str:
        check.invariant(self.kind == ConfigTypeKind.SCALAR_UNION)
        return self.type_param_keys[0]  # type: ignore[index]

    @property
    def non_scalar_type_key(self) -> str:
        check.invariant(self.kind == ConfigTypeKind.SCALAR_UNION)
        return self.type_param_keys[1]  # type: ignore[index]


@whitelist_for_serdes
class ConfigSchemaSnapshot(NamedTuple("_ConfigSchemaSnapshot", [("all_config_snaps_by_key", dict)])):
    """Every config type of a schema, by key."""

    def has_config_snap(self, key: str) -> bool:
        return key in self.all_config_snaps_by_key

    def get_config_snap(self, key: str) -> ConfigTypeSnap:
        check.invariant(key in self.all_config_snaps_by_key, f"No config type with key {key} in this schema.")
        return self.all_config_snaps_by_key[key]

    @property
    def all_config_keys(self) -> list[str]:
        return list(self.all_config_snaps_by_key)


_SNAP_CACHE: dict[ConfigType, ConfigTypeSnap] = {}


def snap_from_field(name: str, field: Field) -> ConfigFieldSnap:
    return ConfigFieldSnap(
        name=name,
        type_key=field.config_type.key,
        is_required=field.is_required,
        default_provided=field.default_provided,
        default_value_as_json_str=field.default_value_as_json_str if field.default_provided else None,
        description=field.description,
    )


def snap_from_config_type(config_type: ConfigType) -> ConfigTypeSnap:
    """The snapshot of one type (memoized per type object)."""
    snap = _SNAP_CACHE.get(config_type)
    if snap is not None:
        return snap
    fields = getattr(config_type, "fields", None) if config_type.has_fields else None
    enum_values = (
        getattr(config_type, "enum_values", None) if config_type.kind == ConfigTypeKind.ENUM else None
    )
    snap = ConfigTypeSnap(
        kind=config_type.kind,
        key=config_type.key,
        given_name=config_type.given_name,
        description=config_type.description,
        type_param_keys=[param.key for param in config_type.type_params] if config_type.type_params else None,
        enum_values=[ConfigEnumValueSnap(ev.config_value, ev.description) for ev in enum_values]
        if enum_values is not None
        else None,
        fields=[snap_from_field(name, fields[name]) for name in sorted(fields)]
        if fields is not None
        else None,
        scalar_kind=getattr(config_type, "scalar_kind", None),
    )
    _SNAP_CACHE[config_type] = snap
    return snap


def iterate_config_types(config_types: Iterable[ConfigType]) -> Iterator[ConfigType]:
    """Every type reachable from ``config_types`` (nested types first), each key once."""
    seen: set[str] = set()
    for root in config_types:
        for config_type in root.type_iterator():
            if config_type.key not in seen:
                seen.add(config_type.key)
                yield config_type


def build_config_schema_snapshot(config_types: Iterable[ConfigType]) -> ConfigSchemaSnapshot:
    """Snapshot every type reachable from ``config_types``, sorted by key for stable serialization."""
    snaps = {
        config_type.key: snap_from_config_type(config_type)
        for config_type in iterate_config_types(config_types)
    }
    return ConfigSchemaSnapshot({key: snaps[key] for key in sorted(snaps)})


__all__ = [
    "ConfigEnumValueSnap",
    "ConfigFieldSnap",
    "ConfigSchemaSnapshot",
    "ConfigTypeSnap",
    "build_config_schema_snapshot",
    "iterate_config_types",
    "snap_from_config_type",
    "snap_from_field",
]
