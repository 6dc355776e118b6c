"""Classifier backends: "lora" (a Hugging Face sequence classifier + LoRA, or fully
fine-tuned), "sft" (a causal LM instruction-tuned with LoRA to answer with the label) and
"fasttext" (fast proxy).

A backend is one module of this package, named after it, holding one `Backend` subclass
registered with `@register`: its `name`, its parameter table `Params` (the
`[finetune.NAME]` table of a pipeline file, built with curate.params), and `prepare`, `train`
and `load`. Nothing else needs to change to add one.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np

from curate.params import build

if TYPE_CHECKING:
    from finetune.config import FinetuneConfig
    from finetune.data import Examples

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


@dataclass
class NoParams:
    """A backend without parameters of its own."""


class Backend(ABC):
    """A way to train a text classifier for the ablation: built with the shared settings
    (`cfg`) and its own parameter table (`params`, from `[finetune.NAME]`)."""

    name: ClassVar[str]
    Params: ClassVar[type] = NoParams
    # Whether it trains against a validation set (early stopping, evaluation curves).
    validates: ClassVar[bool] = True

    def __init__(self, cfg: FinetuneConfig) -> None:
        self.cfg = cfg
        self.params = self.build_params(cfg.tables.get(self.name, {}))

    @classmethod
    def build_params(cls, table: dict[str, Any]) -> Any:
        """The backend's parameters from its table (ValueError naming `finetune.NAME.KEY`)."""
        return build(cls.Params, table, f"finetune.{cls.name}")

    @abstractmethod
    def prepare(self, texts: list[str]) -> Any:
        """What every arm and seed shares (a tokenizer), given every training text; its
        `report()` goes into the ablation's results."""

    @abstractmethod
    def train(self, setup: Any, train_set: Examples, validation: Examples | None,
              labels: list[str], seed: int, progress: bool = True,
              title: str = "") -> TrainResult:
        """A fresh classifier trained on `train_set` with seed `seed`."""

    @classmethod
    @abstractmethod
    def load(cls, folder: Path, **options: Any) -> Classifier:
        """A classifier this backend saved to `folder`."""

    def setup_report(self, setup: Any) -> dict | None:
        """What `prepare` measured, for the results (the tokenizer's [UNK] rate): the setup's
        own `report()` where it has one."""
        report = getattr(setup, "report", None)
        return report() if callable(report) else None

    def model_name(self) -> str | None:
        """The model it fine-tunes, for the results (None: not a pretrained model)."""
        return None

    def device(self) -> str:
        """Where it trains, for the results."""
        return "cpu"


BACKENDS: dict[str, type[Backend]] = {}


def register(cls: type[Backend]) -> type[Backend]:
    """Class decorator adding a backend to the registry under its `name`."""
    BACKENDS[cls.name] = cls
    return cls


def backend_names() -> list[str]:
    """Every backend of this package (its modules), without importing them."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def get_backend(name: str) -> type[Backend]:
    """The backend called `name`, imported on first use (lora and sft import torch)."""
    if name not in backend_names():
        raise ValueError(f"unknown backend {name!r} (expected one of "
                         f"{', '.join(map(repr, backend_names()))})")
    if name not in BACKENDS:
        importlib.import_module(f"{__name__}.{name}")
    return BACKENDS[name]


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
    return get_backend(meta["backend"]).load(folder, **options)  # type: ignore[arg-type]
