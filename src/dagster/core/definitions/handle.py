"""Where a repository or pipeline lives on disk, so any process can load it again.

An :class:`ExecutionTargetHandle` records a target as plain data (a ``repository.yaml``, a Python
file or an importable module, plus the name of the attribute to load and optionally a pipeline
name and solid subset). ``to_dict``/``from_dict`` carry it to another process (the multiprocess,
Dask and Celery executors rebuild the pipeline in their workers from it).

Loading user code never hides the user's own mistake: an exception raised while importing the
user's file is reported with the traceback of the user's frames only, and a missing attribute
lists the names the module does define.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import importlib.util
import inspect
import os
import sys
import traceback
from enum import Enum
from types import ModuleType
from typing import Any, NamedTuple

from dagster import check
from dagster.core.errors import DagsterInvariantViolationError

EPHEMERAL_NAME = "<<unnamed>>"

_DAGSTER_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class DagsterCodeLoadError(DagsterInvariantViolationError):
    """User code could not be loaded: a missing file, an import error, a missing or wrong attribute.

    The message is complete on its own (file, line, the user's traceback, what to do); the CLI prints
    it without a traceback of ours.
    """


def _pipeline_def_cls() -> type:
    from dagster.core.definitions.pipeline import PipelineDefinition

    return PipelineDefinition


def _repository_def_cls() -> type:
    from dagster.core.definitions.repository import RepositoryDefinition

    return RepositoryDefinition


def _user_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` without the frames of importlib and of this package."""
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not frame.filename.startswith("<frozen ")
        and not os.path.abspath(frame.filename).startswith(_DAGSTER_PACKAGE_DIR + os.sep)
    ]
    text = "".join(traceback.format_list(frames)) if frames else ""
    header = "Traceback (most recent call last):\n" if text else ""
    return header + text + "".join(traceback.format_exception_only(type(exc), exc))


def _add_to_sys_path(directory: str) -> None:
    if directory not in sys.path:
        sys.path.insert(0, directory)


def _is_file_of(module: ModuleType, python_file: str) -> bool:
    return os.path.abspath(getattr(module, "__file__", None) or "") == python_file


# Modules this loader created from files, by module name: only these may be replaced by a reload.
_LOADED_FROM_FILES: dict[str, ModuleType] = {}


def _load_module_from_file(python_file: str) -> ModuleType:
    """Import ``python_file`` as a module named after the file (reused if it is already loaded)."""
    python_file = os.path.abspath(python_file)
    if not os.path.isfile(python_file):
        raise DagsterCodeLoadError(
            f'Python file "{python_file}" does not exist. Check the -f/--python-file argument or the '
            "`file:` key of your repository.yaml (relative paths there are relative to the yaml file)."
        )
    module_name = os.path.splitext(os.path.basename(python_file))[0]
    taken = sys.modules.get(module_name)
    if (
        taken is not None
        and not _is_file_of(taken, python_file)
        and _LOADED_FROM_FILES.get(module_name) is not taken
    ):
        # The name belongs to another module (the standard library's csv.py, a package of the user's
        # environment...): never replace it, load the user's file under a name of its own.
        module_name = f"{module_name}_{hashlib.sha1(python_file.encode()).hexdigest()[:10]}"
    existing = sys.modules.get(module_name)
    if existing is not None and _is_file_of(existing, python_file):
        return existing
    _add_to_sys_path(os.path.dirname(python_file))
    spec = importlib.util.spec_from_file_location(module_name, python_file)
    if spec is None or spec.loader is None:
        raise DagsterCodeLoadError(f'Cannot import "{python_file}": it is not a Python source file.')
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(module_name, None)
        _LOADED_FROM_FILES.pop(module_name, None)
        raise DagsterCodeLoadError(
            f'Error while importing your code in "{python_file}":\n{_user_traceback(exc)}'
        ) from exc
    _LOADED_FROM_FILES[module_name] = module
    return module


