"""Turning ``solid_defs`` + a ``dependencies`` dict into solids and a validated dependency structure.

Shared by pipelines and composite solids. Every error names the container (``pipeline "p"`` or
``composite solid "c"``), the solid, the input or output, and says how to fix it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dagster import check
from dagster.core.definitions.dependency import (
    DependencyDefinition,
    DependencyStructure,
    MultiDependencyDefinition,
    Solid,
    SolidHandle,
    SolidInvocation,
)
from dagster.core.definitions.utils import format_names
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError


def check_solid_defs(solid_defs: Any, container: str) -> list:
    """``solid_defs`` must be a list of solid definitions with unique names (or the same object twice)."""
    from dagster.core.definitions.solid import ISolidDefinition

    if not isinstance(solid_defs, (list, tuple)):
        raise DagsterInvalidDefinitionError(
            f"solid_defs of {container} must be a list of solid definitions, got {type(solid_defs).__name__}."
        )
    by_name: dict[str, Any] = {}
    unique: list = []
    for solid_def in solid_defs:
        if not isinstance(solid_def, ISolidDefinition):
            if callable(solid_def):
                fn_name = getattr(solid_def, "__name__", repr(solid_def))
                raise DagsterInvalidDefinitionError(
                    f'You passed the function "{fn_name}" to {container}, but it is not a solid. Decorate it '
                    "with @solid or @lambda_solid."
                )
            raise DagsterInvalidDefinitionError(
                f"Invalid item in solid_defs of {container}: {solid_def!r}. Pass solid definitions "
                "(built with @solid, @lambda_solid, @composite_solid or SolidDefinition)."
            )
        existing = by_name.get(solid_def.name)
        if existing is None:
            by_name[solid_def.name] = solid_def
            unique.append(solid_def)
        elif existing is not solid_def:
            raise DagsterInvalidDefinitionError(
                f'{container[0].upper()}{container[1:]} has two different solid definitions named "{solid_def.name}". '
                "Solid definition names must be unique: rename one of them (an alias does not rename the "
                "definition)."
            )
    return unique


def build_solids(
    solid_defs: Sequence,
    dependencies: Mapping[Any, Mapping[str, Any]],
    container_definition: Any,
    container: str,
) -> tuple[dict[str, Solid], dict[str, dict[str, Any]]]:
    """Create one ``Solid`` per invocation; return them and the dependency dict keyed by invocation name."""
    defs_by_name = {solid_def.name: solid_def for solid_def in solid_defs}
    if not isinstance(dependencies, Mapping):
        raise DagsterInvalidDefinitionError(
            f"dependencies of {container} must be a dict {{solid name or SolidInvocation: {{input name: "
            f"DependencyDefinition}}}}, got {type(dependencies).__name__}."
        )
    invocations: dict[str, tuple[Any, dict]] = {}
    aliased_defs: set[str] = set()
    dep_dict: dict[str, dict[str, Any]] = {}
    for key, input_deps in dependencies.items():
        if isinstance(key, SolidInvocation):
            def_name, alias, tags = key.name, key.alias or key.name, key.tags
        elif isinstance(key, str):
            def_name, alias, tags = key, key, {}
        else:
            raise DagsterInvalidDefinitionError(
                f"Invalid key {key!r} in the dependencies of {container}: keys must be solid names (str) or "
                "SolidInvocation(name, alias, tags)."
            )
        if def_name not in defs_by_name:
            raise DagsterInvalidDefinitionError(
                f'Invalid dependencies of {container}: solid "{def_name}" is not in its solid_defs. '
                f"Known solids: {format_names(sorted(defs_by_name))}. Add the solid to solid_defs or fix the name."
            )
        if alias in invocations and (
            invocations[alias][0].name != def_name or isinstance(key, SolidInvocation)
        ):
            raise DagsterInvalidDefinitionError(
                f'{container[0].upper()}{container[1:]} uses the solid name "{alias}" twice in its dependencies. '
                "Give each use of a definition a unique alias."
            )
        invocations[alias] = (defs_by_name[def_name], tags)
        aliased_defs.add(def_name)
        if not isinstance(input_deps, Mapping):
            raise DagsterInvalidDefinitionError(
                f'Dependencies of solid "{alias}" in {container} must be a dict {{input name: '
                f"DependencyDefinition or MultiDependencyDefinition}}, got {input_deps!r}."
            )
        dep_dict[alias] = dict(input_deps)
    for solid_def in solid_defs:
        if solid_def.name not in aliased_defs:
            if solid_def.name in invocations:
                raise DagsterInvalidDefinitionError(
                    f'In {container}, the alias "{solid_def.name}" collides with the name of the solid '
                    "definition of the same name. Pick another alias."
                )
            invocations[solid_def.name] = (solid_def, {})
    solids = {
        name: Solid(name, solid_def, container_definition, tags or None)
        for name, (solid_def, tags) in invocations.items()
    }
    validate_dependency_dict(solids, dep_dict, container)
    return solids, dep_dict


def validate_dependency_dict(
    solids: Mapping[str, Solid], dep_dict: Mapping[str, Mapping[str, Any]], container: str
) -> None:
    for solid_name, input_deps in dep_dict.items():
        solid = solids[solid_name]
        for input_name, dep in input_deps.items():
            if not solid.has_input(input_name):
                raise DagsterInvalidDefinitionError(
                    f'Invalid dependencies in {container}: solid "{solid_name}" has no input "{input_name}". '
                    f"Its inputs are: {format_names(solid.input_dict) or 'none'}."
                )
            input_def = solid.input_def_named(input_name)
            if isinstance(dep, MultiDependencyDefinition):
                _check_fan_in_type(solid_name, input_def, container)
                upstreams = dep.dependencies
            elif isinstance(dep, DependencyDefinition):
                upstreams = [dep]
            else:
                raise DagsterInvalidDefinitionError(
                    f'Invalid dependency for input "{input_name}" of solid "{solid_name}" in {container}: '
                    f"expected a DependencyDefinition or MultiDependencyDefinition, got {dep!r}."
                )
            for upstream in upstreams:
                _check_upstream(
                    solids,
                    solid_name,
                    input_def,
                    upstream,
                    container,
                    fan_in=len(upstreams) > 1 or isinstance(dep, MultiDependencyDefinition),
                )


def _check_upstream(
    solids, solid_name, input_def, dep: DependencyDefinition, container: str, fan_in: bool
) -> None:
    where = f'input "{input_def.name}" of solid "{solid_name}" in {container}'
    if dep.solid == solid_name:
        raise DagsterInvalidDefinitionError(
            f"Invalid dependencies: {where} depends on the solid itself. A solid cannot consume its own output."
        )
    upstream = solids.get(dep.solid)
    if upstream is None:
        raise DagsterInvalidDefinitionError(
            f'Invalid dependencies: {where} depends on solid "{dep.solid}", which is not in {container}. '
            f"Known solids: {format_names(sorted(solids))}."
        )
    if not upstream.has_output(dep.output):
        raise DagsterInvalidDefinitionError(
            f'Invalid dependencies: {where} depends on output "{dep.output}" of solid "{dep.solid}", which has '
            f"no such output. Its outputs are: {format_names(upstream.output_dict) or 'none'}."
        )
    output_type = upstream.output_def_named(dep.output).dagster_type
    input_type = input_def.dagster_type
    if fan_in and input_type.is_list:
        input_type = input_type.inner_types[0] if input_type.inner_types else input_type
    if output_type.is_nothing and not input_type.is_nothing:
        raise DagsterInvalidDefinitionError(
            f"Invalid dependencies: {where} (of type {input_type.display_name}) is connected to output "
            f'"{dep.output}" of solid "{dep.solid}", which has type Nothing and carries no value. Only inputs '
            "of type Nothing can depend on a Nothing output."
        )
    if not types_can_connect(output_type, input_type):
        raise DagsterInvalidDefinitionError(
            f'Type mismatch: output "{dep.output}" of solid "{dep.solid}" has type {output_type.display_name}, '
            f"but it is connected to {where}, of type {input_type.display_name}. A value of the first type can "
            "never pass the second's type check: change one of the types, or connect another output."
        )


def _check_fan_in_type(solid_name: str, input_def: Any, container: str) -> None:
    input_type = input_def.dagster_type
    if not (input_type.is_list or input_type.is_nothing or input_type.is_any):
        raise DagsterInvalidDefinitionError(
            f'Input "{input_def.name}" of solid "{solid_name}" in {container} receives several outputs (fan-in) '
            f"but has type {input_type.display_name}. A fan-in input must have a List type (e.g. List[Int]) or "
            "type Nothing."
        )


# Families of builtin scalar types: values of one family never pass the type check of another.
_SCALAR_FAMILIES = {"Int": "number", "Float": "number", "Bool": "bool", "String": "string", "Path": "string"}


def types_can_connect(output_type: Any, input_type: Any) -> bool:
    """False only when no value of ``output_type`` can pass ``input_type``'s check (a sure failure).

    User-defined types may accept values of other types, so they are only compared by their
    Python classes when both sides declare one.
    """
    if input_type.is_any or output_type.is_any or input_type.is_nothing or output_type.is_nothing:
        return True
    if output_type.key == input_type.key:
        return True
    if input_type.is_nullable:
        inner = input_type.inner_types[0] if input_type.inner_types else None
        return inner is None or types_can_connect(_unwrap_nullable(output_type), inner)
    output_type = _unwrap_nullable(output_type)
    if input_type.is_list or output_type.is_list:
        if not (input_type.is_list and output_type.is_list):
            return not (_is_known_scalar(input_type) or _is_known_scalar(output_type))
        if not (input_type.inner_types and output_type.inner_types):
            return True
        return types_can_connect(output_type.inner_types[0], input_type.inner_types[0])
    out_family = _SCALAR_FAMILIES.get(output_type.key) if output_type.is_scalar else None
    in_family = _SCALAR_FAMILIES.get(input_type.key) if input_type.is_scalar else None
    if out_family and in_family:
        return out_family == in_family
    out_classes = _python_classes(output_type)
    in_classes = _python_classes(input_type)
    if out_classes and in_classes:
        return any(issubclass(a, b) or issubclass(b, a) for a in out_classes for b in in_classes)
    return True


def _unwrap_nullable(dagster_type: Any) -> Any:
    if dagster_type.is_nullable and dagster_type.inner_types:
        return dagster_type.inner_types[0]
    return dagster_type


def _is_known_scalar(dagster_type: Any) -> bool:
    return bool(dagster_type.is_scalar and dagster_type.key in _SCALAR_FAMILIES)


_SCALAR_CLASSES: dict[str, tuple[type, ...]] = {
    "Int": (int,),
    "Float": (float, int),
    "Bool": (bool,),
    "String": (str,),
    "Path": (str,),
}


def _python_classes(dagster_type: Any) -> tuple[type, ...] | None:
    """The Python classes a type's values are known to be instances of, if the type says so."""
    if _is_known_scalar(dagster_type):
        return _SCALAR_CLASSES[dagster_type.key]
    python_type = getattr(dagster_type, "python_type", None)
    if isinstance(python_type, type):
        return (python_type,)
    if isinstance(python_type, tuple) and python_type and all(isinstance(t, type) for t in python_type):
        return python_type
    return None


