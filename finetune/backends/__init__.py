"""Classifier backends: "lora" (a Hugging Face sequence classifier + LoRA, or fully
fine-tuned), "sft" (a causal LM instruction-tuned with LoRA to answer with the label) and
"fasttext" (fast proxy).

Each backend module offers `prepare(cfg, texts) -> Setup`, `train(cfg, setup, train,
validation, labels, seed, progress, title) -> TrainResult` and `load(folder) -> Classifier`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Protocol

import numpy as np

# Written beside every saved model: what `finetune predict` needs to load it.
META_FILE = "finetune.json"


class Classifier(Protocol):
    """A trained text classifier."""

    labels: list[str]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Class probabilities, shape (len(texts), len(labels)), columns in `labels` order."""
        ...

    def save(self, folder: Path) -> None:
        """Write the model and its META_FILE to `folder` (created if needed)."""
        ...


def predict(classifier: Classifier, texts: list[str]) -> list[str]:
    """The most probable label of each text."""
    if not texts:
        return []
    best = classifier.predict_proba(texts).argmax(axis=1)
    return [classifier.labels[i] for i in best]


@dataclass
class TrainResult:
    """A trained classifier and how its training went."""

    classifier: Classifier
    train_seconds: float
    examples_seen: float
    steps: int = 0
    train_loss: float | None = None
    loss_history: list[float] = field(default_factory=list)
    best_step: int | None = None
    # Points of the training curve: {step, train_loss} and {step, eval_loss[, eval_accuracy]}.
    curve: list[dict] = field(default_factory=list)

    @property
    def examples_per_s(self) -> float:
        """Training throughput: examples processed (over all epochs) per second."""
        return self.examples_seen / self.train_seconds if self.train_seconds > 0 else 0.0


def get_backend(name: str) -> ModuleType:
    """The backend module called `name` ("lora", "sft" or "fasttext")."""
    if name == "lora":
        from finetune.backends import lora

        return lora
    if name == "sft":
        from finetune.backends import sft

        return sft
    if name == "fasttext":
        from finetune.backends import fasttext

        return fasttext
    raise ValueError(f"unknown backend {name!r} (expected 'lora', 'sft' or 'fasttext')")


def write_meta(folder: Path, meta: dict) -> None:
    """Write META_FILE into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")


def load_classifier(folder: str | Path, **options: object) -> Classifier:
    """Load a model saved by either backend, dispatching on its META_FILE. `options` go to
    the backend's `load` (LoRA: `model`, the base model folder, and `batch_size`)."""
    folder = Path(folder)
    meta_path = folder / META_FILE
    if not meta_path.is_file():
        raise FileNotFoundError(f"{folder}: not a saved finetune model (no {META_FILE})")
    meta = json.loads(meta_path.read_text())
    return get_backend(meta["backend"]).load(folder, **options)
