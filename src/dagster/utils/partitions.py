"""``dagster.utils.partitions``: the 0.7 import path of the partition helpers."""

from dagster.core.definitions.partition import date_partition_range

__all__ = ["date_partition_range"]
