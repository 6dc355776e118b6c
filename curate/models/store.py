"""Model files on disk: written atomically, and trained once when several workers need one."""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from pathlib import Path

from curate.io.atomic import atomic_write
from curate.models.classifier import TextClassifier


def save_atomically(classifier: TextClassifier, out: Path) -> Path:
    """Write a model under a temporary name, then rename: readers never see half a file."""
    return atomic_write(out, classifier.save)


def train_once(model: Path, train: Callable[[], object]) -> Path:
    """`model`, made by `train()` first if the file does not exist yet, then reused by every
    later run (runs are deterministic given the file; delete it to retrain). A lock file makes
    one process train while the others wait for its file."""
    if model.is_file():
        return model
    model.parent.mkdir(parents=True, exist_ok=True)
    with open(model.with_name(f".{model.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not model.is_file():
                train()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return model
