"""The Dagster type system: runtime types of solid inputs and outputs, their type checks, and how
values of each type are loaded from config, materialized and serialized.

Modules: ``dagster_type`` (DagsterType, builtins, List, Optional, annotation resolution),
``python_dict`` / ``python_set`` / ``python_tuple`` (collections), ``decorator``
(usable_as_dagster_type), ``config_schema`` (input hydration / output materialization configs),
``marshal`` (serialization strategies).
"""
