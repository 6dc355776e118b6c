"""Models curate trains itself: deterministic linear classifiers (quality, domain) and the
fastText proxy of the fine-tune ablations."""

from curate.models.classifier import (
    FastTextModel,
    LinearModel,
    TextClassifier,
    fasttext_line,
    load_classifier,
)
from curate.models.metrics import binary_metrics, roc_auc

__all__ = ["FastTextModel", "LinearModel", "TextClassifier", "binary_metrics", "fasttext_line",
           "load_classifier", "roc_auc"]
