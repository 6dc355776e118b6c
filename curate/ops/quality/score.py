"""`quality_score`: three quality dimensions in [0, 1] and their weighted combination.

- `q_text` (text quality): well-formedness from the stored heuristic signals, see
  `curate.ops.quality.text_quality` for the formula, term by term;
- `q_info` (information quality): the quality classifier's probability of "high" (reference
  text rather than raw web text), see `curate.ops.quality.training`; with no classifier, how
  ordinary the document's vocabulary is (the mean Zipf frequency of its words, a unigram
  language model; see `curate.text.frequency`), scaled between VOCABULARY norms;
- `q_density` (information density): compressibility, distinct word and bigram ratios and word
  entropy, normalised per language, see `curate.ops.quality.density`;
- `q_overall`: sum(weight * score) / sum(weight) over the dimensions that have a score.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from curate.errors import CurateError
from curate.models import load_classifier
from curate.ops.base import Decision, Explanation, RowOperator, register
from curate.ops.quality import explain
from curate.ops.quality.density import MEASURES, WORDS, Norm, density_measures, q_density
from curate.ops.quality.text_quality import (
    DIGITS,
    LANG,
    MOJIBAKE,
    PROSE,
    UPPER,
    is_zh,
    mojibake_ratio,
    q_text,
)
from curate.ops.quality.training import (
    MAX_CHARS,
    POSITIVE,
    CorpusSpec,
    classifier_view,
    ensure_model,
)
from curate.params import param, threshold
from curate.text import is_chinese, prose_share
from curate.text.frequency import mean_zipf

DIMENSIONS = ("q_text", "q_info", "q_density")
# Measured on real text labelled good and bad (bench/realdata.py: Wikipedia, Zhihu, abstracts,
# news, SMS, web pages): ranking the bad below the good, q_text alone reaches a ROC-AUC of
# 0.89 (zh) and 0.90 (en), the vocabulary q_info 0.55-0.67 (zh) and 0.65-0.85 (en), q_density
# 0.42-0.60 (zh); with 0.4 / 0.4 / 0.2 the mix fell below q_text alone (zh 0.83).
DEFAULT_WEIGHTS = {"q_text": 0.6, "q_info": 0.3, "q_density": 0.1}
# A text of fewer words has no sentence structure worth a prose share (a chat message
# without a full stop is not a page of menu lines).
MIN_PROSE_WORDS = 20
ZIPF = "word_zipf"
# q_info without a classifier: the mean Zipf frequency of the words mapped to [0, 1]. `high`:
# about the 25th percentile of reference prose (Chinese Wikipedia paragraphs from cmrc2018:
# 4.75; BBC articles: 5.53), so typical prose scores 1; `low`: one Zipf unit below, words ten
# times rarer on average, where keyword lists, product codes and spun text sit.
VOCABULARY = {"en": Norm(4.5, 5.5), "zh": Norm(3.8, 4.8)}


@dataclass
class QualityScoreParams:
    model: str | None = param(
        None, "fastText quality model (relative to the pipeline file); none: q_info is how "
        "ordinary the vocabulary is (word frequencies), a rougher estimate")
    train_positive: list[str] = param(
        [], "reference corpora (PATH or PATH:COLUMN=VALUE) to train `model` from on first use, "
        "when the file does not exist yet")
    train_negative: list[str] = param([], "raw corpora to train `model` from (the negatives)")
    label: str = param(POSITIVE, "the model's label for good documents; q_info is its probability")
    max_chars: int = param(MAX_CHARS, "characters of each document the classifier reads")
    weights: dict[str, float] = threshold(
        DEFAULT_WEIGHTS, "weight of each dimension (q_text, q_info, q_density) in q_overall")

    def validate(self) -> tuple[str, str] | None:
        """Check weights, lengths and that training corpora come with a model path."""
        unknown = sorted(set(self.weights) - set(DIMENSIONS))
        if unknown:
            return "weights", f"unknown dimension {unknown[0]!r} (dimensions: " \
                f"{', '.join(DIMENSIONS)})"
        if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            return "weights", "must be >= 0 with a positive sum"
        if self.max_chars < 1:
            return "max_chars", f"must be >= 1, got {self.max_chars}"
        if bool(self.train_positive) != bool(self.train_negative):
            missing = "train_negative" if self.train_positive else "train_positive"
            return missing, "train_positive and train_negative go together"
        if self.train_positive and self.model is None:
            return "model", "set the model file the training corpora train"
        return None


def overall(weights: dict[str, float]) -> pl.Expr:
    """q_overall from the dimension columns: the weighted mean of the non-null ones (null when
    every weighted dimension is null)."""
    num, den = pl.lit(0.0), pl.lit(0.0)
    for dim in DIMENSIONS:
        weight = weights.get(dim, 0.0)
        if weight <= 0:
            continue
        present = pl.col(dim).is_not_null() & pl.col(dim).is_not_nan()
        num = num + pl.when(present).then(pl.col(dim) * weight).otherwise(0.0)
        den = den + pl.when(present).then(pl.lit(weight)).otherwise(0.0)
    return pl.when(den > 0).then(num / den).otherwise(None).alias("q_overall")


@register
class QualityScore(RowOperator[QualityScoreParams]):
    """Quality scores in [0, 1]: q_text, q_info (classifier), q_density, weighted q_overall.

    q_text is well-formedness from the stored filter signals, q_info the quality classifier's
    probability, q_density information density; q_overall their weighted mean."""

    name = "quality_score"
    signals = (LANG, MOJIBAKE, PROSE, DIGITS, UPPER, ZIPF, WORDS, *MEASURES)
    annotations = (*DIMENSIONS, "q_overall")
    file_params = ("model",)
    trainable_file = "model"
    train_params = ("train_positive", "train_negative")
    train_command = "curate train quality"

    def reads(self) -> list[str]:
        """The stored dimension scores."""
        return list(DIMENSIONS)

    def decide(self, stored: pl.DataFrame) -> Decision:
        """q_overall recombined from the stored dimensions with this stage's weights."""
        return Decision(columns={"q_overall": stored.select(overall(self.params.weights))
                                 .to_series()})

    def explain(self, stored: pl.DataFrame) -> list[Explanation]:
        """The scores and their weights, then q_text and q_density term by term."""
        values = stored.row(0, named=True)
        if all(values.get(s) is None for s in (*DIMENSIONS, "q_overall")):
            return []
        return [explain.scores(values, self.params.weights), explain.q_text(stored),
                explain.q_density(stored)]

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        text = self.text.fill_null("")
        cased = text.str.count_matches(r"[\p{Lu}\p{Ll}]")
        batch = batch.with_columns(
            pl.when(is_chinese(batch.columns, text)).then(pl.lit("zh")).otherwise(pl.lit("en"))
            .alias(LANG),
            mojibake_ratio(text).alias(MOJIBAKE),
            pl.when(text.str.len_chars() > 0)
            .then(text.str.count_matches(r"\p{N}") / text.str.len_chars()).alias(DIGITS),
            pl.when(cased > 0).then(text.str.count_matches(r"\p{Lu}") / cased).alias(UPPER),
        )
        texts = batch[self.context.text_column].fill_null("")
        zh = batch[LANG] == "zh"
        batch = batch.with_columns(
            *density_measures(texts, zh).get_columns(), prose_share(texts, zh).alias(PROSE),
            mean_zipf(texts, zh).alias(ZIPF),
        ).with_columns(pl.when(pl.col(WORDS) >= MIN_PROSE_WORDS).then(pl.col(PROSE)).alias(PROSE))
        batch = batch.with_columns(
            q_text(batch.columns), q_density(is_zh()), self._q_info(texts)
        )
        return batch.with_columns(overall(p.weights))

    def setup(self) -> None:
        """The quality model, trained first from `train_positive`/`train_negative` if its
        file does not exist yet."""
        p = self.params
        if p.model is None:
            return
        base = Path(self.context.config_dir)
        model = ensure_model(
            base / p.model, [CorpusSpec.parse(s) for s in p.train_positive],
            [CorpusSpec.parse(s) for s in p.train_negative], self.context.seed, p.max_chars, base,
        )
        self.classifier = load_classifier(model)
        if p.label not in self.classifier.labels:
            raise CurateError(f"{model}: the model has no label {p.label!r} "
                              f"(labels: {', '.join(self.classifier.labels)})")

    def warnings(self) -> list[str]:
        """Without a model, q_info is only the vocabulary estimate."""
        if self.params.model is not None:
            return []
        return [f"{self.context.stage}: no quality model, so q_info is estimated from word "
                "frequencies alone; train one on your reference and raw text (`curate train "
                "quality`, see the README) and set `model`"]

    def _q_info(self, texts: pl.Series) -> pl.Series | pl.Expr:
        """The classifier's probability of `label` per text; without a model, the vocabulary
        estimate (0 for a text without words)."""
        p = self.params
        if p.model is None:
            zh, en = VOCABULARY["zh"], VOCABULARY["en"]
            return (pl.when(is_zh()).then(zh.scale(pl.col(ZIPF))).otherwise(en.scale(pl.col(ZIPF)))
                    .fill_null(0.0).alias("q_info"))
        classifier = self.ready().classifier
        views = [classifier_view(t, p.max_chars) for t in texts.to_list()]
        return pl.Series("q_info", classifier.probability_of(views, p.label), dtype=pl.Float64)
