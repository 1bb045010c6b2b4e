"""Solid definitions: ``SolidDefinition`` (a compute function) and ``CompositeSolidDefinition``
(a graph of solids with mapped inputs, outputs and config)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from dagster import check
from dagster.core.definitions.composition import CallableSolidNode
from dagster.core.definitions.config import ConfigMapping
from dagster.core.definitions.dependency import DependencyStructure
from dagster.core.definitions.input import InputDefinition, InputMapping
from dagster.core.definitions.output import OutputDefinition, OutputMapping
from dagster.core.definitions.structure import (
    SolidContainer,
    build_solids,
    check_solid_defs,
    check_unconnected_inputs,
    toposort_solid_names,
)
from dagster.core.definitions.utils import (
    check_valid_name,
    config_field_from_spec,
    format_names,
    validate_tags,
)
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError


class ISolidDefinition:
    """What solid and composite solid definitions share: name, inputs, outputs, tags, composition."""

    is_composite = False

    def __init__(
        self,
        name: str,
        input_defs: Sequence[InputDefinition],
        output_defs: Sequence[OutputDefinition],
        description: str | None = None,
        tags: Mapping | None = None,
        positional_inputs: Sequence[str] | None = None,
    ):
        self._name = check_valid_name(name, "solid name")
        self._description = check.opt_str_param(description, "description")
        self._tags = validate_tags(tags, f'solid "{name}"')
        self._input_defs = _unique_defs(input_defs, InputDefinition, "input", name)
        self._output_defs = _unique_defs(output_defs, OutputDefinition, "output", name)
        self._input_dict = {d.name: d for d in self._input_defs}
        self._output_dict = {d.name: d for d in self._output_defs}
        if positional_inputs is None:
            self._positional_inputs = [d.name for d in self._input_defs]
        else:
            self._positional_inputs = list(check.sequence_param(positional_inputs, "positional_inputs", str))
            unknown = [n for n in self._positional_inputs if n not in self._input_dict]
            if unknown:
                raise DagsterInvalidDefinitionError(
                    f'positional_inputs of solid "{name}" name unknown inputs: {format_names(unknown)}.'
                )

    @property
    def name(self) -> str:
        return self._name

    @property
    def description(self) -> str | None:
        return self._description

    @property
    def tags(self) -> dict[str, str]:
        return self._tags

    @property
    def input_defs(self) -> list[InputDefinition]:
        return self._input_defs

    @property
    def output_defs(self) -> list[OutputDefinition]:
        return self._output_defs

    @property
    def input_dict(self) -> dict[str, InputDefinition]:
        return self._input_dict

    @property
    def output_dict(self) -> dict[str, OutputDefinition]:
        return self._output_dict

    @property
    def positional_inputs(self) -> list[str]:
        return self._positional_inputs

    def has_input(self, name: str) -> bool:
        return name in self._input_dict

    def input_def_named(self, name: str) -> InputDefinition:
        if name not in self._input_dict:
            raise DagsterInvariantViolationError(f'Solid "{self._name}" has no input "{name}".')
        return self._input_dict[name]

    def has_output(self, name: str) -> bool:
        return name in self._output_dict

    def output_def_named(self, name: str) -> OutputDefinition:
        if name not in self._output_dict:
            raise DagsterInvariantViolationError(f'Solid "{self._name}" has no output "{name}".')
        return self._output_dict[name]

    def all_input_output_types(self) -> Iterator[Any]:
        for input_def in self._input_defs:
            yield input_def.dagster_type
            yield from input_def.dagster_type.inner_types
        for output_def in self._output_defs:
            yield output_def.dagster_type
            yield from output_def.dagster_type.inner_types

    def all_dagster_types(self) -> list[Any]:
        """The Dagster types of this solid's inputs and outputs (with their inner types)."""
        return list(self.all_input_output_types())

    def iterate_solid_defs(self) -> Iterator[ISolidDefinition]:
        yield self

    def alias(self, name: str) -> CallableSolidNode:
        return CallableSolidNode(self).alias(name)

    def tag(self, tags: dict) -> CallableSolidNode:
        return CallableSolidNode(self).tag(tags)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return CallableSolidNode(self)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._name!r})"


