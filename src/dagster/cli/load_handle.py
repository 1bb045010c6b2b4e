"""Turn the target flags of the CLI (-y, -f, -m, -n and a pipeline name) into an ExecutionTargetHandle.

| given                                   | loads                                                   |
|-----------------------------------------|---------------------------------------------------------|
| ``NAME`` (optionally with ``-y``)        | the repository of the yaml (default repository.yaml), then pipeline NAME |
| ``-f file.py -n fn NAME`` / ``-m mod -n fn NAME`` | fn returns a repository; pipeline NAME          |
| ``-f file.py -n fn`` / ``-m mod -n fn``  | fn is a @pipeline, or returns a pipeline (or a repository with one pipeline) |
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click
from click import UsageError

from dagster import check

DEFAULT_REPOSITORY_YAML_FILENAME = "repository.yaml"

_INVALID_ARGS = "Invalid set of CLI arguments for loading repository/pipeline. See --help for details."

__all__ = [
    "UsageError",
    "handle_for_pipeline_cli_args",
    "handle_for_repo_cli_args",
    "handle_for_repository_yaml_arg",
    "load_pipeline_from_cli_args",
    "pipeline_name_from_cli_args",
    "pipeline_target_command",
    "repository_target_argument",
]


def pipeline_name_from_cli_args(kwargs: dict) -> str | None:
    """The pipeline name given on the command line (click may pass a tuple for ``nargs=-1``)."""
    name = kwargs.get("pipeline_name")
    if isinstance(name, (tuple, list)):
        if len(name) > 1:
            raise UsageError(f"Expected at most one pipeline name, got {len(name)}: {' '.join(name)}.")
        name = name[0] if name else None
    return check.opt_str_param(name, "pipeline_name")


def _target_args(kwargs: dict) -> tuple[str | None, str | None, str | None, str | None]:
    return (
        kwargs.get("repository_yaml"),
        kwargs.get("python_file"),
        kwargs.get("module_name"),
        kwargs.get("fn_name"),
    )


_CODE_FLAGS_HINT = "-y/--repository-yaml, -f/--python-file -n/--fn-name, or -m/--module-name -n/--fn-name"


def _default_repository_yaml(flags_hint: str = _CODE_FLAGS_HINT) -> str:
    path = os.path.join(os.getcwd(), DEFAULT_REPOSITORY_YAML_FILENAME)
    if not os.path.exists(path):
        raise UsageError(
            f'Expected to use file "{path}" to load repository but it does not exist. Either run from '
            f"a directory with a repository.yaml, or point at your code with {flags_hint}."
        )
    return path


def _checked_yaml(path: str) -> str:
    if not os.path.exists(path):
        raise UsageError(f'Repository yaml "{path}" does not exist (given with -y/--repository-yaml).')
    if os.path.isdir(path):
        inside = os.path.join(path, DEFAULT_REPOSITORY_YAML_FILENAME)
        hint = f" Did you mean -y {inside}?" if os.path.isfile(inside) else ""
        raise UsageError(
            f'-y/--repository-yaml "{path}" is a directory; give the path of a repository.yaml file.{hint}'
        )
    return path


def handle_for_repository_yaml_arg(repository_yaml: str | None) -> Any:
    """A repository handle for commands that take only ``-y`` (``dagster schedule ...``)."""
    from dagster.core.definitions.handle import ExecutionTargetHandle

    return ExecutionTargetHandle.for_repo_yaml(
        _checked_yaml(repository_yaml)
        if repository_yaml
        else _default_repository_yaml("-y/--repository-yaml")
    )


def _checked_file(path: str) -> str:
    if not os.path.exists(path):
        raise UsageError(f'Python file "{path}" does not exist (given with -f/--python-file).')
    return path


def handle_for_repo_cli_args(kwargs: dict) -> Any:
    """A repository handle from the target flags (no pipeline name)."""
    from dagster.core.definitions.handle import ExecutionTargetHandle

    repository_yaml, python_file, module_name, fn_name = _target_args(kwargs)
    if repository_yaml and (python_file or module_name or fn_name):
        raise UsageError(_INVALID_ARGS)
    if python_file and module_name:
        raise UsageError(_INVALID_ARGS)
    if python_file or module_name:
        if not fn_name:
            raise UsageError(
                f"{_INVALID_ARGS} -n/--fn-name is required with -f/--python-file or -m/--module-name."
            )
        if python_file:
            return ExecutionTargetHandle.for_repo_python_file(_checked_file(python_file), fn_name)
        return ExecutionTargetHandle.for_repo_module(module_name, fn_name)
    if fn_name:
        raise UsageError(f"{_INVALID_ARGS} -n/--fn-name needs -f/--python-file or -m/--module-name.")
    return ExecutionTargetHandle.for_repo_yaml(
        _checked_yaml(repository_yaml) if repository_yaml else _default_repository_yaml()
    )


def handle_for_pipeline_cli_args(kwargs: dict, use_default_repository_yaml: bool = True) -> Any:
    """A handle resolved to one pipeline from the target flags and the pipeline name."""
    from dagster.core.definitions.handle import ExecutionTargetHandle

    repository_yaml, python_file, module_name, fn_name = _target_args(kwargs)
    pipeline_name = pipeline_name_from_cli_args(kwargs)
    if (repository_yaml and (python_file or module_name or fn_name)) or (python_file and module_name):
        raise UsageError(_INVALID_ARGS)
    if python_file or module_name:
        if not fn_name:
            raise UsageError(
                f"{_INVALID_ARGS} -n/--fn-name is required with -f/--python-file or -m/--module-name."
            )
        if pipeline_name:
            repo_handle = (
                ExecutionTargetHandle.for_repo_python_file(_checked_file(python_file), fn_name)
                if python_file
                else ExecutionTargetHandle.for_repo_module(module_name, fn_name)
            )
            return repo_handle.with_pipeline_name(pipeline_name)
        if python_file:
            return ExecutionTargetHandle.for_pipeline_python_file(_checked_file(python_file), fn_name)
        return ExecutionTargetHandle.for_pipeline_module(module_name, fn_name)
    if fn_name:
        raise UsageError(f"{_INVALID_ARGS} -n/--fn-name needs -f/--python-file or -m/--module-name.")
    if not pipeline_name:
        raise UsageError(
            f"{_INVALID_ARGS} Name the pipeline to use, e.g. `dagster pipeline execute my_pipeline` "
            "(see `dagster pipeline list` for the names)."
        )
    if repository_yaml:
        yaml_path = _checked_yaml(repository_yaml)
    elif use_default_repository_yaml:
        yaml_path = _default_repository_yaml()
    else:
        raise UsageError(_INVALID_ARGS)
    return ExecutionTargetHandle.for_repo_yaml(yaml_path).with_pipeline_name(pipeline_name)


def load_pipeline_from_cli_args(cli_args: dict) -> tuple[Any, Any]:
    """The handle and the pipeline definition the target flags and the pipeline name point at.

    A pipeline name that does not match a target holding a single pipeline (``-n`` naming a
    ``@pipeline``, or a repository.yaml whose fn returns one) is an error, not silently ignored.
    """
    handle = handle_for_pipeline_cli_args(cli_args)
    pipeline_def = handle.build_pipeline_definition()
    name = pipeline_name_from_cli_args(cli_args)
    if name is not None and name != pipeline_def.name:
        raise UsageError(
            f'Pipeline "{name}" was asked for, but the target holds only pipeline "{pipeline_def.name}". '
            f"Drop the name, or point -n/--fn-name (or the repository.yaml) at a repository."
        )
    return handle, pipeline_def


def repository_target_argument(f: Callable) -> Callable:
    """The target flags of commands that load a whole repository."""
    options = [
        click.option(
            "--repository-yaml",
            "-y",
            type=click.Path(),
            help="Path to a repository.yaml naming the repository (default: ./repository.yaml).",
        ),
        click.option(
            "--python-file",
            "-f",
            type=click.Path(),
            help="A Python file where the repository (or pipeline) is defined; use with -n.",
        ),
        click.option(
            "--module-name",
            "-m",
            help="An importable module where the repository (or pipeline) is defined; use with -n.",
        ),
        click.option(
            "--fn-name",
            "-n",
            help="The attribute in the file or module: a definition, or a function that returns one.",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def pipeline_target_command(f: Callable) -> Callable:
    """The target flags plus an optional positional PIPELINE_NAME."""
    return repository_target_argument(click.argument("pipeline_name", nargs=-1)(f))
