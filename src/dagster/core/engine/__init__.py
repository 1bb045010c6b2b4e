"""Engines: what runs the steps of an execution plan (in this process, in workers, on a cluster)."""
