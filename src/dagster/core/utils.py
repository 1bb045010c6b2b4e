"""Small helpers of the execution layer: run ids and a deterministic topological sort."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from dagster.utils import make_new_run_id

__all__ = ["make_new_run_id", "toposort", "toposort_flatten"]


def toposort(deps: Mapping[Hashable, set]) -> list[list]:
    """Group the keys of ``deps`` (key -> keys it depends on) into levels, each sorted.

    A key is in level ``n`` when the longest chain of dependencies below it has length ``n``.
    Dependencies that are not keys of ``deps`` are ignored. A cycle raises ``ValueError`` naming
    the keys that take part in it.
    """
    remaining = {key: {dep for dep in upstream if dep in deps} for key, upstream in deps.items()}
    downstream: dict = {key: [] for key in remaining}
    for key, upstream in remaining.items():
        for dep in upstream:
            downstream[dep].append(key)
    pending = {key: len(upstream) for key, upstream in remaining.items()}
    level = sorted(key for key, count in pending.items() if count == 0)
    levels: list[list] = []
    placed = 0
    while level:
        levels.append(level)
        placed += len(level)
        next_level = []
        for key in level:
            for child in downstream[key]:
                pending[child] -= 1
                if pending[child] == 0:
                    next_level.append(child)
        level = sorted(next_level)
    if placed != len(remaining):
        cyclic = sorted(str(key) for key, count in pending.items() if count > 0)
        raise ValueError(f"Dependency cycle among: {', '.join(cyclic)}")
    return levels


def toposort_flatten(deps: Mapping[Hashable, set]) -> list:
    """The keys of ``deps`` in topological order (level by level, sorted within a level)."""
    return [key for level in toposort(deps) for key in level]