def _load_module_by_name(module_name: str, working_directory: str | None = None) -> ModuleType:
    if working_directory:
        _add_to_sys_path(working_directory)
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise DagsterCodeLoadError(
                f'Could not find module "{module_name}" (no module named "{exc.name}"). Check the '
                "-m/--module-name argument and that the package is installed or in the working directory "
                f"({os.getcwd()})."
            ) from exc
        raise DagsterCodeLoadError(
            f'Error while importing your module "{module_name}":\n{_user_traceback(exc)}'
        ) from exc
    except Exception as exc:
        raise DagsterCodeLoadError(
            f'Error while importing your module "{module_name}":\n{_user_traceback(exc)}'
        ) from exc


def _loadable_names(module: ModuleType) -> list[str]:
    """Names in ``module`` worth suggesting: definitions and functions defined there."""
    pipeline_cls, repo_cls = _pipeline_def_cls(), _repository_def_cls()
    names = []
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        if isinstance(value, (pipeline_cls, repo_cls)):
            names.append(name)
        elif inspect.isfunction(value) and value.__module__ == module.__name__:
            names.append(name)
    return sorted(names)


class LoaderEntrypoint(
    NamedTuple(
        "_LoaderEntrypoint",
        [("module", ModuleType), ("module_name", str), ("fn_name", str), ("from_handle", Any)],
    )
):
    """An attribute of a loaded module that is, or returns, a repository or pipeline definition."""

    def __new__(cls, module: ModuleType, module_name: str, fn_name: str, from_handle: Any = None):
        return super().__new__(
            cls,
            check.inst_param(module, "module", ModuleType),
            check.str_param(module_name, "module_name"),
            check.str_param(fn_name, "fn_name"),
            from_handle,
        )

    def perform_load(self) -> Any:
        """Return the repository or pipeline definition the attribute holds or returns."""
        if not hasattr(self.module, self.fn_name):
            names = _loadable_names(self.module)
            where = getattr(self.module, "__file__", None) or self.module_name
            close = difflib.get_close_matches(self.fn_name, names, n=1)
            hint = f' Did you mean "{close[0]}"?' if close else ""
            listing = ", ".join(names) if names else "(none)"
            raise DagsterCodeLoadError(
                f'"{self.fn_name}" not found in {where}.{hint} Names defined there: {listing}.'
            )
        target = getattr(self.module, self.fn_name)
        pipeline_cls, repo_cls = _pipeline_def_cls(), _repository_def_cls()
        if isinstance(target, (pipeline_cls, repo_cls)):
            definition = target
        elif callable(target):
            try:
                definition = target()
            except Exception as exc:
                raise DagsterCodeLoadError(
                    f'Error while calling "{self.fn_name}" in {self.module_name}:\n{_user_traceback(exc)}'
                ) from exc
            if not isinstance(definition, (pipeline_cls, repo_cls)):
                raise DagsterCodeLoadError(
                    f'"{self.fn_name}" in {self.module_name} returned {type(definition).__name__}, not a '
                    "PipelineDefinition or RepositoryDefinition. Return one of those from the function."
                )
        else:
            raise DagsterCodeLoadError(
                f'"{self.fn_name}" in {self.module_name} is a {type(target).__name__}. It must be a '
                "PipelineDefinition (e.g. made with @pipeline), a RepositoryDefinition, or a function "
                "with no arguments that returns one of them."
            )
        if self.from_handle is not None:
            ExecutionTargetHandle.cache_handle(definition, self.from_handle)
        return definition

    @staticmethod
    def from_file_target(python_file: str, fn_name: str, from_handle: Any = None) -> LoaderEntrypoint:
        module = _load_module_from_file(python_file)
        return LoaderEntrypoint(module, module.__name__, fn_name, from_handle)

    @staticmethod
    def from_module_target(
        module_name: str, fn_name: str, from_handle: Any = None, working_directory: str | None = None
    ) -> LoaderEntrypoint:
        module = _load_module_by_name(module_name, working_directory)
        return LoaderEntrypoint(module, module_name, fn_name, from_handle)

    @staticmethod
    def from_yaml(file_path: str, from_handle: Any = None) -> LoaderEntrypoint:
        target = read_repository_yaml(file_path)
        if target.python_file:
            return LoaderEntrypoint.from_file_target(target.python_file, target.fn_name, from_handle)
        return LoaderEntrypoint.from_module_target(
            target.module_name, target.fn_name, from_handle, os.path.dirname(os.path.abspath(file_path))
        )


