"""Training the domain classifier: a multi-class `LinearModel` (logistic regression on hashed
n-grams, trained to the same bytes on every machine) from corpora with a label column, a
stratified held-out split for accuracy and per-domain precision / recall, the saved model and
a JSON record of how it was made beside it.

Used by `curate train domain`, by `domain_classify` (which trains its model on first use when
the pipeline names training corpora instead of a ready model file) and by `domain_backfill`
(which retrains the model with recalled documents between rounds).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

from curate.errors import ConfigError, CurateError
from curate.io import read_corpus
from curate.models import LinearModel, TextClassifier
from curate.models.linear import SHORT_TEXT_CHAR_NGRAMS, LinearOptions, options_for
from curate.models.store import save_atomically, train_once
from curate.ops.quality.training import report_path, split_indices

LABEL_COLUMN = "domain"
MAX_CHARS = 2000  # characters of each document the domain classifier reads
# Less L2 and more iterations than the quality model's: a domain model recalls documents whose
# domain probability passes a bar (domain_backfill's min_score), so it must commit. THUCNews
# titles, dev -> test: accuracy 0.821 (l2 1e-4, 30 iterations) -> 0.837; sports titles recalled
# from a mixed reserve at probability >= 0.5: 737 -> 892, precision 0.917 -> 0.892.
DOMAIN_OPTIONS = LinearOptions(l2=5e-5, max_iter=100)
# Short texts (titles, headlines) gain from character n-grams (curate.models.linear.options_for).
SHORT_TEXT_OPTIONS = dataclasses.replace(DOMAIN_OPTIONS, char_ngrams=SHORT_TEXT_CHAR_NGRAMS)


def domain_view(text: str, max_chars: int = MAX_CHARS) -> str:
    """The part of a document the domain classifier reads (training and prediction)."""
    return text[:max_chars]


def read_labelled(corpora: Sequence[str], label_column: str = LABEL_COLUMN,
                  base: Path = Path("."), text_column: str = "text",
                  ) -> tuple[list[str], list[str]]:
    """(texts, labels) of every row with a non-empty text and a label, corpus by corpus."""
    texts: list[str] = []
    labels: list[str] = []
    for corpus in corpora:
        frame = read_corpus(base / corpus, columns=[text_column, label_column]).filter(
            pl.col(text_column).str.strip_chars().str.len_chars() > 0,
            pl.col(label_column).is_not_null(),
        )
        texts += frame[text_column].to_list()
        labels += frame[label_column].cast(pl.String).to_list()
    if not texts:
        raise CurateError(f"{', '.join(corpora)}: no labelled texts (column {label_column!r})")
    return texts, labels


def multiclass_metrics(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, object]:
    """Accuracy, macro F1 and each label's precision, recall, F1 and support."""
    per_label: dict[str, dict[str, float]] = {}
    for label in sorted(set(truth) | set(predicted)):
        tp = sum(t == label and p == label for t, p in zip(truth, predicted, strict=True))
        n_pred = sum(p == label for p in predicted)
        n_true = sum(t == label for t in truth)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_true if n_true else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": precision, "recall": recall, "f1": f1,
                            "support": n_true}
    correct = sum(t == p for t, p in zip(truth, predicted, strict=True))
    supported = [m["f1"] for m in per_label.values() if m["support"]]
    return {"accuracy": correct / len(truth) if truth else 0.0,
            "macro_f1": sum(supported) / len(supported) if supported else 0.0,
            "labels": per_label}


def domain_options(texts: Sequence[str]) -> LinearOptions:
    """The model options for a training set: character n-grams for short texts."""
    return options_for(texts, DOMAIN_OPTIONS)


def fit_domain_classifier(texts: Sequence[str], labels: Sequence[str],
                          max_chars: int = MAX_CHARS, options: LinearOptions | None = None,
                          ) -> TextClassifier:
    """A domain classifier trained on (text, label) pairs (options by `domain_options` unless
    given)."""
    return LinearModel.train([domain_view(t, max_chars) for t in texts], labels,
                             options or domain_options(texts))


@dataclass
class DomainTrainingReport:
    """How a domain model was made and how it scored on the held-out split."""

    model: str
    seeds: list[str]
    label_column: str
    seed: int
    holdout: float
    max_chars: int
    train_rows: dict[str, int]
    heldout_rows: dict[str, int]
    metrics: dict[str, object]
    options: dict[str, float | int]
    seconds: float

    def save(self, path: Path) -> None:
        """Write the report as JSON."""
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")


def train_domain_model(seeds: Sequence[str], out: Path, label_column: str = LABEL_COLUMN,
                       seed: int = 0, holdout: float = 0.2, max_chars: int = MAX_CHARS,
                       options: LinearOptions | None = None, base: Path = Path("."),
                       overrides: dict[str, float | int] | None = None,
                       ) -> DomainTrainingReport:
    """Train on the labelled seed corpora, score a stratified held-out split, save the model
    to `out` and its report beside it (`NAME.json`). Options: `options`, else `domain_options`
    the texts with `overrides` applied."""
    if not 0 <= holdout < 1:
        raise ConfigError(f"holdout: must be in [0, 1), got {holdout}")
    start = time.perf_counter()
    texts, labels = read_labelled(seeds, label_column, base)
    options = options or dataclasses.replace(domain_options(texts), **(overrides or {}))
    train, test = split_indices(labels, holdout, seed)
    model = fit_domain_classifier([texts[i] for i in train], [labels[i] for i in train],
                                  max_chars, options)
    metrics: dict[str, object] = {}
    if len(test):
        predicted, _ = model.predict([domain_view(texts[i], max_chars) for i in test])
        metrics = multiclass_metrics([labels[i] for i in test], predicted)
    save_atomically(model, out)

    def count(rows: Sequence[int]) -> dict[str, int]:
        found: dict[str, int] = {}
        for i in rows:
            found[labels[i]] = found.get(labels[i], 0) + 1
        return dict(sorted(found.items()))

    report = DomainTrainingReport(
        model=str(out), seeds=list(seeds), label_column=label_column, seed=seed,
        holdout=holdout, max_chars=max_chars, train_rows=count(train), heldout_rows=count(test),
        metrics=metrics, options=asdict(options), seconds=round(time.perf_counter() - start, 3),
    )
    report.save(report_path(out))
    return report


def ensure_domain_model(model: Path, seeds: Sequence[str], label_column: str, seed: int,
                        max_chars: int, base: Path) -> Path:
    """`model`, trained from `seeds` first if the file does not exist yet (then reused by every
    later run, so runs are deterministic given the file; delete it to retrain). A lock file
    makes one process train while the others wait."""
    if model.is_file():
        return model
    if not seeds:
        raise CurateError(f"{model}: no such model file; train one with `curate train domain` "
                          "or set train_from")
    return train_once(model, lambda: train_domain_model(seeds, model, label_column, seed,
                                                        max_chars=max_chars, base=base))
