"""How solids are wired: invocations (``Solid``), their input/output handles, dependency definitions
and the resolved ``DependencyStructure`` of a pipeline or composite solid."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from dagster import check
from dagster.core.definitions.utils import DEFAULT_OUTPUT, validate_tags
from dagster.core.errors import DagsterInvalidDefinitionError
from dagster.serdes import trust_stored_records, whitelist_for_serdes


@whitelist_for_serdes
class SolidHandle(NamedTuple("_SolidHandle", [("name", str), ("parent", "SolidHandle | None")])):
    """Where a solid sits in the composite tree: its invocation name and its parent's handle."""

    def __new__(cls, name: str, parent: SolidHandle | None):
        return super().__new__(
            cls, check.str_param(name, "name"), check.opt_inst_param(parent, "parent", SolidHandle)
        )

    @property
    def path(self) -> list[str]:
        """The invocation names from the top-level solid down to this one."""
        path: list[str] = []
        handle: SolidHandle | None = self
        while handle is not None:
            path.append(handle.name)
            handle = handle.parent
        return path[::-1]

    def to_string(self) -> str:
        """Dotted form, e.g. ``"outer.inner"`` (computed once per handle: step keys and events use it)."""
        cached = self.__dict__.get("_string")
        if cached is None:
            cached = self.name if self.parent is None else f"{self.parent.to_string()}.{self.name}"
            self.__dict__["_string"] = cached
        return cached

    def __str__(self) -> str:
        return self.to_string()

    def is_or_descends_from(self, handle: SolidHandle) -> bool:
        """True if ``handle`` is this handle or one of its ancestors."""
        check.inst_param(handle, "handle", SolidHandle)
        current: SolidHandle | None = self
        while current is not None:
            if current == handle:
                return True
            current = current.parent
        return False

    def pop(self, ancestor: SolidHandle) -> SolidHandle | None:
        """This handle relative to ``ancestor`` (which it must descend from); None if it is ``ancestor``."""
        check.invariant(self.is_or_descends_from(ancestor), f"{self} does not descend from {ancestor}")
        path = self.path[len(ancestor.path) :]
        return SolidHandle.from_path(path) if path else None

    def with_ancestor(self, ancestor: SolidHandle | None) -> SolidHandle:
        """This (relative) handle re-rooted under ``ancestor``."""
        return SolidHandle.from_path((ancestor.path if ancestor else []) + self.path)

    @staticmethod
    def from_path(path: list[str]) -> SolidHandle:
        check.invariant(len(path) > 0, "A solid handle path cannot be empty")
        handle: SolidHandle | None = None
        for name in path:
            handle = SolidHandle(name, handle)
        return handle  # type: ignore[return-value]

    @staticmethod
    def from_string(handle_str: str) -> SolidHandle:
        check.str_param(handle_str, "handle_str")
        return SolidHandle.from_path(handle_str.split("."))

    @classmethod
    def from_dict(cls, dict_repr: Mapping[str, Any]) -> SolidHandle:
        """Rebuild from ``{"name": ..., "parent": <dict or list or None>}`` (the GraphQL/JSON form)."""
        parent = dict_repr.get("parent")
        if isinstance(parent, (list, tuple)):
            parent = cls.from_dict({"name": parent[0], "parent": parent[1]})
        elif isinstance(parent, Mapping):
            parent = cls.from_dict(parent)
        return SolidHandle(dict_repr["name"], parent)


# Every event of a step carries its handle: reading them back skips the constructor's checks.
trust_stored_records(SolidHandle)


