"""Text classifiers: the one home for training, saving, loading and batch prediction of the
quality and domain models (and the fine-tune proxy backend).

Two kinds, one interface (`TextClassifier`):

- `LinearModel`: logistic regression on hashed n-grams (`curate.models.linear`), fitted the
  same way on every machine and thread count: the quality and domain models curate trains,
  so that two fresh installs of one commit train the same bytes and curate the same rows;
- `FastTextModel`: a fastText supervised model (Hogwild threads: two trainings differ a
  little), the fine-tune proxy backend; model files of earlier curate versions load too.

Chinese text is segmented with jieba (via curate.text) before a model sees it; everything is
lower-cased and put on one line.
"""

from __future__ import annotations

import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curate.errors import CurateError
from curate.models.linear import LinearClassifier, LinearOptions
from curate.text.segment import words_lines_zh

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPACE = re.compile(r"\s+")
_PREFIX = "__label__"
# fastText-numpy2 occasionally reports "Encountered NaN" on small training sets and succeeds
# when the same training is run again (seen here: about one run in four on 200 short texts).
NAN_RETRIES = 3
_ZIP_MAGIC = b"PK\x03\x04"  # a LinearModel file is a .npz archive


def fasttext_line(text: str) -> str:
    """`text` as a model reads it: one lower-cased line of tokens, Chinese segmented."""
    text = _SPACE.sub(" ", text).strip().lower()
    if _HAN.search(text):
        text = words_lines_zh([text])[0]
    return text


def fasttext_lines(texts: Sequence[str]) -> list[str]:
    """fasttext_line of each text, the Chinese ones segmented in one batch."""
    flat = [_SPACE.sub(" ", t).strip().lower() for t in texts]
    zh = [i for i, t in enumerate(flat) if _HAN.search(t)]
    for i, line in zip(zh, words_lines_zh([flat[i] for i in zh]), strict=True):
        flat[i] = line
    return flat