def _unique_defs(defs: Any, cls: type, kind: str, solid_name: str) -> list:
    if defs is None:
        return []
    if not isinstance(defs, (list, tuple)):
        raise DagsterInvalidDefinitionError(
            f'{kind}_defs of solid "{solid_name}" must be a list of {cls.__name__}, got {defs!r}.'
        )
    seen: set[str] = set()
    for item in defs:
        if not isinstance(item, cls):
            raise DagsterInvalidDefinitionError(
                f'Invalid item in {kind}_defs of solid "{solid_name}": {item!r}. Expected {cls.__name__}.'
            )
        if item.name in seen:
            raise DagsterInvalidDefinitionError(
                f'Solid "{solid_name}" declares {kind} "{item.name}" twice. {kind.capitalize()} names must be unique.'
            )
        seen.add(item.name)
    return list(defs)


class SolidDefinition(ISolidDefinition):
    """A solid: a compute function with typed inputs and outputs, config and required resources.

    ``compute_fn(context, inputs)`` may yield ``Output``/``Materialization``/``ExpectationResult`` or
    return ``None``. ``self.compute_fn`` always returns an iterable (plain functions are wrapped).
    """

    def __init__(
        self,
        name: str,
        input_defs: Sequence[InputDefinition],
        compute_fn: Callable,
        output_defs: Sequence[OutputDefinition],
        config: Any = None,
        description: str | None = None,
        tags: Mapping | None = None,
        required_resource_keys: Any = None,
        positional_inputs: Sequence[str] | None = None,
        metadata: Mapping | None = None,
    ):
        if tags is not None and metadata is not None:
            raise DagsterInvalidDefinitionError(
                f'Solid "{name}" sets both tags and metadata; metadata is a deprecated alias of tags, use tags.'
            )
        super().__init__(
            name,
            input_defs,
            output_defs,
            description=description,
            tags=tags if tags is not None else metadata,
            positional_inputs=positional_inputs,
        )
        if not callable(compute_fn):
            raise DagsterInvalidDefinitionError(
                f'compute_fn of solid "{name}" must be callable, got {compute_fn!r}.'
            )
        self._compute_fn = (
            compute_fn if inspect.isgeneratorfunction(compute_fn) else _iterating(compute_fn, name)
        )
        self._config_field = config_field_from_spec(config, f'solid "{name}"')
        self._required_resource_keys = _resource_keys(required_resource_keys, f'solid "{name}"')

    @property
    def compute_fn(self) -> Callable:
        return self._compute_fn

    @property
    def config_field(self) -> Any:
        return self._config_field

    @property
    def required_resource_keys(self) -> frozenset[str]:
        return self._required_resource_keys


def _iterating(compute_fn: Callable, solid_name: str) -> Callable:
    """Wrap a compute function that returns None or an iterable so that it always returns an
    iterable (``()`` for None). A tuple or list it returns is handed on as it is: the step executor
    knows that iterating one runs no user code."""

    def compute(context: Any, inputs: dict) -> Iterable[Any]:
        result = compute_fn(context, inputs)
        if result is None:
            return ()
        from dagster.core.definitions.events import ExpectationResult, Materialization, Output

        if isinstance(result, (Output, Materialization, ExpectationResult)):
            raise DagsterInvariantViolationError(
                f'Compute function of solid "{solid_name}" returned a {type(result).__name__}. A compute_fn '
                "passed to SolidDefinition must yield its results (use `yield`), or return None."
            )
        try:
            iter(result)
        except TypeError:
            raise DagsterInvariantViolationError(
                f'Compute function of solid "{solid_name}" returned {result!r}. A compute_fn passed to '
                "SolidDefinition must yield Output, Materialization or ExpectationResult values, or return None."
            ) from None
        return result

    compute.__name__ = getattr(compute_fn, "__name__", "compute")
    return compute


def _resource_keys(keys: Any, owner: str) -> frozenset[str]:
    if keys is None:
        return frozenset()
    if isinstance(keys, str) or not isinstance(keys, (set, frozenset, list, tuple)):
        raise DagsterInvalidDefinitionError(
            f"required_resource_keys of {owner} must be a set of resource keys (strings), got {keys!r}."
        )
    for key in keys:
        if not isinstance(key, str):
            raise DagsterInvalidDefinitionError(
                f"required_resource_keys of {owner} must be strings, got {key!r}."
            )
    return frozenset(keys)


