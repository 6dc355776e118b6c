"""Execution: the plan of passes, shard tasks, the local and Ray engines, the manifest."""

from curate.engine.layout import RunLayout
from curate.engine.manifest import Manifest
from curate.engine.runner import run_pipeline

__all__ = ["Manifest", "RunLayout", "run_pipeline"]
