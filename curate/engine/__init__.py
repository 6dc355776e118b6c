"""Execution: the plan of passes, shard tasks, the local and Ray engines."""

from curate.engine.runner import run_pipeline

__all__ = ["run_pipeline"]
