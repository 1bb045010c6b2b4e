"""Presets: a named run config (+ solid subset and mode) shipped with a pipeline."""

from __future__ import annotations

import glob
import pkgutil
from collections.abc import Sequence
from typing import NamedTuple

from dagster import check
from dagster.core.definitions.mode import DEFAULT_MODE_NAME
from dagster.core.errors import DagsterInvalidDefinitionError, DagsterInvariantViolationError
from dagster.utils import deep_merge_dicts


class PresetDefinition(
    NamedTuple(
        "_PresetDefinition",
        [("name", str), ("environment_dict", dict), ("solid_subset", "list[str] | None"), ("mode", str)],
    )
):
    """A run config, solid subset and mode under one name (``execute_pipeline(..., preset=name)``)."""

    def __new__(
        cls,
        name: str,
        environment_dict: dict | None = None,
        solid_subset: Sequence[str] | None = None,
        mode: str | None = None,
    ):
        check.str_param(name, "name")
        if environment_dict is not None and not isinstance(environment_dict, dict):
            raise DagsterInvalidDefinitionError(
                f'environment_dict of preset "{name}" must be a dict, got {type(environment_dict).__name__}.'
            )
        return super().__new__(
            cls,
            name,
            environment_dict or {},
            list(check.sequence_param(solid_subset, "solid_subset", of_type=str))
            if solid_subset is not None
            else None,
            check.opt_str_param(mode, "mode", DEFAULT_MODE_NAME),
        )

    @staticmethod
    def from_files(
        name: str,
        environment_files: Sequence[str] | None = None,
        solid_subset: Sequence[str] | None = None,
        mode: str | None = None,
    ) -> PresetDefinition:
        """Merge the YAML files matched by the globs in ``environment_files`` (later files win)."""
        check.str_param(name, "name")
        paths: list[str] = []
        for pattern in check.opt_list_param(environment_files, "environment_files", of_type=str):
            matches = sorted(glob.glob(pattern))
            if not matches:
                raise DagsterInvalidDefinitionError(
                    f'Preset "{name}": the environment file pattern "{pattern}" matches no file. Check the path '
                    "(relative paths are resolved from the current directory; use file_relative_path(__file__, ...) "
                    "to point next to your code)."
                )
            paths.extend(matches)
        merged: dict = {}
        for path in paths:
            with open(path, encoding="utf8") as handle:
                text = handle.read()
            merged = deep_merge_dicts(merged, _load_yaml(text, f'environment file "{path}"', name))
        return PresetDefinition(name, merged, solid_subset, mode)

    @staticmethod
    def from_yaml_strings(
        name: str,
        yaml_strings: Sequence[str] | None = None,
        solid_subset: Sequence[str] | None = None,
        mode: str | None = None,
    ) -> PresetDefinition:
        """Merge YAML documents given as strings (later ones win)."""
        check.str_param(name, "name")
        merged: dict = {}
        for index, text in enumerate(check.opt_list_param(yaml_strings, "yaml_strings", of_type=str)):
            merged = deep_merge_dicts(merged, _load_yaml(text, f"YAML string #{index + 1}", name))
        return PresetDefinition(name, merged, solid_subset, mode)

    @staticmethod
    def from_pkg_resources(
        name: str,
        pkg_resource_defs: Sequence[tuple[str, str]] | None = None,
        solid_subset: Sequence[str] | None = None,
        mode: str | None = None,
    ) -> PresetDefinition:
        """Merge YAML files shipped inside packages, given as ``(package, path)`` pairs."""
        check.str_param(name, "name")
        merged: dict = {}
        for package, path in check.opt_list_param(pkg_resource_defs, "pkg_resource_defs"):
            where = f'package resource "{path}" of package "{package}"'
            try:
                data = pkgutil.get_data(package, path)
            except (OSError, ImportError) as exc:
                raise DagsterInvalidDefinitionError(
                    f'Preset "{name}": cannot read {where}: {exc}. Check the package name and the path inside it.'
                ) from exc
            if data is None:
                raise DagsterInvalidDefinitionError(f'Preset "{name}": cannot read {where}.')
            merged = deep_merge_dicts(merged, _load_yaml(data.decode("utf8"), where, name))
        return PresetDefinition(name, merged, solid_subset, mode)

    def get_environment_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(self.environment_dict, default_flow_style=False)

    def with_additional_config(self, environment_dict: dict | None) -> PresetDefinition:
        """This preset with ``environment_dict`` merged over its run config."""
        if not environment_dict:
            return self
        check.dict_param(environment_dict, "environment_dict")
        return PresetDefinition(
            self.name, deep_merge_dicts(self.environment_dict, environment_dict), self.solid_subset, self.mode
        )


def _load_yaml(text: str, where: str, preset_name: str) -> dict:
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        position = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DagsterInvariantViolationError(
            f'Preset "{preset_name}": invalid YAML in {where}{position}: {problem}. Fix the YAML syntax there.'
        ) from exc
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DagsterInvariantViolationError(
            f'Preset "{preset_name}": {where} must hold a YAML mapping (the run config), but it holds a '
            f"{type(value).__name__}."
        )
    return value
