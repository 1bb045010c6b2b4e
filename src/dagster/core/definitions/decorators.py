"""``@solid``, ``@lambda_solid``, ``@composite_solid`` and ``@pipeline``.

The schedule decorators (``schedule``, ``daily_schedule``...) are defined in ``schedule_decorators``
and loaded from here on first use, so that defining solids does not import the scheduling code.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from dagster import check
from dagster.core.definitions.composition import (
    InputMappingNode,
    InvokedSolidOutputHandle,
    enter_composition,
    exit_composition,
)
from dagster.core.definitions.config import ConfigMapping
from dagster.core.definitions.events import ExpectationResult, Materialization, Output
from dagster.core.definitions.inference import FunctionShape
from dagster.core.definitions.input import NO_DEFAULT_VALUE, InputDefinition
from dagster.core.definitions.output import OutputDefinition
from dagster.core.definitions.pipeline import PipelineDefinition
from dagster.core.definitions.solid import CompositeSolidDefinition, SolidDefinition
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError

_SCHEDULE_DECORATORS = frozenset(
    {"schedule", "schedules", "daily_schedule", "hourly_schedule", "weekly_schedule", "monthly_schedule"}
)

__all__ = ["composite_solid", "lambda_solid", "pipeline", "solid", *sorted(_SCHEDULE_DECORATORS)]


def _bare_or_called(fn: Any, decorate: Callable[[Callable], Any], decorator: str, args_given: bool) -> Any:
    if fn is None:
        return decorate
    if not callable(fn):
        raise DagsterInvalidDefinitionError(
            f"@{decorator} was given {fn!r} as its first argument. Pass options by keyword: "
            f'@{decorator}(name="...").'
        )
    if args_given:
        raise DagsterInvariantViolationError(
            f"@{decorator} was used bare on {getattr(fn, '__name__', fn)!r} but also received keyword "
            f"arguments. Call it with the arguments only: @{decorator}(...)."
        )
    return decorate(fn)


def _check_defs_list(defs: Any, cls: type, arg: str, what: str) -> list | None:
    if defs is None:
        return None
    if not isinstance(defs, (list, tuple)) or not all(isinstance(d, cls) for d in defs):
        raise DagsterInvalidDefinitionError(
            f"{arg} of {what} must be a list of {cls.__name__}, got {defs!r}."
        )
    return list(defs)


def solid(
    name: Any = None,
    description: str | None = None,
    input_defs: Sequence[InputDefinition] | None = None,
    output_defs: Sequence[OutputDefinition] | None = None,
    config: Any = None,
    required_resource_keys: Any = None,
    tags: Mapping | None = None,
    metadata: Mapping | None = None,
) -> Any:
    """Build a ``SolidDefinition`` from ``fn(context, *inputs)``; usable bare or called."""
    called_with = any(
        a is not None
        for a in (description, input_defs, output_defs, config, required_resource_keys, tags, metadata)
    )

    def decorate(fn: Callable) -> SolidDefinition:
        solid_name = name if isinstance(name, str) else fn.__name__
        what = f'@solid "{solid_name}"'
        shape = FunctionShape(fn, what, has_context=True)
        resolved_inputs = _check_defs_list(input_defs, InputDefinition, "input_defs", what)
        if resolved_inputs is None:
            resolved_inputs = shape.infer_input_defs()
        resolved_outputs = _check_defs_list(output_defs, OutputDefinition, "output_defs", what)
        if resolved_outputs is None:
            resolved_outputs = [shape.infer_output_def()]
        shape.check_against(resolved_inputs, nothing_params_allowed=False)
        compute_fn = _solid_compute(fn, solid_name, resolved_inputs, resolved_outputs)
        return SolidDefinition(
            name=solid_name,
            input_defs=resolved_inputs,
            compute_fn=compute_fn,
            output_defs=resolved_outputs,
            config=config,
            description=description,
            tags=tags,
            required_resource_keys=required_resource_keys,
            positional_inputs=_positional_inputs(shape, resolved_inputs),
            metadata=metadata,
        )

    if callable(name) and not isinstance(name, str):
        return _bare_or_called(name, decorate, "solid", called_with)
    check.opt_str_param(name, "name")
    return decorate


def _positional_inputs(shape: FunctionShape, input_defs: list) -> list[str]:
    """Parameter order first, then inputs that are not parameters (Nothing inputs, **kwargs inputs)."""
    names = {d.name for d in input_defs}
    params = [n for n in shape.positional_input_names if n in names]
    return params + [d.name for d in input_defs if d.name not in params]


def _input_filter(input_defs: Sequence[InputDefinition]) -> frozenset[str] | None:
    nothing = frozenset(d.name for d in input_defs if d.dagster_type.is_nothing)
    return nothing or None


def _solid_compute(fn: Callable, solid_name: str, input_defs: list, output_defs: list) -> Callable:
    """The ``compute_fn(context, inputs)`` that calls ``fn`` and normalizes what it returns: the
    generator ``fn`` made, or a tuple of the events its return value stands for."""
    nothing_inputs = _input_filter(input_defs)
    single_output = output_defs[0].name if len(output_defs) == 1 else None

    def compute(context: Any, inputs: dict) -> Iterable[Any]:
        if nothing_inputs is not None:
            inputs = {k: v for k, v in inputs.items() if k not in nothing_inputs}
        result = fn(context, **inputs)
        if isinstance(result, Output):
            return (result,)
        if inspect.isgenerator(result):
            return result
        if isinstance(result, (Materialization, ExpectationResult)):
            raise DagsterInvariantViolationError(
                f'Solid "{solid_name}" returned a {type(result).__name__}. Materializations and expectation '
                "results must be yielded (use `yield`), together with an Output for each output."
            )
        if single_output is not None:
            return (Output(result, single_output),)
        if result is not None:
            raise DagsterInvariantViolationError(
                f'Solid "{solid_name}" has {len(output_defs)} outputs but returned {type(result).__name__} value '
                f"{result!r}. With zero or several outputs, yield one Output(value, name) per output instead "
                "of returning a value."
            )
        return ()

    compute.__name__ = fn.__name__
    return compute


def lambda_solid(
    name: Any = None,
    description: str | None = None,
    input_defs: Sequence[InputDefinition] | None = None,
    output_def: OutputDefinition | None = None,
) -> Any:
    """Build a ``SolidDefinition`` from ``fn(*inputs)`` (no context) with exactly one output."""
    called_with = any(a is not None for a in (description, input_defs, output_def))

    def decorate(fn: Callable) -> SolidDefinition:
        solid_name = name if isinstance(name, str) else fn.__name__
        what = f'@lambda_solid "{solid_name}"'
        if inspect.isgeneratorfunction(fn):
            raise DagsterInvalidDefinitionError(
                f"{what} is a generator function (it uses `yield`). A lambda solid returns its one output; to "
                "yield outputs, materializations or expectation results, use @solid (which takes a context)."
            )
        shape = FunctionShape(fn, what, has_context=False)
        resolved_inputs = _check_defs_list(input_defs, InputDefinition, "input_defs", what)
        if resolved_inputs is None:
            resolved_inputs = shape.infer_input_defs()
        if output_def is None:
            resolved_output = shape.infer_output_def()
        elif isinstance(output_def, OutputDefinition):
            resolved_output = output_def
        else:
            raise DagsterInvalidDefinitionError(
                f"output_def of {what} must be an OutputDefinition, got {output_def!r}."
            )
        shape.check_against(resolved_inputs, nothing_params_allowed=False)
        nothing_inputs = _input_filter(resolved_inputs)
        output_name = resolved_output.name

        def compute(_context: Any, inputs: dict) -> Iterable[Any]:
            if nothing_inputs is not None:
                inputs = {k: v for k, v in inputs.items() if k not in nothing_inputs}
            return (Output(fn(**inputs), output_name),)

        compute.__name__ = fn.__name__
        return SolidDefinition(
            name=solid_name,
            input_defs=resolved_inputs,
            compute_fn=compute,
            output_defs=[resolved_output],
            description=description,
            positional_inputs=_positional_inputs(shape, resolved_inputs),
        )

    if callable(name) and not isinstance(name, str):
        return _bare_or_called(name, decorate, "lambda_solid", called_with)
    check.opt_str_param(name, "name")
    return decorate


def composite_solid(
    name: Any = None,
    input_defs: Sequence[InputDefinition] | None = None,
    output_defs: Sequence[OutputDefinition] | None = None,
    description: str | None = None,
    config: Any = None,
    config_fn: Callable | None = None,
) -> Any:
    """Build a ``CompositeSolidDefinition`` by running ``fn`` once in a composition context."""
    called_with = any(a is not None for a in (input_defs, output_defs, description, config, config_fn))

    def decorate(fn: Callable) -> CompositeSolidDefinition:
        solid_name = name if isinstance(name, str) else fn.__name__
        what = f'@composite_solid "{solid_name}"'
        if (config is None) != (config_fn is None):
            given, missing = ("config", "config_fn") if config is not None else ("config_fn", "config")
            raise DagsterInvalidDefinitionError(
                f"{what} received {given} but not {missing}. A config mapping needs both: config (the "
                "composite's schema) and config_fn (which turns it into the children's config)."
            )
        if config is not None:
            check.dict_param(config, "config")
        shape = FunctionShape(fn, what, has_context=False)
        resolved_inputs = _check_defs_list(input_defs, InputDefinition, "input_defs", what)
        if resolved_inputs is None:
            resolved_inputs = shape.infer_input_defs()
        explicit_outputs = _check_defs_list(output_defs, OutputDefinition, "output_defs", what)
        if explicit_outputs is None and shape.has_return_annotation:
            explicit_outputs = [] if shape.returns_none else [shape.infer_output_def()]
        shape.check_against(resolved_inputs, nothing_params_allowed=True)

        context = enter_composition(solid_name, "@composite_solid")
        try:
            returned = fn(**{d.name: InputMappingNode(d) for d in resolved_inputs})
        finally:
            exit_composition(context)
        complete = context.complete()

        used = {mapping[0].name for mapping in complete.input_mappings}
        for input_def in resolved_inputs:
            if input_def.name not in used:
                raise DagsterInvalidDefinitionError(
                    f'{what} has unmapped input "{input_def.name}": the function never passes it to a solid. '
                    "Pass it to an inner solid call, or remove the input."
                )
        untyped = shape.unannotated_input_names if input_defs is None else set()
        final_defs = {
            d.name: _typed_from_targets(d, complete.input_mappings) if d.name in untyped else d
            for d in resolved_inputs
        }
        order = {d.name: i for i, d in enumerate(resolved_inputs)}
        input_mappings = [
            final_defs[input_def.name].mapping_to(inner_solid, inner_input)
            for input_def, inner_solid, inner_input, _ in sorted(
                complete.input_mappings, key=lambda m: order[m[0].name]
            )
        ]
        output_mappings = _output_mappings(what, returned, explicit_outputs)
        return CompositeSolidDefinition(
            name=solid_name,
            solid_defs=complete.solid_defs,
            input_mappings=input_mappings,
            output_mappings=output_mappings,
            config_mapping=ConfigMapping(config_fn, config) if config_fn is not None else None,
            dependencies=complete.dependencies,
            description=description,
            positional_inputs=shape.positional_input_names,
        )

    if callable(name) and not isinstance(name, str):
        return _bare_or_called(name, decorate, "composite_solid", called_with)
    check.opt_str_param(name, "name")
    return decorate


def _typed_from_targets(input_def: InputDefinition, mappings: list) -> InputDefinition:
    """An unannotated composite input takes the type of the inner inputs it feeds, when they agree."""
    types = {target.dagster_type.key: target.dagster_type for d, _, _, target in mappings if d is input_def}
    if len(types) != 1:
        return input_def
    (dagster_type,) = types.values()
    if dagster_type.key == input_def.dagster_type.key:
        return input_def
    return InputDefinition(
        input_def.name,
        dagster_type,
        description=input_def.description,
        default_value=input_def.default_value if input_def.has_default_value else NO_DEFAULT_VALUE,
    )


def _output_mappings(what: str, returned: Any, explicit_outputs: list | None) -> list:
    if returned is None:
        handles: dict[str, InvokedSolidOutputHandle] = {}
    elif isinstance(returned, InvokedSolidOutputHandle):
        if explicit_outputs is not None and len(explicit_outputs) != 1:
            raise DagsterInvalidDefinitionError(
                f"{what} returned a single output but declares {len(explicit_outputs)} outputs. Return a dict "
                "{output name: solid output} to map several outputs."
            )
        key = explicit_outputs[0].name if explicit_outputs else "result"
        handles = {key: returned}
    elif isinstance(returned, Mapping) or (isinstance(returned, tuple) and hasattr(returned, "_asdict")):
        handles = dict(returned._asdict() if isinstance(returned, tuple) else returned)
        for key, value in handles.items():
            if not isinstance(value, InvokedSolidOutputHandle):
                raise DagsterInvalidDefinitionError(
                    f'{what} returned {value!r} for output "{key}". Map each output to the output of an inner '
                    "solid call."
                )
    else:
        raise DagsterInvalidDefinitionError(
            f"{what} returned {returned!r}. A composite solid function returns None, the output of an inner "
            "solid call, or a dict {output name: inner solid output}."
        )
    if explicit_outputs is None:
        return [
            OutputDefinition(h.output_def.dagster_type, name=key).mapping_from(h.solid_name, h.output_name)
            for key, h in handles.items()
        ]
    names = {d.name for d in explicit_outputs}
    for key in handles:
        if key not in names:
            raise DagsterInvalidDefinitionError(
                f'{what} returned a mapping for output "{key}", which it does not declare. Declared outputs: '
                f"{', '.join(sorted(names)) or 'none'}."
            )
    mappings = []
    for output_def in explicit_outputs:
        handle = handles.get(output_def.name)
        if handle is None:
            raise DagsterInvalidDefinitionError(
                f'{what} has unmapped output "{output_def.name}": return it from the function '
                f'(e.g. return {{"{output_def.name}": some_solid()}}).'
            )
        mappings.append(output_def.mapping_from(handle.solid_name, handle.output_name))
    return mappings


def pipeline(
    name: Any = None,
    description: str | None = None,
    mode_defs: Sequence | None = None,
    preset_defs: Sequence | None = None,
    tags: Mapping | None = None,
) -> Any:
    """Build a ``PipelineDefinition`` by running ``fn()`` once in a composition context."""
    called_with = any(a is not None for a in (description, mode_defs, preset_defs, tags))

    def decorate(fn: Callable) -> PipelineDefinition:
        pipeline_name = name if isinstance(name, str) else fn.__name__
        params = [
            p
            for p in inspect.signature(fn).parameters.values()
            if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        ]
        if params:
            raise DagsterInvalidDefinitionError(
                f'@pipeline "{pipeline_name}": the function takes parameters ({", ".join(p.name for p in params)}), '
                "but a pipeline function is called without arguments. Remove them; feed unconnected inputs "
                "through the run config instead."
            )
        context = enter_composition(pipeline_name, "@pipeline")
        try:
            fn()
        finally:
            exit_composition(context)
        complete = context.complete()
        return PipelineDefinition(
            solid_defs=complete.solid_defs,
            name=pipeline_name,
            description=description,
            dependencies=complete.dependencies,
            mode_defs=mode_defs,
            preset_defs=preset_defs,
            tags=tags,
        )

    if callable(name) and not isinstance(name, str):
        return _bare_or_called(name, decorate, "pipeline", called_with)
    check.opt_str_param(name, "name")
    return decorate


def __getattr__(name: str) -> Any:
    if name in _SCHEDULE_DECORATORS:
        from dagster.core.definitions import schedule_decorators

        return getattr(schedule_decorators, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
