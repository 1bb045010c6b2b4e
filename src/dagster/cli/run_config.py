"""Reading what the CLI is told about a run: ``-e`` YAML files, ``--tags`` JSON, ``-s`` subsets, the instance."""

from __future__ import annotations

import glob
import json
import os
from typing import Any

from click import UsageError

from dagster.cli.errors import DagsterCliError


def load_environment_files(patterns: list[str] | tuple[str, ...]) -> tuple[dict, list[str]]:
    """Load and deep-merge the YAML files matched by ``patterns`` in order (later files win).

    Returns the merged run config and the files read. A pattern that matches nothing, a file that is
    not valid YAML (named with its line and column) or a file whose top level is not a mapping is a
    CLI error.
    """
    import yaml

    from dagster.core.definitions.handle import yaml_syntax_error_message
    from dagster.utils import deep_merge_dicts

    merged: dict = {}
    files: list[str] = []
    for pattern in patterns:
        matches = sorted(glob.glob(os.path.expanduser(pattern)))
        if not matches:
            raise UsageError(f'No config file matches "{pattern}" (given with -e/--env). Check the path.')
        for path in matches:
            text = _read_config_file(path)
            try:
                loaded = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise DagsterCliError(yaml_syntax_error_message(path, exc)) from exc
            if loaded is None:
                loaded = {}
            if not isinstance(loaded, dict):
                raise DagsterCliError(
                    f"{path} must hold a YAML mapping (solids:, resources:, ...), not a {type(loaded).__name__}."
                )
            merged = deep_merge_dicts(merged, loaded)
            files.append(path)
    return merged, files


def _read_config_file(path: str) -> str:
    """The text of a ``-e`` file; a directory, an unreadable or a non-UTF-8 file is a CLI error."""
    if os.path.isdir(path):
        raise DagsterCliError(
            f"{path} is a directory, not a run config file (given with -e/--env). "
            f"Name the YAML files, e.g. -e '{os.path.join(path, '*.yaml')}'."
        )
    try:
        with open(path, encoding="utf8") as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise DagsterCliError(
            f"{path} is not a UTF-8 text file (byte {exc.start}): a run config must be YAML text."
        ) from exc
    except OSError as exc:
        raise DagsterCliError(f"Cannot read run config file {path}: {exc.strerror}.") from exc


def parse_tags(tags_json: str | None) -> dict[str, str]:
    """``--tags '{"key": "value"}'`` as a dict of strings."""
    if not tags_json:
        return {}
    try:
        tags = json.loads(tags_json)
    except json.JSONDecodeError as exc:
        raise UsageError(f'--tags must be a JSON object such as \'{{"team": "data"}}\': {exc}') from exc
    if not isinstance(tags, dict):
        raise UsageError(f'--tags must be a JSON object such as \'{{"team": "data"}}\', got {tags_json}.')
    return {str(key): value if isinstance(value, str) else json.dumps(value) for key, value in tags.items()}


def parse_solid_subset(solid_subset: str | None) -> list[str] | None:
    """``-s a,b,c`` as a list of solid names."""
    if not solid_subset:
        return None
    names = [name.strip() for name in solid_subset.split(",") if name.strip()]
    if not names:
        raise UsageError("-s/--solid-subset needs comma-separated solid names, e.g. -s load,clean.")
    return names


def get_cli_instance() -> Any:
    """``DagsterInstance.get()`` when ``$DAGSTER_HOME`` is set, else an ephemeral (in-memory) instance."""
    from dagster.core.instance import DagsterInstance

    if os.environ.get("DAGSTER_HOME"):
        return DagsterInstance.get()
    return DagsterInstance.ephemeral()
