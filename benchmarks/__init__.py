"""Performance suite. Each ``bench_*.py`` module exposes ``run() -> list[Row]``; ``make bench`` prints them."""

from typing import NamedTuple


class Row(NamedTuple):
    """One measured figure: what, the value, its unit, and the target it must meet (text)."""

    name: str
    value: float
    unit: str
    target: str
    ok: bool
