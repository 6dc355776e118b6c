"""Models curate trains itself: fastText supervised classifiers (quality, domain)."""

from curate.models.classifier import TextClassifier, fasttext_line, load_classifier
from curate.models.metrics import binary_metrics, roc_auc

__all__ = ["TextClassifier", "binary_metrics", "fasttext_line", "load_classifier", "roc_auc"]