class Solid:
    """One use of a solid definition inside a pipeline or composite solid.

    ``name`` is the invocation name (the alias, or the definition name); ``tags`` merge the
    definition's tags with the invocation's. Handles (``SolidHandle``) are not stored: the walkers
    that traverse the composite tree build them.
    """

    __slots__ = (
        "name",
        "definition",
        "container_definition",
        "invocation_tags",
        "tags",
        "_input_handles",
        "_output_handles",
    )

    def __init__(
        self, name: str, definition: Any, container_definition: Any = None, tags: Mapping | None = None
    ):
        self.name = check.str_param(name, "name")
        self.definition = definition
        self.container_definition = container_definition
        self.invocation_tags = validate_tags(tags, f'solid invocation "{name}"')
        self.tags = {**definition.tags, **self.invocation_tags} if self.invocation_tags else definition.tags
        self._input_handles = {d.name: SolidInputHandle(self, d) for d in definition.input_defs}
        self._output_handles = {d.name: SolidOutputHandle(self, d) for d in definition.output_defs}

    @property
    def definition_name(self) -> str:
        return self.definition.name

    @property
    def description(self) -> str | None:
        return self.definition.description

    @property
    def is_composite(self) -> bool:
        return self.definition.is_composite

    @property
    def input_dict(self) -> dict:
        return self.definition.input_dict

    @property
    def output_dict(self) -> dict:
        return self.definition.output_dict

    def input_handles(self) -> list[SolidInputHandle]:
        return list(self._input_handles.values())

    def output_handles(self) -> list[SolidOutputHandle]:
        return list(self._output_handles.values())

    def input_handle(self, name: str) -> SolidInputHandle:
        return self._input_handles[check.str_param(name, "name")]

    def output_handle(self, name: str) -> SolidOutputHandle:
        return self._output_handles[check.str_param(name, "name")]

    def has_input(self, name: str) -> bool:
        return self.definition.has_input(name)

    def input_def_named(self, name: str) -> Any:
        return self.definition.input_def_named(name)

    def has_output(self, name: str) -> bool:
        return self.definition.has_output(name)

    def output_def_named(self, name: str) -> Any:
        return self.definition.output_def_named(name)

    def container_maps_input(self, input_name: str) -> bool:
        """True if the containing composite feeds this input from one of its own inputs."""
        container = self.container_definition
        return container is not None and container.mapped_input(self.name, input_name) is not None

    def container_mapped_input(self, input_name: str) -> Any:
        return self.container_definition.mapped_input(self.name, input_name)

    def __repr__(self) -> str:
        return f"Solid({self.name!r}, definition={self.definition.name!r})"


class SolidInputHandle(NamedTuple("_SolidInputHandle", [("solid", Solid), ("input_def", Any)])):
    """An input of one solid invocation."""

    @property
    def solid_name(self) -> str:
        return self.solid.name

    @property
    def input_name(self) -> str:
        return self.input_def.name

    def __repr__(self) -> str:
        return f"SolidInputHandle({self.solid.name}.{self.input_def.name})"

    def __str__(self) -> str:
        return f"{self.solid.name}.{self.input_def.name}"


class SolidOutputHandle(NamedTuple("_SolidOutputHandle", [("solid", Solid), ("output_def", Any)])):
    """An output of one solid invocation."""

    @property
    def solid_name(self) -> str:
        return self.solid.name

    @property
    def output_name(self) -> str:
        return self.output_def.name

    @property
    def is_optional(self) -> bool:
        return self.output_def.optional

    def __repr__(self) -> str:
        return f"SolidOutputHandle({self.solid.name}.{self.output_def.name})"

    def __str__(self) -> str:
        return f"{self.solid.name}.{self.output_def.name}"


class DependencyDefinition(
    NamedTuple("_DependencyDefinition", [("solid", str), ("output", str), ("description", "str | None")])
):
    """Wire an input to output ``output`` (default ``result``) of the solid invocation named ``solid``."""

    def __new__(cls, solid: str, output: str = DEFAULT_OUTPUT, description: str | None = None):
        return super().__new__(
            cls,
            check.str_param(solid, "solid"),
            check.str_param(output, "output"),
            check.opt_str_param(description, "description"),
        )


class MultiDependencyDefinition(
    NamedTuple("_MultiDependencyDefinition", [("dependencies", "list[DependencyDefinition]")])
):
    """Fan-in: wire an input (of a List or Nothing type) to several upstream outputs, in order."""

    def __new__(cls, dependencies: list[DependencyDefinition]):
        dependencies = check.list_param(dependencies, "dependencies")
        seen: set[tuple[str, str]] = set()
        for dep in dependencies:
            if not isinstance(dep, DependencyDefinition):
                raise DagsterInvalidDefinitionError(
                    f"MultiDependencyDefinition takes a list of DependencyDefinition, got {dep!r}."
                )
            key = (dep.solid, dep.output)
            if key in seen:
                raise DagsterInvalidDefinitionError(
                    f'MultiDependencyDefinition lists output "{dep.output}" of solid "{dep.solid}" twice. '
                    "Each upstream output may appear only once in a fan-in."
                )
            seen.add(key)
        return super().__new__(cls, list(dependencies))

    def get_definitions(self) -> list[DependencyDefinition]:
        return self.dependencies


class SolidInvocation(
    NamedTuple("_SolidInvocation", [("name", str), ("alias", "str | None"), ("tags", dict)])
):
    """Key of a ``dependencies`` dict: use definition ``name`` under ``alias`` with extra ``tags``."""

    def __new__(cls, name: str, alias: str | None = None, tags: Mapping | None = None):
        return super().__new__(
            cls,
            check.str_param(name, "name"),
            check.opt_str_param(alias, "alias"),
            dict(check.opt_dict_param(tags, "tags")),
        )

    def __hash__(self) -> int:
        return hash((self.name, self.alias))


