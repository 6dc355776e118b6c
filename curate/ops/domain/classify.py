"""`domain_classify`: label each document with its most probable domain and that probability."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from curate.models import TextClassifier, load_classifier
from curate.ops.base import RowOperator, register
from curate.ops.domain.training import LABEL_COLUMN, MAX_CHARS, domain_view, ensure_domain_model
from curate.params import REQUIRED, param


@dataclass
class DomainClassifyParams:
    model: str = param(REQUIRED, "fastText domain model (relative to the pipeline file), made "
                       "by `curate train domain` or trained from train_from on first use")
    train_from: list[str] = param(
        [], "labelled corpora to train `model` from when the file does not exist yet")
    label_column: str = param(LABEL_COLUMN, "label column of the train_from corpora")
    max_chars: int = param(MAX_CHARS, "characters of each document the classifier reads")
    min_score: float = param(0.0, "documents whose best domain probability is lower get a "
                             "null domain")

    def validate(self) -> tuple[str, str] | None:
        """Check ranges."""
        if self.max_chars < 1:
            return "max_chars", f"must be >= 1, got {self.max_chars}"
        if not 0.0 <= self.min_score <= 1.0:
            return "min_score", f"must be between 0 and 1, got {self.min_score}"
        return None


def domain_model(params: DomainClassifyParams, base: Path, seed: int) -> Path:
    """The model file of a domain_classify stage, trained first when it is missing."""
    return ensure_domain_model(base / params.model, params.train_from, params.label_column,
                               seed, params.max_chars, base)


@register
class DomainClassify(RowOperator[DomainClassifyParams]):
    """Label each document with its most probable domain (fastText): domain, domain_score.

    An existing `domain` column is replaced."""

    name = "domain_classify"
    reserve_role = "classify"
    file_params = ("model",)
    trainable_file = "model"
    train_params = ("train_from",)
    train_command = "curate train domain"
    annotations = ("domain", "domain_score")

    def setup(self) -> None:
        """The domain model, trained first from `train_from` if its file does not exist."""
        self.classifier: TextClassifier = load_classifier(
            domain_model(self.params, Path(self.context.config_dir), self.context.seed))

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        texts = batch[self.context.text_column].fill_null("").to_list()
        classifier = self.ready().classifier
        labels, scores = classifier.predict([domain_view(t, p.max_chars) for t in texts])
        score = pl.Series("domain_score", scores, dtype=pl.Float64)
        domain = pl.Series(LABEL_COLUMN, labels, dtype=pl.String)
        return batch.with_columns(
            pl.when(score >= p.min_score).then(domain).otherwise(None).alias("domain"), score)