class RepositoryYamlTarget(
    NamedTuple(
        "_RepositoryYamlTarget", [("python_file", str | None), ("module_name", str | None), ("fn_name", str)]
    )
):
    """What a ``repository.yaml`` points at: an absolute python file or a module, and a fn name."""


def read_repository_yaml(file_path: str) -> RepositoryYamlTarget:
    """Parse a ``repository.yaml`` (``repository: {file|module, fn}``) into a target.

    ``file`` is relative to the yaml's directory, which is added to ``sys.path``.
    """
    import yaml

    file_path = os.path.abspath(check.str_param(file_path, "file_path"))
    if not os.path.isfile(file_path):
        raise DagsterCodeLoadError(
            f'Expected to use file "{file_path}" to load repository but it does not exist. Create it, '
            "or point at your code with -y/--repository-yaml, -f/--python-file or -m/--module-name."
        )
    with open(file_path, encoding="utf8") as handle:
        try:
            config = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise DagsterCodeLoadError(yaml_syntax_error_message(file_path, exc)) from exc
    example = "repository:\n  file: repository.py\n  fn: define_repo"
    if not isinstance(config, dict) or not isinstance(config.get("repository"), dict):
        raise DagsterCodeLoadError(
            f"{file_path} must have a top-level `repository` mapping, for example:\n{example}"
        )
    repo = config["repository"]
    fn_name = repo.get("fn")
    if not isinstance(fn_name, str):
        raise DagsterCodeLoadError(f"{file_path}: `repository.fn` (a string) is missing. Example:\n{example}")
    yaml_dir = os.path.dirname(file_path)
    _add_to_sys_path(yaml_dir)
    if isinstance(repo.get("file"), str) and "module" not in repo:
        return RepositoryYamlTarget(os.path.join(yaml_dir, repo["file"]), None, fn_name)
    if isinstance(repo.get("module"), str) and "file" not in repo:
        return RepositoryYamlTarget(None, repo["module"], fn_name)
    raise DagsterCodeLoadError(
        f"{file_path}: `repository` needs exactly one of `file` (a path relative to the yaml) or "
        f"`module` (an importable module name). Example:\n{example}"
    )