class CompositeSolidDefinition(ISolidDefinition, SolidContainer):
    """A solid made of other solids: inputs and outputs map onto its children, config maps down."""

    is_composite = True

    def __init__(
        self,
        name: str,
        solid_defs: Sequence[ISolidDefinition],
        input_mappings: Sequence[InputMapping] | None = None,
        output_mappings: Sequence[OutputMapping] | None = None,
        config_mapping: ConfigMapping | None = None,
        dependencies: Mapping | None = None,
        description: str | None = None,
        tags: Mapping | None = None,
        positional_inputs: Sequence[str] | None = None,
    ):
        check_valid_name(name, "solid name")
        container = f'composite solid "{name}"'
        self._solid_defs = check_solid_defs(solid_defs, container)
        self._solids, self._dep_dict = build_solids(self._solid_defs, dependencies or {}, self, container)
        self._dependency_structure = DependencyStructure.from_definitions(self._solids, self._dep_dict)
        self._input_mappings = self._check_input_mappings(input_mappings, container)
        self._output_mappings = self._check_output_mappings(output_mappings, container)
        self._mapped_inputs = {(m.solid_name, m.input_name): m for m in self._input_mappings}
        if config_mapping is not None and not isinstance(config_mapping, ConfigMapping):
            raise DagsterInvalidDefinitionError(
                f"config_mapping of {container} must be a ConfigMapping(config_fn, config), got {config_mapping!r}."
            )
        self._config_mapping = config_mapping
        super().__init__(
            name,
            _distinct_defs([m.definition for m in self._input_mappings], "input", container),
            _distinct_defs([m.definition for m in self._output_mappings], "output", container),
            description=description,
            tags=tags,
            positional_inputs=positional_inputs,
        )
        check_unconnected_inputs(
            self._solids, self._dependency_structure, container, set(self._mapped_inputs)
        )
        self._levels = toposort_solid_names(self._solids, self._dependency_structure, container)
        self._required_resource_keys = frozenset().union(
            *(d.required_resource_keys for d in self._solid_defs)
        )

    def _check_input_mappings(self, input_mappings: Any, container: str) -> list[InputMapping]:
        mappings = list(input_mappings or [])
        for mapping in mappings:
            if isinstance(mapping, InputDefinition):
                raise DagsterInvalidDefinitionError(
                    f'{container[0].upper()}{container[1:]} received the InputDefinition "{mapping.name}" in '
                    f"input_mappings. Call mapping_to on it to say which inner input it feeds: "
                    f'InputDefinition("{mapping.name}").mapping_to("<solid name>", "<input name>").'
                )
            if not isinstance(mapping, InputMapping):
                raise DagsterInvalidDefinitionError(
                    f"input_mappings of {container} must be InputMapping objects, got {mapping!r}."
                )
            solid = self._solids.get(mapping.solid_name)
            if solid is None:
                raise DagsterInvalidDefinitionError(
                    f'Input "{mapping.definition.name}" of {container} is mapped to solid "{mapping.solid_name}", '
                    f"which is not one of its solids ({format_names(sorted(self._solids))})."
                )
            if not solid.has_input(mapping.input_name):
                raise DagsterInvalidDefinitionError(
                    f'Input "{mapping.definition.name}" of {container} is mapped to input "{mapping.input_name}" '
                    f'of solid "{mapping.solid_name}", which has no such input '
                    f"(its inputs: {format_names(solid.input_dict) or 'none'})."
                )
            target = solid.input_def_named(mapping.input_name)
            if target.dagster_type.key != mapping.definition.dagster_type.key:
                raise DagsterInvalidDefinitionError(
                    f'Type mismatch in {container}: input "{mapping.definition.name}" has type '
                    f'{mapping.definition.dagster_type.display_name} but is mapped to input "{mapping.input_name}" '
                    f'of solid "{mapping.solid_name}", of type {target.dagster_type.display_name}. The types must '
                    "be the same."
                )
            if self._dependency_structure.has_deps(solid.input_handle(mapping.input_name)):
                raise DagsterInvalidDefinitionError(
                    f'In {container}, input "{mapping.input_name}" of solid "{mapping.solid_name}" is both mapped '
                    f'from the composite input "{mapping.definition.name}" and connected to another solid. '
                    "An input can have only one source."
                )
        return mappings

    def _check_output_mappings(self, output_mappings: Any, container: str) -> list[OutputMapping]:
        mappings = list(output_mappings or [])
        for mapping in mappings:
            if isinstance(mapping, OutputDefinition):
                raise DagsterInvalidDefinitionError(
                    f'{container[0].upper()}{container[1:]} received the OutputDefinition "{mapping.name}" in '
                    "output_mappings. Call mapping_from on it to say which inner output it exposes: "
                    f'OutputDefinition(name="{mapping.name}").mapping_from("<solid name>", "<output name>").'
                )
            if not isinstance(mapping, OutputMapping):
                raise DagsterInvalidDefinitionError(
                    f"output_mappings of {container} must be OutputMapping objects, got {mapping!r}."
                )
            solid = self._solids.get(mapping.solid_name)
            if solid is None:
                raise DagsterInvalidDefinitionError(
                    f'Output "{mapping.definition.name}" of {container} is mapped from solid '
                    f'"{mapping.solid_name}", which is not one of its solids ({format_names(sorted(self._solids))}).'
                )
            if not solid.has_output(mapping.output_name):
                raise DagsterInvalidDefinitionError(
                    f'Output "{mapping.definition.name}" of {container} is mapped from output '
                    f'"{mapping.output_name}" of solid "{mapping.solid_name}", which has no such output '
                    f"(its outputs: {format_names(solid.output_dict) or 'none'})."
                )
            source = solid.output_def_named(mapping.output_name)
            if source.dagster_type.key != mapping.definition.dagster_type.key:
                raise DagsterInvalidDefinitionError(
                    f'Type mismatch in {container}: output "{mapping.definition.name}" has type '
                    f"{mapping.definition.dagster_type.display_name} but is mapped from output "
                    f'"{mapping.output_name}" of solid "{mapping.solid_name}", of type '
                    f"{source.dagster_type.display_name}. The types must be the same."
                )
        names = [m.definition.name for m in mappings]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise DagsterInvalidDefinitionError(
                f"{container[0].upper()}{container[1:]} maps output {format_names(duplicates)} more than once. "
                "Each composite output is mapped from exactly one inner output."
            )
        return mappings

    @property
    def _container_label(self) -> str:
        return f'Composite solid "{self.name}"'

    @property
    def input_mappings(self) -> list[InputMapping]:
        return self._input_mappings

    @property
    def output_mappings(self) -> list[OutputMapping]:
        return self._output_mappings

    def mapped_input(self, solid_name: str, input_name: str) -> InputMapping | None:
        return self._mapped_inputs.get((solid_name, input_name))

    def input_mappings_for(self, input_name: str) -> list[InputMapping]:
        """Every inner input fed by composite input ``input_name``."""
        return [m for m in self._input_mappings if m.definition.name == input_name]

    def get_output_mapping(self, output_name: str) -> OutputMapping:
        for mapping in self._output_mappings:
            if mapping.definition.name == output_name:
                return mapping
        raise DagsterInvariantViolationError(f'Composite solid "{self.name}" has no output "{output_name}".')

    @property
    def config_mapping(self) -> ConfigMapping | None:
        return self._config_mapping

    @property
    def has_config_mapping(self) -> bool:
        return self._config_mapping is not None

    @property
    def config_field(self) -> Any:
        return self._config_mapping.config_field if self._config_mapping else None

    @property
    def required_resource_keys(self) -> frozenset[str]:
        return self._required_resource_keys

    def iterate_solid_defs(self) -> Iterator[ISolidDefinition]:
        yield self
        for solid_def in self._solid_defs:
            yield from solid_def.iterate_solid_defs()

    def all_dagster_types(self) -> list[Any]:
        """The Dagster types of this composite's inputs and outputs and of every solid inside it."""
        types = list(self.all_input_output_types())
        for solid_def in self._solid_defs:
            types.extend(solid_def.all_dagster_types())
        return types


def _distinct_defs(defs: list, kind: str, container: str) -> list:
    by_name: dict[str, Any] = {}
    for item in defs:
        existing = by_name.get(item.name)
        if existing is None:
            by_name[item.name] = item
        elif existing is not item:
            raise DagsterInvalidDefinitionError(
                f'{container[0].upper()}{container[1:]} has two different {kind} definitions named "{item.name}" '
                f"in its {kind} mappings. Use one {kind.capitalize()}Definition object for every mapping of that {kind}."
            )
    return list(by_name.values())