class TextClassifier(ABC):
    """A trained classifier: texts in, class probabilities out, `labels` in a fixed (sorted)
    order."""

    labels: list[str]

    @abstractmethod
    def predict_proba_lines(self, lines: Sequence[str]) -> np.ndarray:
        """Class probabilities of texts already made `fasttext_lines`, columns in `labels`
        order."""

    @abstractmethod
    def save(self, path: str | Path) -> Path:
        """Write the model to `path`."""

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, one row per text, columns in `labels` order."""
        return self.predict_proba_lines(fasttext_lines(texts) if len(texts) else [])

    def probability_of(self, texts: Sequence[str], label: str) -> np.ndarray:
        """Probability of one label for each text."""
        return self.predict_proba(texts)[:, self.labels.index(label)]

    def predict(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """The most probable label of each text and its probability."""
        probs = self.predict_proba(texts)
        best = probs.argmax(axis=1) if len(texts) else np.zeros(0, dtype=int)
        return [self.labels[i] for i in best], probs[np.arange(len(best)), best]


class LinearModel(TextClassifier):
    """A `LinearClassifier` reading texts: the same data and options give the same model,
    bit for bit, on any machine."""

    def __init__(self, model: LinearClassifier) -> None:
        self.model = model
        self.labels = model.labels

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str],
              options: LinearOptions | None = None) -> LinearModel:
        """Fit on (text, label) pairs."""
        return cls(LinearClassifier.train_lines(fasttext_lines(texts), labels, options))

    def predict_proba_lines(self, lines: Sequence[str]) -> np.ndarray:
        """See TextClassifier."""
        return np.clip(self.model.predict_proba_lines(lines).astype(np.float64), 0.0, 1.0)

    def save(self, path: str | Path) -> Path:
        """Write the model (a .npz archive, whatever the file's name)."""
        return self.model.save(path)


@dataclass
class TrainOptions:
    """fastText hyper-parameters.

    `threads` must stay >= 11: fastText initialises its input matrix in tenths, one per
    training thread, so with fewer threads part of the matrix keeps whatever memory held
    (the cause of sporadic "Encountered NaN"); the last `size mod 10` values need an 11th.
    Hogwild threads make training vary a little between runs with the same seed.
    """

    epoch: int = 25
    lr: float = 0.1
    word_ngrams: int = 2
    dim: int = 64
    minn: int = 0
    maxn: int = 0
    bucket: int = 200_000
    threads: int = 11


def _label_token(label: str) -> str:
    return _PREFIX + _SPACE.sub("_", label.strip())


class FastTextModel(TextClassifier):
    """A trained fastText classifier with its label names in a fixed order."""

    def __init__(self, model: object, labels: list[str]) -> None:
        self.model = model
        self.labels = labels
        self._index = {_label_token(name): i for i, name in enumerate(labels)}

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str], seed: int = 0,
              options: TrainOptions | None = None) -> FastTextModel:
        """Train on (text, label) pairs. Label order is sorted, so it does not depend on rows."""
        return cls.train_lines(fasttext_lines(texts), labels, seed, options)

    @classmethod
    def train_lines(cls, lines: Sequence[str], labels: Sequence[str], seed: int = 0,
                    options: TrainOptions | None = None) -> FastTextModel:
        """Train on texts already made `fasttext_lines` (so cross-validation segments once)."""
        import fasttext

        options = options or TrainOptions()
        names = sorted(set(labels))
        if len(names) < 2:
            raise CurateError(f"training needs at least two labels, got {names}")
        with tempfile.TemporaryDirectory(prefix="curate-ft-") as scratch:
            path = Path(scratch) / "train.txt"
            path.write_text(
                "".join(f"{_label_token(lab)} {line}\n"
                        for lab, line in zip(labels, lines, strict=True)),
                encoding="utf-8",
            )
            for attempt in range(NAN_RETRIES + 1):
                try:
                    model = fasttext.train_supervised(
                        input=str(path), epoch=options.epoch, lr=options.lr,
                        wordNgrams=options.word_ngrams, dim=options.dim, minn=options.minn,
                        maxn=options.maxn, bucket=options.bucket, thread=options.threads,
                        seed=seed, verbose=0,
                    )
                    break
                except RuntimeError as exc:
                    if "NaN" not in str(exc) or attempt == NAN_RETRIES:
                        raise CurateError(f"fastText training failed ({exc}); try a lower "
                                          "learning rate") from exc
        return cls(model, names)

    def predict_proba_lines(self, lines: Sequence[str]) -> np.ndarray:
        """See TextClassifier."""
        probs = np.zeros((len(lines), len(self.labels)), dtype=np.float64)
        if not len(lines):
            return probs
        names, scores = self.model.predict(list(lines), k=-1)  # type: ignore[attr-defined]
        for row, (row_names, row_scores) in enumerate(zip(names, scores, strict=True)):
            for name, score in zip(row_names, row_scores, strict=True):
                probs[row, self._index[name]] = score
        return np.clip(probs, 0.0, 1.0)

    def save(self, path: str | Path) -> Path:
        """Write the model to `path` (a fastText .bin; labels are stored inside it)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.model.save_model(str(path))  # type: ignore[attr-defined]
        return path


def load_classifier(path: str | Path) -> TextClassifier:
    """Load a model saved by `LinearModel.save` or `FastTextModel.save` (told apart by the
    file's first bytes). A stage loads its model once per worker, in its `setup`."""
    path = Path(path)
    if not path.is_file():
        raise CurateError(f"{path}: no such model file (train one with `curate train`)")
    with open(path, "rb") as handle:
        magic = handle.read(len(_ZIP_MAGIC))
    return LinearModel(LinearClassifier.load(path)) if magic == _ZIP_MAGIC \
        else _load_fasttext(path)


def _load_fasttext(path: Path) -> FastTextModel:
    import fasttext

    try:
        model = fasttext.load_model(str(path))
    except ValueError as exc:
        raise CurateError(f"{path}: neither a curate linear model nor a fastText model "
                          f"({exc})") from exc
    labels = sorted(name.removeprefix(_PREFIX) for name in model.get_labels())
    return FastTextModel(model, labels)
