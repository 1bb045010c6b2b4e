"""The composition context of ``@pipeline`` and ``@composite_solid`` bodies.

Inside such a body, calling a solid records an invocation and returns handles to its outputs,
which later calls take as arguments. The recorded invocations become the ``solid_defs`` and
``dependencies`` of the pipeline or composite solid.
"""

from __future__ import annotations

import threading
from collections import namedtuple
from typing import Any

from dagster.core.definitions.dependency import (
    DependencyDefinition,
    MultiDependencyDefinition,
    SolidInvocation,
)
from dagster.core.definitions.utils import validate_tags
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError

_local = threading.local()


def _stack() -> list[InProgressCompositionContext]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def current_context() -> InProgressCompositionContext | None:
    stack = _stack()
    return stack[-1] if stack else None


class InputMappingNode:
    """Stands for a composite solid's input inside its composition function."""

    __slots__ = ("input_def",)

    def __init__(self, input_def: Any):
        self.input_def = input_def

    def __repr__(self) -> str:
        return f"<composite input {self.input_def.name}>"


class InvokedSolidOutputHandle:
    """An output of a solid invocation inside a composition function; pass it to later invocations."""

    __slots__ = ("solid_name", "output_name", "output_def")

    def __init__(self, solid_name: str, output_name: str, output_def: Any):
        self.solid_name = solid_name
        self.output_name = output_name
        self.output_def = output_def

    def __iter__(self):
        raise DagsterInvariantViolationError(
            f'Attempted to iterate over output "{self.output_name}" of solid "{self.solid_name}". A solid '
            "output in a composition function is a handle, not a value: pass it to other solids. To get "
            "several outputs, declare several OutputDefinitions and unpack the returned tuple."
        )

    def __getitem__(self, item: Any):
        raise DagsterInvariantViolationError(
            f'Attempted to index output "{self.output_name}" of solid "{self.solid_name}". A solid output in a '
            "composition function is a handle, not a value: pass it to other solids."
        )

    def __repr__(self) -> str:
        return f"<output {self.output_name} of {self.solid_name}>"


class InvokedSolidNode:
    """The record of one invocation: definition, name, tags and where each input comes from."""

    __slots__ = ("solid_def", "name", "tags", "input_bindings")

    def __init__(self, solid_def: Any, name: str, tags: dict, input_bindings: dict[str, Any]):
        self.solid_def = solid_def
        self.name = name
        self.tags = tags
        self.input_bindings = input_bindings


class InProgressCompositionContext:
    """Collects the invocations made while a composition function runs."""

    def __init__(self, name: str, source: str):
        self.name = name
        self.source = source
        self.invocations: dict[str, InvokedSolidNode] = {}
        self._def_counts: dict[str, int] = {}

    @property
    def description(self) -> str:
        return f"{self.source} {self.name}"

    def observe_invocation(self, solid_def: Any, given_alias: str | None, tags: dict, bindings: dict) -> str:
        if given_alias is not None:
            if given_alias in self.invocations:
                raise DagsterInvalidDefinitionError(
                    f'In {self.description}, the alias "{given_alias}" is used twice. Each invocation needs a '
                    "unique name: choose another alias."
                )
            name = given_alias
        else:
            name = solid_def.name
            count = self._def_counts.get(name, 1)
            while name in self.invocations:
                count += 1
                name = f"{solid_def.name}_{count}"
            self._def_counts[solid_def.name] = count
        self.invocations[name] = InvokedSolidNode(solid_def, name, tags, bindings)
        return name

    def complete(self) -> CompleteCompositionContext:
        """Turn the recorded invocations into solid_defs, dependencies and input mappings."""
        solid_defs: list = []
        seen_defs: set[int] = set()
        dependencies: dict[SolidInvocation, dict[str, Any]] = {}
        input_mappings: list[tuple[Any, str, str]] = []
        for node in self.invocations.values():
            if id(node.solid_def) not in seen_defs:
                seen_defs.add(id(node.solid_def))
                solid_defs.append(node.solid_def)
            deps: dict[str, Any] = {}
            for input_name, binding in node.input_bindings.items():
                if isinstance(binding, InvokedSolidOutputHandle):
                    deps[input_name] = DependencyDefinition(binding.solid_name, binding.output_name)
                elif isinstance(binding, InputMappingNode):
                    target = node.solid_def.input_def_named(input_name)
                    input_mappings.append((binding.input_def, node.name, input_name, target))
                else:
                    deps[input_name] = MultiDependencyDefinition(
                        [DependencyDefinition(h.solid_name, h.output_name) for h in binding]
                    )
            dependencies[SolidInvocation(node.solid_def.name, node.name, node.tags)] = deps
        return CompleteCompositionContext(solid_defs, dependencies, input_mappings)