def check_unconnected_inputs(
    solids: Mapping[str, Solid],
    dependency_structure: DependencyStructure,
    container: str,
    mapped: set | None = None,
) -> None:
    """Every input must be wired, mapped from a composite input, defaulted, or loadable from config."""
    for solid in solids.values():
        for handle in solid.input_handles():
            input_def = handle.input_def
            if dependency_structure.has_deps(handle) or (mapped and (solid.name, input_def.name) in mapped):
                continue
            dagster_type = input_def.dagster_type
            if dagster_type.is_nothing or input_def.has_default_value or dagster_type.input_hydration_config:
                continue
            raise DagsterInvalidDefinitionError(
                f'Input "{input_def.name}" of solid "{solid.name}" in {container} is not connected to the output '
                "of a previous solid and cannot be loaded from config (its type "
                f"{dagster_type.display_name} has no input_hydration_config), and it has no default value. "
                "Connect it to an upstream output, give it a default_value, or use a type that can be loaded "
                "from config."
            )


def toposort_solid_names(
    solids: Mapping[str, Solid], dependency_structure: DependencyStructure, container: str
) -> list[list[str]]:
    """Solid names in dependency levels (each level sorted by name); a cycle is a definition error."""
    upstream = {name: dependency_structure.upstream_solid_names(name) for name in solids}
    downstream: dict[str, list[str]] = {name: [] for name in solids}
    for name, ups in upstream.items():
        for up in ups:
            downstream[up].append(name)
    remaining = {name: len(ups) for name, ups in upstream.items()}
    level = sorted(name for name, count in remaining.items() if count == 0)
    levels: list[list[str]] = []
    placed = 0
    while level:
        levels.append(level)
        placed += len(level)
        next_level = []
        for name in level:
            for down in downstream[name]:
                remaining[down] -= 1
                if remaining[down] == 0:
                    next_level.append(down)
        level = sorted(next_level)
    if placed != len(solids):
        cycle = _find_cycle({n for n, c in remaining.items() if c > 0}, upstream)
        raise DagsterInvalidDefinitionError(
            f"Circular dependencies in {container}: {' -> '.join(cycle)}. Solids cannot depend on each other "
            "in a loop: remove one of these dependencies."
        )
    return levels