def yaml_syntax_error_message(path: str, exc: Exception) -> str:
    """``YAML syntax error in <path>, line L, column C: <problem> (<context>)`` for a PyYAML error."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    detail = f"{problem} ({context})" if context else problem
    where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"YAML syntax error in {path}{where}: {detail}"


class _ExecutionTargetMode(Enum):
    PIPELINE = 1
    REPOSITORY = 2


class _ExecutionTargetHandleData(
    NamedTuple(
        "_ExecutionTargetHandleData",
        [
            ("repository_yaml", str | None),
            ("module_name", str | None),
            ("python_file", str | None),
            ("fn_name", str | None),
            ("pipeline_name", str | None),
            ("solid_subset", list | None),
            ("working_directory", str | None),
        ],
    )
):
    def __new__(
        cls,
        repository_yaml: str | None = None,
        module_name: str | None = None,
        python_file: str | None = None,
        fn_name: str | None = None,
        pipeline_name: str | None = None,
        solid_subset: list | None = None,
        working_directory: str | None = None,
    ):
        return super().__new__(
            cls,
            os.path.abspath(repository_yaml) if repository_yaml else None,
            check.opt_str_param(module_name, "module_name"),
            os.path.abspath(python_file) if python_file else None,
            check.opt_str_param(fn_name, "fn_name"),
            check.opt_str_param(pipeline_name, "pipeline_name"),
            list(solid_subset) if solid_subset is not None else None,
            check.opt_str_param(working_directory, "working_directory"),
        )

    def get_entrypoint(self, from_handle: ExecutionTargetHandle) -> LoaderEntrypoint:
        if self.repository_yaml:
            return LoaderEntrypoint.from_yaml(self.repository_yaml, from_handle)
        if self.module_name and self.fn_name:
            return LoaderEntrypoint.from_module_target(
                self.module_name, self.fn_name, from_handle, self.working_directory
            )
        if self.python_file and self.fn_name:
            return LoaderEntrypoint.from_file_target(self.python_file, self.fn_name, from_handle)
        raise DagsterInvariantViolationError(
            "Cannot load a target from this handle: it names neither a repository.yaml, nor a module "
            "and fn name, nor a python file and fn name."
        )


# Definitions loaded through a handle, by id: (definition kept alive, handle, solid subset).
_HANDLE_CACHE: dict[int, tuple[Any, ExecutionTargetHandle, list | None]] = {}


class ExecutionTargetHandle:
    """How to re-load a repository or pipeline, in this process or another."""

    def __init__(
        self, data: _ExecutionTargetHandleData, mode: _ExecutionTargetMode, is_resolved_to_pipeline=False
    ):
        self.data = check.inst_param(data, "data", _ExecutionTargetHandleData)
        self.mode = check.inst_param(mode, "mode", _ExecutionTargetMode)
        self.is_resolved_to_pipeline = check.bool_param(is_resolved_to_pipeline, "is_resolved_to_pipeline")

    def __repr__(self) -> str:
        return f"ExecutionTargetHandle({self.to_dict()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExecutionTargetHandle) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(
            (self.data.repository_yaml, self.data.module_name, self.data.python_file, self.data.fn_name)
        )

    # ----- cache of definitions loaded through handles -----

    @classmethod
    def cache_handle(
        cls, repo_or_pipeline_def: Any, handle: ExecutionTargetHandle | None = None, solid_names=None
    ) -> None:
        """Remember that ``repo_or_pipeline_def`` can be re-loaded through ``handle``."""
        check.inst_param(
            repo_or_pipeline_def, "repo_or_pipeline_def", (_pipeline_def_cls(), _repository_def_cls())
        )
        check.opt_inst_param(handle, "handle", ExecutionTargetHandle)
        _HANDLE_CACHE[id(repo_or_pipeline_def)] = (
            repo_or_pipeline_def,
            handle,
            list(solid_names) if solid_names is not None else None,
        )

    @classmethod
    def get_handle(cls, repo_or_pipeline: Any) -> tuple[ExecutionTargetHandle | None, list | None]:
        """The handle (and solid subset) a definition was loaded through, or ``(None, None)``.

        A sub-pipeline built from a loaded pipeline resolves to its parent's handle plus the names of
        its solids.
        """
        entry = _HANDLE_CACHE.get(id(repo_or_pipeline))
        if entry is not None and entry[0] is repo_or_pipeline:
            return entry[1], entry[2]
        parent = getattr(repo_or_pipeline, "parent_pipeline_def", None)  # repositories have none
        if parent is not None:
            handle, _ = cls.get_handle(parent)
            if handle is not None:
                return handle, [solid.name for solid in repo_or_pipeline.solids]
        if isinstance(repo_or_pipeline, _pipeline_def_cls()):
            return cls._handle_through_repository(repo_or_pipeline)
        return None, None

    @classmethod
    def _handle_through_repository(cls, pipeline_def: Any) -> tuple[ExecutionTargetHandle | None, None]:
        """A pipeline got from a loaded repository (``repo.get_pipeline(name)``): the repository's handle."""
        repo_cls, name = _repository_def_cls(), pipeline_def.name
        for definition, handle, _subset in list(_HANDLE_CACHE.values()):
            if (
                handle is not None
                and isinstance(definition, repo_cls)
                and definition.has_pipeline(name)
                and definition.get_pipeline(name) is pipeline_def
            ):
                pipeline_handle = handle.with_pipeline_name(name)
                cls.cache_handle(pipeline_def, pipeline_handle)
                return pipeline_handle, None
        return None, None

    # ----- constructors -----

    @staticmethod
    def for_pipeline_fn(fn: Any) -> ExecutionTargetHandle:
        """A handle for a ``@pipeline`` object, or a function returning a pipeline, in an importable file."""
        return ExecutionTargetHandle(
            _data_for_object(fn, "fn"), _ExecutionTargetMode.PIPELINE, is_resolved_to_pipeline=True
        )

    @staticmethod
    def for_repo_fn(fn: Any) -> ExecutionTargetHandle:
        """A handle for a function returning a repository (or a repository object) in a Python file."""
        return ExecutionTargetHandle(_data_for_object(fn, "fn"), _ExecutionTargetMode.REPOSITORY)

    @staticmethod
    def for_repo_yaml(repository_yaml: str) -> ExecutionTargetHandle:
        check.str_param(repository_yaml, "repository_yaml")
        return ExecutionTargetHandle(
            _ExecutionTargetHandleData(repository_yaml=repository_yaml), _ExecutionTargetMode.REPOSITORY
        )

    @staticmethod
    def for_repo_python_file(python_file: str, fn_name: str) -> ExecutionTargetHandle:
        return ExecutionTargetHandle(
            _ExecutionTargetHandleData(
                python_file=check.str_param(python_file, "python_file"),
                fn_name=check.str_param(fn_name, "fn_name"),
            ),
            _ExecutionTargetMode.REPOSITORY,
        )

    @staticmethod
    def for_repo_module(module_name: str, fn_name: str) -> ExecutionTargetHandle:
        return ExecutionTargetHandle(
            _ExecutionTargetHandleData(
                module_name=check.str_param(module_name, "module_name"),
                fn_name=check.str_param(fn_name, "fn_name"),
                working_directory=os.getcwd(),
            ),
            _ExecutionTargetMode.REPOSITORY,
        )

    @staticmethod
    def for_pipeline_python_file(python_file: str, fn_name: str) -> ExecutionTargetHandle:
        return ExecutionTargetHandle(
            _ExecutionTargetHandleData(
                python_file=check.str_param(python_file, "python_file"),
                fn_name=check.str_param(fn_name, "fn_name"),
            ),
            _ExecutionTargetMode.PIPELINE,
            is_resolved_to_pipeline=True,
        )

    @staticmethod
    def for_pipeline_module(module_name: str, fn_name: str) -> ExecutionTargetHandle:
        return ExecutionTargetHandle(
            _ExecutionTargetHandleData(
                module_name=check.str_param(module_name, "module_name"),
                fn_name=check.str_param(fn_name, "fn_name"),
                working_directory=os.getcwd(),
            ),
            _ExecutionTargetMode.PIPELINE,
            is_resolved_to_pipeline=True,
        )

    @staticmethod
    def from_dict(handle_dict: dict) -> ExecutionTargetHandle:
        check.dict_param(handle_dict, "handle_dict")
        return ExecutionTargetHandle(
            data=_ExecutionTargetHandleData(**handle_dict["data"]),
            mode=_ExecutionTargetMode[handle_dict["mode"]],
            is_resolved_to_pipeline=handle_dict.get("is_resolved_to_pipeline", False),
        )

    def to_dict(self) -> dict:
        """Everything another process needs to load the same target (JSON-serializable)."""
        return {
            "data": self.data._asdict(),
            "mode": self.mode.name,
            "is_resolved_to_pipeline": self.is_resolved_to_pipeline,
        }

    def with_pipeline_name(self, pipeline_name: str) -> ExecutionTargetHandle:
        """This repository handle narrowed to one of its pipelines."""
        check.str_param(pipeline_name, "pipeline_name")
        if self.mode == _ExecutionTargetMode.PIPELINE:
            return self
        return ExecutionTargetHandle(
            self.data._replace(pipeline_name=pipeline_name), self.mode, is_resolved_to_pipeline=True
        )

    def with_solid_subset(self, solid_subset: list | None) -> ExecutionTargetHandle:
        return ExecutionTargetHandle(
            self.data._replace(solid_subset=list(solid_subset) if solid_subset is not None else None),
            self.mode,
            self.is_resolved_to_pipeline,
        )

    # ----- loading -----

    @property
    def entrypoint(self) -> LoaderEntrypoint:
        return self.data.get_entrypoint(from_handle=self)

    def build_repository_definition(self) -> Any:
        """The repository; a single-pipeline target is wrapped in a repository named ``<<unnamed>>``."""
        repo_cls = _repository_def_cls()
        definition = self.entrypoint.perform_load()
        if isinstance(definition, repo_cls):
            return definition
        repo = repo_cls(name=EPHEMERAL_NAME, pipeline_defs=[definition])
        ExecutionTargetHandle.cache_handle(repo, self)
        return repo

    def build_pipeline_definition(self) -> Any:
        """The target pipeline (restricted to the handle's solid subset, if any)."""
        pipeline_cls = _pipeline_def_cls()
        definition = self.entrypoint.perform_load()
        if isinstance(definition, pipeline_cls):
            pipeline_def = definition
        else:
            name = self.data.pipeline_name
            if name is None:
                if len(definition.pipeline_names) == 1:
                    name = definition.pipeline_names[0]
                else:
                    raise DagsterCodeLoadError(
                        f'Repository "{definition.name}" has several pipelines; name one of: '
                        f"{', '.join(sorted(definition.pipeline_names))}."
                    )
            pipeline_def = get_pipeline_from_repository(definition, name)
            ExecutionTargetHandle.cache_handle(pipeline_def, self.with_pipeline_name(pipeline_def.name))
        if self.data.solid_subset is None:
            return pipeline_def
        sub_pipeline = pipeline_def.build_sub_pipeline(self.data.solid_subset)
        ExecutionTargetHandle.cache_handle(sub_pipeline, self, self.data.solid_subset)
        return sub_pipeline


