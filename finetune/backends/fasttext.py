"""fastText backend: a supervised fastText classifier, the fast proxy for LoRA runs.

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
from finetune.backends import META_FILE, TrainResult, write_meta
from finetune.config import FinetuneConfig
from finetune.data import Examples

MODEL_FILE = "model.bin"


@dataclass
class FastTextSetup:
    """Nothing to share between runs; present so both backends look alike."""

    def report(self) -> None:
        """fastText has no fixed vocabulary, hence no [UNK] rate."""
        return None


def prepare(cfg: FinetuneConfig, texts: list[str]) -> FastTextSetup:
    """No-op: fastText builds its vocabulary from each training arm."""
    return FastTextSetup()


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


def train(
    cfg: FinetuneConfig,
    setup: FastTextSetup,
    train_set: Examples,
    validation: Examples | None,
    labels: list[str],
    seed: int,
    progress: bool = True,
    title: str = "",
) -> TrainResult:
    """Train a fastText classifier on `train_set` with seed `seed` (fastText logs no curve)."""
    options = TrainOptions(
        epoch=cfg.fasttext_epoch, lr=cfg.fasttext_lr, word_ngrams=cfg.fasttext_word_ngrams,
        dim=cfg.fasttext_dim, minn=cfg.fasttext_minn, maxn=cfg.fasttext_maxn,
        bucket=cfg.fasttext_bucket, threads=max(cfg.fasttext_threads, TrainOptions.threads),
    )
    start = time.perf_counter()
    try:
        model = FastTextModel.train(train_set.texts, train_set.labels, seed, options)
    except CurateError as exc:
        raise ValueError(f"{exc} (fasttext_lr is {cfg.fasttext_lr}, fasttext_bucket "
                         f"{cfg.fasttext_bucket})") from exc
    return TrainResult(
        classifier=FastTextClassifier(model, labels),
        train_seconds=time.perf_counter() - start,
        examples_seen=float(len(train_set) * cfg.fasttext_epoch),
    )


def load(folder: str | Path, **_: object) -> FastTextClassifier:
    """Load a classifier saved by FastTextClassifier.save."""
    folder = Path(folder)
    meta = json.loads((folder / META_FILE).read_text())
    return FastTextClassifier(load_classifier(folder / MODEL_FILE), meta["labels"])