def _find_cycle(candidates: set[str], upstream: Mapping[str, set[str]]) -> list[str]:
    start = min(candidates)
    path = [start]
    seen = {start: 0}
    current = start
    while True:
        current = min(up for up in upstream[current] if up in candidates)
        if current in seen:
            cycle = path[seen[current] :] + [current]
            return cycle[::-1]
        seen[current] = len(path)
        path.append(current)


class SolidContainer:
    """The solid-lookup surface pipelines and composite solids share. The subclass sets
    ``_solid_defs``, ``_solids`` (name → Solid), ``_dep_dict``, ``_dependency_structure`` and
    ``_levels``, and names itself in errors through ``_container_label``."""

    _solid_defs: list
    _solids: dict[str, Solid]
    _dep_dict: dict[str, dict[str, Any]]
    _dependency_structure: DependencyStructure
    _levels: list[list[str]]
    _container_label: str  # 'Pipeline "p"' or 'Composite solid "c"'

    @property
    def solid_defs(self) -> list:
        return self._solid_defs

    @property
    def solids(self) -> list[Solid]:
        return list(self._solids.values())

    def has_solid_named(self, name: str) -> bool:
        return name in self._solids

    def solid_named(self, name: str) -> Solid:
        solid = self._solids.get(name)
        if solid is None:
            raise DagsterInvariantViolationError(
                f'{self._container_label} has no solid named "{name}". Its solids are: '
                f"{format_names(sorted(self._solids))}."
            )
        return solid

    def get_solid(self, handle: SolidHandle) -> Solid:
        """The solid at ``handle``, relative to this container (``outer.inner`` walks into ``outer``)."""
        check.inst_param(handle, "handle", SolidHandle)
        current: Any = self
        solid = None
        for name in handle.path:
            solid = current.solid_named(name)
            current = solid.definition
        return solid  # type: ignore[return-value]

    @property
    def solids_in_topological_order(self) -> list[Solid]:
        return [self._solids[name] for level in self._levels for name in level]

    @property
    def dependency_structure(self) -> DependencyStructure:
        return self._dependency_structure

    @property
    def dependencies(self) -> dict[str, dict[str, Any]]:
        """``{solid name: {input name: DependencyDefinition | MultiDependencyDefinition}}``."""
        return self._dep_dict