class CompleteCompositionContext:
    """What a composition function recorded. ``input_mappings`` holds
    ``(composite input def, inner solid name, inner input name, inner input def)`` tuples."""

    __slots__ = ("solid_defs", "dependencies", "input_mappings")

    def __init__(self, solid_defs: list, dependencies: dict, input_mappings: list):
        self.solid_defs = solid_defs
        self.dependencies = dependencies
        self.input_mappings = input_mappings


def enter_composition(name: str, source: str) -> InProgressCompositionContext:
    context = InProgressCompositionContext(name, source)
    _stack().append(context)
    return context


def exit_composition(context: InProgressCompositionContext) -> None:
    stack = _stack()
    if stack and stack[-1] is context:
        stack.pop()


class CallableSolidNode:
    """A solid definition with an optional alias and tags, ready to be invoked in a composition."""

    __slots__ = ("solid_def", "given_alias", "tags")

    def __init__(self, solid_def: Any, given_alias: str | None = None, tags: dict | None = None):
        self.solid_def = solid_def
        self.given_alias = given_alias
        self.tags = tags or {}

    def alias(self, name: str) -> CallableSolidNode:
        if not isinstance(name, str):
            raise DagsterInvalidDefinitionError(
                f'Alias of solid "{self.solid_def.name}" must be a str, got {name!r}.'
            )
        return CallableSolidNode(self.solid_def, name, self.tags)

    def tag(self, tags: dict) -> CallableSolidNode:
        extra = validate_tags(tags, f'solid "{self.given_alias or self.solid_def.name}"')
        return CallableSolidNode(self.solid_def, self.given_alias, {**self.tags, **extra})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        solid_def = self.solid_def
        context = current_context()
        if context is None:
            raise DagsterInvariantViolationError(
                f'Attempted to call solid "{solid_def.name}" outside of a composition function. Solids can be '
                "called only inside a function decorated with @pipeline or @composite_solid; to run a solid, "
                "use execute_solid or execute_pipeline."
            )
        display = self.given_alias or solid_def.name
        positional = solid_def.positional_inputs
        if len(args) > len(positional):
            raise DagsterInvalidDefinitionError(
                f'In {context.description}, solid "{display}" was called with {len(args)} positional arguments '
                f"but takes at most {len(positional)} ({', '.join(positional) or 'no inputs'})."
            )
        bindings: dict[str, Any] = {}
        for input_name, value in zip(positional, args):
            bindings[input_name] = _check_binding(context, display, input_name, value, "positionally")
        for input_name, value in kwargs.items():
            if not solid_def.has_input(input_name):
                raise DagsterInvalidDefinitionError(
                    f'In {context.description}, solid "{display}" was called with keyword argument '
                    f'"{input_name}", but it has no input of that name. Its inputs are: '
                    f"{', '.join(d.name for d in solid_def.input_defs) or 'none'}."
                )
            if input_name in bindings:
                raise DagsterInvalidDefinitionError(
                    f'In {context.description}, input "{input_name}" of solid "{display}" was given twice '
                    "(positionally and by keyword)."
                )
            bindings[input_name] = _check_binding(context, display, input_name, value, "by keyword")
        name = context.observe_invocation(solid_def, self.given_alias, self.tags, bindings)
        outputs = solid_def.output_defs
        if not outputs:
            return None
        if len(outputs) == 1:
            return InvokedSolidOutputHandle(name, outputs[0].name, outputs[0])
        tuple_cls = namedtuple(f"_{solid_def.name}_outputs", [o.name for o in outputs])
        return tuple_cls(*(InvokedSolidOutputHandle(name, o.name, o) for o in outputs))


def _check_binding(
    context: InProgressCompositionContext, solid_name: str, input_name: str, value: Any, how: str
) -> Any:
    if isinstance(value, (InvokedSolidOutputHandle, InputMappingNode)):
        return value
    if isinstance(value, list) and value and all(isinstance(v, InvokedSolidOutputHandle) for v in value):
        return list(value)
    if isinstance(value, list) and any(isinstance(v, InputMappingNode) for v in value):
        reason = "a fan-in list can only hold solid outputs, not composite inputs"
    elif isinstance(value, list):
        reason = (
            "a fan-in list must hold at least one output of a previous solid invocation, and nothing else"
        )
    elif isinstance(value, tuple) and value and all(isinstance(v, InvokedSolidOutputHandle) for v in value):
        reason = (
            "it is the tuple of all outputs of a solid with several outputs; pass one of them "
            "(e.g. outputs.<name>)"
        )
    elif isinstance(value, CallableSolidNode) or hasattr(value, "compute_fn") or hasattr(value, "solid_defs"):
        reason = "it is a solid that was not called; call it first (add parentheses) and pass its output"
    else:
        reason = f"it is a {type(value).__name__}, not the output of a previous solid invocation"
    raise DagsterInvalidDefinitionError(
        f'In {context.description}, invalid value passed {how} to input "{input_name}" of solid "{solid_name}": '
        f"{reason}. Inside a composition function, solid inputs must be outputs of earlier solid calls or "
        "inputs of the composite solid."
    )
