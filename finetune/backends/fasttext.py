"""fastText backend: a supervised fastText classifier, the fast proxy for LoRA runs
(`[finetune.fasttext]`).

Training, tokenisation (jieba for Chinese) and the fastText quirks live in curate.models; this
module adapts that classifier to the backend interface. Early stopping and the validation set
do not apply.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curate.errors import CurateError
from curate.models import FastTextModel, TextClassifier, load_classifier
from curate.models.classifier import TrainOptions
from curate.params import param
from finetune.backends import META_FILE, Backend, TrainResult, register, write_meta
from finetune.data import Examples

MODEL_FILE = "model.bin"


@dataclass
class FastTextSetup:
    """Nothing to share between runs; present so both backends look alike."""

    def report(self) -> None:
        """fastText has no fixed vocabulary, hence no [UNK] rate."""
        return None


class FastTextClassifier:
    """A trained curate TextClassifier, reporting probabilities over the ablation's label set
    (labels absent from its training arm get probability 0)."""

    def __init__(self, model: TextClassifier, labels: list[str]):
        self.model = model
        self.labels = labels

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Class probabilities, one row per text, columns in `labels` order."""
        probs = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        if not texts:
            return probs
        known = self.model.predict_proba(texts)
        for j, label in enumerate(self.model.labels):
            probs[:, self.labels.index(label)] = known[:, j]
        return probs

    def save(self, folder: Path) -> None:
        """Write model.bin and META_FILE into `folder`."""
        folder = Path(folder)
        self.model.save(folder / MODEL_FILE)
        write_meta(folder, {"backend": "fasttext", "labels": self.labels})


@dataclass
class FastTextParams:
    """The `[finetune.fasttext]` table."""

    epoch: int = param(25, "training epochs")
    lr: float = param(0.5, "learning rate")
    word_ngrams: int = param(2, "word n-gram length (>= 2 avoids NaN on tiny sets)")
    dim: int = param(100, "vector size")
    minn: int = param(0, "shortest character n-gram (0: no subwords)")
    maxn: int = param(0, "longest character n-gram (0: no subwords)")
    bucket: int = param(200_000, "hash buckets for n-grams (memory: bucket × dim × 4 bytes)")
    threads: int = param(0, "training threads (0: all cores). At least 10 run (fastText "
                         "initialises its weights in one block per thread), so runs are not "
                         "bit-reproducible")

    def validate(self) -> tuple[str, str] | None:
        """Positive sizes and rates."""
        for name in ("epoch", "lr", "word_ngrams", "dim", "bucket"):
            if getattr(self, name) <= 0:
                return name, f"must be > 0, got {getattr(self, name)}"
        return None


@register
class FastText(Backend):
    """A supervised fastText classifier (curate.models), the fast proxy for LoRA runs."""

    name = "fasttext"
    Params = FastTextParams
    validates = False

    def prepare(self, texts: list[str]) -> FastTextSetup:
        """Nothing to share: fastText builds its vocabulary from each training arm."""
        return FastTextSetup()

    def train(self, setup: FastTextSetup, train_set: Examples, validation: Examples | None,
              labels: list[str], seed: int, progress: bool = True,
              title: str = "") -> TrainResult:
        """Train a fastText classifier on `train_set` with seed `seed` (no curve)."""
        p: FastTextParams = self.params
        options = TrainOptions(epoch=p.epoch, lr=p.lr, word_ngrams=p.word_ngrams, dim=p.dim,
                               minn=p.minn, maxn=p.maxn, bucket=p.bucket,
                               threads=max(p.threads, TrainOptions.threads))
        start = time.perf_counter()
        try:
            model = FastTextModel.train(train_set.texts, train_set.labels, seed, options)
        except CurateError as exc:
            raise ValueError(f"{exc} (finetune.fasttext.lr is {p.lr}, bucket "
                             f"{p.bucket})") from exc
        return TrainResult(classifier=FastTextClassifier(model, labels),
                           train_seconds=time.perf_counter() - start,
                           examples_seen=float(len(train_set) * p.epoch))

    @classmethod
    def load(cls, folder: Path, **options: object) -> FastTextClassifier:
        """Load a classifier saved by FastTextClassifier.save."""
        folder = Path(folder)
        meta = json.loads((folder / META_FILE).read_text())
        return FastTextClassifier(load_classifier(folder / MODEL_FILE), meta["labels"])