def get_pipeline_from_repository(repository: Any, pipeline_name: str) -> Any:
    """``repository.get_pipeline(pipeline_name)``, with an error listing the pipelines that exist."""
    if not repository.has_pipeline(pipeline_name):
        names = sorted(repository.pipeline_names)
        close = difflib.get_close_matches(pipeline_name, names, n=1)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        raise DagsterCodeLoadError(
            f'Pipeline "{pipeline_name}" not found in repository "{repository.name}".{hint} '
            f"Pipelines there: {', '.join(names) if names else '(none)'}."
        )
    return repository.get_pipeline(pipeline_name)


def _data_for_object(obj: Any, param_name: str) -> _ExecutionTargetHandleData:
    """Handle data for a function or definition that is a module-level attribute of a loaded module.

    A module inside a package is recorded by its dotted name plus the directory its package root is
    in; a standalone file (or ``__main__``) by its path.
    """
    module_name, attr_name = getattr(obj, "__module__", None), getattr(obj, "__name__", None)
    module = sys.modules.get(module_name) if inspect.isfunction(obj) else None
    if module is None or not attr_name or getattr(module, attr_name, None) is not obj:
        module, attr_name = _find_module_attribute(obj)
    python_file = getattr(module, "__file__", None) if module is not None else None
    if module is None or not python_file:
        raise DagsterInvariantViolationError(
            f"Cannot make a handle for {obj!r}: it must be a module-level attribute of a module loaded "
            f"from a file (check the `{param_name}` argument)."
        )
    python_file = os.path.abspath(python_file)
    if "." in module.__name__ and module.__name__ != "__main__":
        depth = module.__name__.count(".") + (1 if os.path.basename(python_file) == "__init__.py" else 0)
        root = os.path.dirname(python_file)
        for _ in range(depth):
            root = os.path.dirname(root)
        return _ExecutionTargetHandleData(
            module_name=module.__name__, fn_name=attr_name, working_directory=root
        )
    return _ExecutionTargetHandleData(python_file=python_file, fn_name=attr_name)


def _find_module_attribute(obj: Any) -> tuple[ModuleType | None, str | None]:
    """A loaded module holding ``obj`` as a public attribute. A script (``__main__``) that imported
    the object from a module is the last choice: workers reload the module, not the script."""
    in_main: tuple[ModuleType | None, str | None] = (None, None)
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not namespace:
            continue
        for name, value in list(namespace.items()):
            if value is obj and not name.startswith("_"):
                if module.__name__ != "__main__":
                    return module, name
                in_main = (module, name)
    return in_main
