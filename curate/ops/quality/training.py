"""Training the quality classifier behind `q_info`: reference text (positive) against raw text
(negative), a held-out split for precision, recall, F1 and ROC-AUC, and the saved model with a
JSON record of how it was made. The model is a `LinearModel` (logistic regression on hashed
word n-grams), trained to the same bytes on every machine.

Used by `curate train quality` and by `quality_score`, which trains its model on first use when
the pipeline names training corpora instead of a ready model file.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from curate.errors import ConfigError, CurateError
from curate.io import read_corpus
from curate.models import LinearModel, binary_metrics
from curate.models.linear import LinearOptions
from curate.models.store import save_atomically, train_once

POSITIVE = "high"
NEGATIVE = "low"
MAX_CHARS = 2000  # characters of each document the classifier reads (training and scoring)
# What the classifier reads in place of a line that repeats an earlier line of the document.
REPEATED_LINE = "repeatedline"
_FILTER = re.compile(r"^(?P<path>.+):(?P<column>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>[^=]*)$")


@dataclass(frozen=True)
class CorpusSpec:
    """A training corpus: a path (file, folder, glob or run folder), optionally only the rows
    whose `column` equals `value` (written `PATH:COLUMN=VALUE`, e.g. `sms.parquet:label=spam`)."""

    path: str
    column: str | None = None
    value: str | None = None

    @classmethod
    def parse(cls, spec: str) -> CorpusSpec:
        """Read `PATH` or `PATH:COLUMN=VALUE`."""
        match = _FILTER.match(spec)
        if match and not Path(spec).exists():
            return cls(match["path"], match["column"], match["value"])
        return cls(spec)

    def __str__(self) -> str:
        return self.path if self.column is None else f"{self.path}:{self.column}={self.value}"

    def texts(self, base: Path = Path(".")) -> list[str]:
        """The non-empty texts of the corpus (paths relative to `base`)."""
        path = base / self.path
        columns = ["text"] if self.column is None else ["text", self.column]
        frame = read_corpus(path, columns=columns)
        if self.column is not None:
            frame = frame.filter(pl.col(self.column).cast(pl.String) == self.value)
        texts = frame["text"].drop_nulls()
        texts = texts.filter(texts.str.strip_chars() != "").to_list()
        if not texts:
            raise CurateError(f"{self}: no non-empty texts to train on")
        return texts


def classifier_view(text: str, max_chars: int = MAX_CHARS) -> str:
    """The text the quality classifier reads: its first `max_chars` characters, with every
    line that repeats an earlier line of the document replaced by the token REPEATED_LINE.

    fastText averages n-gram vectors, so it cannot tell a text from the same text repeated;
    with the token it reads each line once and learns from its training data what a repeat
    costs.
    """
    seen: set[str] = set()
    out = []
    for line in text[:max_chars].split("\n"):
        key = line.strip()
        if key and key in seen:
            out.append(REPEATED_LINE)
        else:
            seen.add(key)
            out.append(line)
    return "\n".join(out)


@dataclass
class TrainingReport:
    """How a quality model was made and how it scored on the held-out split."""

    model: str
    positive: list[str]
    negative: list[str]
    seed: int
    holdout: float
    max_chars: int
    train_rows: dict[str, int]
    heldout_rows: dict[str, int]
    metrics: dict[str, float]
    options: dict[str, float | int]
    seconds: float
    labels: dict[str, str] = field(default_factory=lambda: {"positive": POSITIVE,
                                                            "negative": NEGATIVE})

    def save(self, path: Path) -> None:
        """Write the report as JSON."""
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")


def report_path(model: Path) -> Path:
    """Where the training report of a model file is written: `NAME.json` beside `NAME.bin`."""
    return model.with_suffix(".json")


def split_indices(labels: list[str], holdout: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified train / held-out row indices: `holdout` of each label held out (at least one
    row of each when `holdout` > 0), both sorted."""
    rng = np.random.default_rng(seed)
    label_array = np.array(labels)
    train, test = [], []
    for label in sorted(set(labels)):
        rows = np.flatnonzero(label_array == label)
        rng.shuffle(rows)
        n_test = 0 if holdout <= 0 else max(1, round(holdout * len(rows)))
        test.append(rows[:n_test])
        train.append(rows[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def train_quality_model(
    positive: list[CorpusSpec],
    negative: list[CorpusSpec],
    out: Path,
    seed: int = 0,
    holdout: float = 0.2,
    max_chars: int = MAX_CHARS,
    options: LinearOptions | None = None,
    base: Path = Path("."),
) -> TrainingReport:
    """Train on positive vs negative corpora, score the held-out split, save the model to `out`
    (written atomically) and its report beside it."""
    if not 0 <= holdout < 1:
        raise ConfigError(f"holdout: must be in [0, 1), got {holdout}")
    if not positive or not negative:
        raise ConfigError("training needs at least one positive and one negative corpus")
    start = time.perf_counter()
    options = options or LinearOptions()
    texts: list[str] = []
    labels: list[str] = []
    for specs, label in ((positive, POSITIVE), (negative, NEGATIVE)):
        for spec in specs:
            found = spec.texts(base)
            texts += [classifier_view(t, max_chars) for t in found]
            labels += [label] * len(found)
    train, test = split_indices(labels, holdout, seed)
    model = LinearModel.train([texts[i] for i in train], [labels[i] for i in train], options)
    metrics: dict[str, float] = {}
    if len(test):
        scores = model.probability_of([texts[i] for i in test], POSITIVE)
        truth = np.array([labels[i] == POSITIVE for i in test])
        metrics = binary_metrics(truth, scores)
    save_atomically(model, out)

    def count(rows: np.ndarray) -> dict[str, int]:
        return {lab: sum(labels[i] == lab for i in rows) for lab in (POSITIVE, NEGATIVE)}

    report = TrainingReport(
        model=str(out), positive=[str(s) for s in positive], negative=[str(s) for s in negative],
        seed=seed, holdout=holdout, max_chars=max_chars, train_rows=count(train),
        heldout_rows=count(test), metrics=metrics, options=asdict(options),
        seconds=round(time.perf_counter() - start, 3),
    )
    report.save(report_path(out))
    return report


def ensure_model(model: Path, positive: list[CorpusSpec], negative: list[CorpusSpec],
                 seed: int, max_chars: int, base: Path) -> Path:
    """`model`, trained first if the file does not exist yet (then reused by every later run,
    so runs are deterministic given the file; delete it to retrain). A lock file makes one
    process train while the others wait."""
    if model.is_file():
        return model
    if not positive or not negative:
        raise CurateError(f"{model}: no such model file; train one with `curate train quality` "
                          "or set train_positive and train_negative")
    return train_once(model, lambda: train_quality_model(positive, negative, model, seed=seed,
                                                         max_chars=max_chars, base=base))
