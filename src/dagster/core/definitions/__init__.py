"""Definitions: solids, pipelines, modes, resources and the values user code yields."""
