"""Running pipelines: plans, contexts, step execution, results and the entry points in ``api``."""
