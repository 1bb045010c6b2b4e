"""Execution contexts: what the engine, steps, type checks, resources and loggers receive."""
