"""``dagster.seven.abc``: the collections ABCs, as 0.7 exported them."""

from collections.abc import Iterable, Mapping, Sequence

__all__ = ["Iterable", "Mapping", "Sequence"]
