"""The operators of a run as a worker process holds them: built and set up (models loaded) once
per process, then reused by every shard task the process runs for that run, so a model is read
from disk once per worker, not once per shard."""

from __future__ import annotations

import os
from pathlib import Path

from curate.config import PipelineConfig, Stage
from curate.ops import REGISTRY, Operator

# (pipeline file, config hash, stage, its files' mtimes) -> the set-up operator. Only the
# current run's operators are held: a worker that moves on to another run drops them.
_HELD: dict[tuple, Operator] = {}


def _files(config: PipelineConfig, stage: Stage) -> tuple:
    """The mtimes of the files the stage names (a model retrained in place is loaded again)."""
    found = []
    for key in REGISTRY[stage.op].file_params:
        value = getattr(stage.params, key, None)
        if isinstance(value, str):
            path = Path(os.path.normpath(config.path.parent / value))
            found.append(path.stat().st_mtime_ns if path.exists() else None)
    return tuple(found)


def stage_operator(config: PipelineConfig, stage: Stage) -> Operator:
    """The stage's operator, set up, as this process holds it for the run of `config`."""
    run = (str(config.path.resolve()), config.hash())
    key = (*run, stage.name, _files(config, stage))
    op = _HELD.get(key)
    if op is None:
        for held in [k for k in _HELD if k[:2] != run]:
            del _HELD[held]
        op = _HELD[key] = stage.operator(config).ready()
    return op