class DependencyStructure:
    """The resolved wiring: for every connected input, the upstream output(s) feeding it.

    Built once per pipeline / composite; lookups by input handle and by solid name are dict reads.
    """

    def __init__(self, handle_dict: dict[SolidInputHandle, SolidOutputHandle | list[SolidOutputHandle]]):
        self._handle_dict = handle_dict
        self._upstream: dict[str, dict[Any, list[SolidOutputHandle]]] = {}
        self._downstream: dict[str, dict[Any, list[SolidInputHandle]]] = {}
        for input_handle, upstream in handle_dict.items():
            outputs = upstream if isinstance(upstream, list) else [upstream]
            self._upstream.setdefault(input_handle.solid.name, {})[input_handle.input_def] = outputs
            for output_handle in outputs:
                self._downstream.setdefault(output_handle.solid.name, {}).setdefault(
                    output_handle.output_def, []
                ).append(input_handle)

    @staticmethod
    def from_definitions(
        solids: Mapping[str, Solid], dep_dict: Mapping[str, Mapping[str, Any]]
    ) -> DependencyStructure:
        """Resolve ``{solid_name: {input_name: DependencyDefinition | MultiDependencyDefinition}}``.

        The names must already be validated (see ``structure.validate_dependency_dict``).
        """
        handle_dict: dict[SolidInputHandle, SolidOutputHandle | list[SolidOutputHandle]] = {}
        for solid_name, input_deps in dep_dict.items():
            solid = solids[solid_name]
            for input_name, dep in input_deps.items():
                input_handle = solid.input_handle(input_name)
                if isinstance(dep, MultiDependencyDefinition):
                    handle_dict[input_handle] = [
                        solids[d.solid].output_handle(d.output) for d in dep.dependencies
                    ]
                else:
                    handle_dict[input_handle] = solids[dep.solid].output_handle(dep.output)
        return DependencyStructure(handle_dict)

    def has_singular_dep(self, input_handle: SolidInputHandle) -> bool:
        return isinstance(self._handle_dict.get(input_handle), SolidOutputHandle)

    def get_singular_dep(self, input_handle: SolidInputHandle) -> SolidOutputHandle:
        dep = self._handle_dict[input_handle]
        check.invariant(
            isinstance(dep, SolidOutputHandle), f"{input_handle} is fed by several outputs (fan-in)"
        )
        return dep  # type: ignore[return-value]

    def has_multi_deps(self, input_handle: SolidInputHandle) -> bool:
        return isinstance(self._handle_dict.get(input_handle), list)

    def get_multi_deps(self, input_handle: SolidInputHandle) -> list[SolidOutputHandle]:
        dep = self._handle_dict[input_handle]
        check.invariant(isinstance(dep, list), f"{input_handle} is fed by a single output")
        return dep  # type: ignore[return-value]

    def has_deps(self, input_handle: SolidInputHandle) -> bool:
        return input_handle in self._handle_dict

    def get_deps_list(self, input_handle: SolidInputHandle) -> list[SolidOutputHandle]:
        dep = self._handle_dict[input_handle]
        return dep if isinstance(dep, list) else [dep]

    def input_handles(self) -> list[SolidInputHandle]:
        return list(self._handle_dict.keys())

    def items(self) -> Iterator[tuple[SolidInputHandle, SolidOutputHandle | list[SolidOutputHandle]]]:
        return iter(self._handle_dict.items())

    def input_to_upstream_outputs_for_solid(self, solid_name: str) -> dict[Any, list[SolidOutputHandle]]:
        """``{input_def: [upstream SolidOutputHandle]}`` for the connected inputs of ``solid_name``."""
        return self._upstream.get(solid_name, {})

    def output_to_downstream_inputs_for_solid(self, solid_name: str) -> dict[Any, list[SolidInputHandle]]:
        """``{output_def: [downstream SolidInputHandle]}`` for the connected outputs of ``solid_name``."""
        return self._downstream.get(solid_name, {})

    def deps_of_solid_with_input(self, solid_name: str) -> dict[str, list[SolidOutputHandle]]:
        return {input_def.name: outputs for input_def, outputs in self._upstream.get(solid_name, {}).items()}

    def deps_of_solid(self, solid_name: str) -> list[SolidOutputHandle]:
        return [out for outputs in self._upstream.get(solid_name, {}).values() for out in outputs]

    def depended_by_of_solid(self, solid_name: str) -> dict[str, list[SolidInputHandle]]:
        return {
            output_def.name: inputs for output_def, inputs in self._downstream.get(solid_name, {}).items()
        }

    def upstream_solid_names(self, solid_name: str) -> set[str]:
        return {out.solid.name for outputs in self._upstream.get(solid_name, {}).values() for out in outputs}
