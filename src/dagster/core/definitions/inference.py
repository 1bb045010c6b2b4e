"""Reading a decorated function's signature: inferred inputs/outputs and parameter checks."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

from dagster.core.definitions.input import NO_DEFAULT_VALUE, InputDefinition
from dagster.core.definitions.output import OutputDefinition
from dagster.core.errors import DagsterInvalidDefinitionError

CONTEXT_PARAM_NAMES = ("context", "_", "_context", "context_")

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _signature(fn: Callable, what: str) -> inspect.Signature:
    """The signature with string annotations evaluated; an unresolvable one names the parameter."""
    try:
        return inspect.signature(fn, eval_str=True)
    except Exception:
        signature = inspect.signature(fn)
    namespace = getattr(fn, "__globals__", {})
    for param in signature.parameters.values():
        if isinstance(param.annotation, str):
            try:
                eval(param.annotation, namespace)  # noqa: S307 - the user's own annotation
            except Exception as exc:
                raise DagsterInvalidDefinitionError(
                    f'Error inferring Dagster type for parameter "{param.name}" of {what}: its annotation '
                    f'"{param.annotation}" cannot be resolved ({type(exc).__name__}: {exc}). Import the type '
                    "in the module that defines the function, or pass input_defs explicitly."
                ) from exc
    raise DagsterInvalidDefinitionError(
        f'Error inferring Dagster types of {what}: its return annotation "{signature.return_annotation}" '
        "cannot be resolved. Import the type, or pass output_defs explicitly."
    )


class FunctionShape:
    """The parameters of a decorated function that stand for inputs, with their kinds."""

    def __init__(self, fn: Callable, what: str, has_context: bool):
        self.fn = fn
        self.what = what
        self.signature = _signature(fn, what)
        params = list(self.signature.parameters.values())
        self.accepts_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
        if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
            raise DagsterInvalidDefinitionError(
                f"{what} takes *args, which is not supported: declare one named parameter per input."
            )
        params = [p for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD]
        if has_context:
            if not params or params[0].kind not in _POSITIONAL:
                raise DagsterInvalidDefinitionError(
                    f"{what} does not have required positional parameter 'context'. The compute function of a "
                    "@solid takes the context first: def my_solid(context, ...)."
                )
            if params[0].name not in CONTEXT_PARAM_NAMES:
                raise DagsterInvalidDefinitionError(
                    f"{what} must name its first parameter 'context' (or _, _context, context_), but it is "
                    f"named '{params[0].name}'. If that is an input, add a context parameter before it: "
                    f"def {getattr(fn, '__name__', 'fn')}(context, {params[0].name}, ...)."
                )
            params = params[1:]
        self.input_params = params

    def infer_input_defs(self) -> list[InputDefinition]:
        input_defs = []
        for param in self.input_params:
            annotation = None if param.annotation is inspect.Parameter.empty else param.annotation
            default = NO_DEFAULT_VALUE if param.default is inspect.Parameter.empty else param.default
            try:
                input_defs.append(InputDefinition(param.name, annotation, default_value=default))
            except DagsterInvalidDefinitionError as exc:
                raise DagsterInvalidDefinitionError(
                    f'Error inferring Dagster type for input "{param.name}" of {self.what} from its annotation '
                    f"{annotation!r}: {exc}"
                ) from exc
        return input_defs

    def infer_output_def(self) -> OutputDefinition:
        annotation = self.signature.return_annotation
        annotation = None if annotation is inspect.Signature.empty else annotation
        try:
            return OutputDefinition(annotation)
        except DagsterInvalidDefinitionError as exc:
            raise DagsterInvalidDefinitionError(
                f"Error inferring Dagster type for the output of {self.what} from its return annotation "
                f"{annotation!r}: {exc}"
            ) from exc

    @property
    def has_return_annotation(self) -> bool:
        return self.signature.return_annotation is not inspect.Signature.empty

    @property
    def returns_none(self) -> bool:
        """True for an explicit ``-> None`` annotation."""
        return self.signature.return_annotation in (None, type(None))

    @property
    def unannotated_input_names(self) -> set[str]:
        return {p.name for p in self.input_params if p.annotation is inspect.Parameter.empty}

    @property
    def positional_input_names(self) -> list[str]:
        return [p.name for p in self.input_params]

    def check_against(self, input_defs: Sequence[InputDefinition], nothing_params_allowed: bool) -> None:
        """Every parameter is an input and (unless **kwargs) every input is a parameter."""
        by_name = {d.name: d for d in input_defs}
        for param in self.input_params:
            input_def = by_name.get(param.name)
            if input_def is None:
                raise DagsterInvalidDefinitionError(
                    f'{self.what} has parameter "{param.name}", which is not one of its inputs '
                    f'({", ".join(by_name) or "none"}). Add an InputDefinition named "{param.name}" or remove '
                    "the parameter."
                )
            if input_def.dagster_type.is_nothing and not nothing_params_allowed:
                raise DagsterInvalidDefinitionError(
                    f'{self.what} has parameter "{param.name}" for an input of type Nothing. Nothing inputs carry '
                    "no value and are never passed to the function: remove the parameter."
                )
        if self.accepts_kwargs:
            return
        params = {p.name for p in self.input_params}
        for input_def in input_defs:
            if input_def.name in params:
                continue
            if input_def.dagster_type.is_nothing and not nothing_params_allowed:
                continue
            raise DagsterInvalidDefinitionError(
                f'{self.what} has input "{input_def.name}", but the function has no parameter of that name. '
                f'Add a parameter "{input_def.name}" (or **kwargs).'
            )
