"""Information density (`q_density`): how much a document says per word.

Four measures, each taken over consecutive windows of a fixed number of words and averaged, so
a long document and a short one are measured alike:

- `compression_ratio`: deflate-compressed size / raw UTF-8 size, per block of BLOCK_BYTES bytes;
- `distinct_word_ratio`: distinct words / words;
- `distinct_bigram_ratio`: distinct word bigrams / bigrams;
- `word_entropy`: Shannon entropy of the word distribution, in bits.

Words are curate.text's regex words, so a Chinese character counts as one; a window is
WINDOWS["en"] words or WINDOWS["zh"] characters, about the same amount of text (a Chinese
word is 1.5-2 characters). A document shorter than one window (or one block) is measured
whole. Each measure is then mapped to [0, 1] between a per-language `low` (degenerate text:
keyword lists, repeated lines) and `high` (reference prose) from NORMS, so that Chinese and
English land on one scale. `q_density` is the mean of the four, times the coverage
min(1, words / window): a document shorter than one window carries less information.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import polars as pl

from curate.ops.quality.text_quality import LANG
from curate.text import token_table, words
from curate.text.ngrams import DOC, POS

WINDOWS = {"en": 64, "zh": 100}
BLOCK_BYTES = 1024
MEASURES = ("compression_ratio", "distinct_word_ratio", "distinct_bigram_ratio", "word_entropy")
WORDS = "density_words"
_MULT = 0x100000001B3  # FNV prime: folds the next word's hash into a bigram hash


@dataclass(frozen=True)
class Norm:
    """Where a measure maps to 0 (`low`) and to 1 (`high`) for one language."""

    low: float
    high: float

    def scale(self, value: pl.Expr) -> pl.Expr:
        """The measure mapped linearly to [0, 1] (clipped)."""
        return ((value - self.low) / (self.high - self.low)).clip(0.0, 1.0)


# `high`: about the 75th percentile of reference prose (Chinese Wikipedia paragraphs from
# cmrc2018, BBC news articles), so a typical reference document scores about 0.9; `low`: about
# the median of keyword-stuffed and repeated-line documents of the sample corpus.
NORMS: dict[str, dict[str, Norm]] = {
    "en": {
        "compression_ratio": Norm(0.15, 0.56),
        "distinct_word_ratio": Norm(0.20, 0.82),
        "distinct_bigram_ratio": Norm(0.25, 0.99),
        "word_entropy": Norm(3.0, 5.57),
    },
    "zh": {
        "compression_ratio": Norm(0.20, 0.66),
        "distinct_word_ratio": Norm(0.15, 0.75),
        "distinct_bigram_ratio": Norm(0.20, 0.93),
        "word_entropy": Norm(3.0, 6.05),
    },
}


def compression_ratio(text: str | None) -> float | None:
    """Mean deflate ratio (compressed / raw bytes) of the text's full BLOCK_BYTES blocks, or of
    the whole text when it is shorter than a block; None for an empty text."""
    data = (text or "").encode("utf-8")
    if not data:
        return None
    blocks = [data[i:i + BLOCK_BYTES] for i in range(0, len(data) - BLOCK_BYTES + 1, BLOCK_BYTES)]
    ratios = []
    for block in blocks or [data]:
        deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        ratios.append(len(deflate.compress(block) + deflate.flush()) / len(block))
    return sum(ratios) / len(ratios)


def lexical_measures(texts: pl.Series, zh: pl.Series) -> pl.DataFrame:
    """Per text: word count, and the windowed distinct word ratio, distinct bigram ratio and
    word entropy (null for a text without words); `zh` picks each text's window size.

    Words are compared by a 32-bit slice of their hash inside a window, where a collision is
    about as likely as one in a million windows."""
    n_docs = texts.len()
    tokens = pl.select(words(pl.lit(texts).fill_null("").str.to_lowercase())).to_series()
    lengths = tokens.list.len().fill_null(0).cast(pl.Int64).to_numpy()
    sizes = np.where(zh.fill_null(False).to_numpy(), WINDOWS["zh"], WINDOWS["en"])
    table = token_table(tokens)
    doc = table[DOC].to_numpy().astype(np.int64)
    hashes = table["h"].to_numpy()
    position = table[POS].to_numpy().astype(np.int64) - (np.cumsum(lengths) - lengths)[doc]
    size = sizes[doc]
    win = position // size
    # Full windows only; a document shorter than one window is one window.
    keep = (win < lengths[doc] // size) | (lengths[doc] < size)
    doc, win, hashes = doc[keep], win[keep], hashes[keep]
    measures = {m: np.full(n_docs, np.nan) for m in MEASURES[1:]}
    if len(doc):
        starts = np.r_[True, (doc[1:] != doc[:-1]) | (win[1:] != win[:-1])]
        window = np.cumsum(starts) - 1
        window_doc = doc[starts]
        n = np.bincount(window).astype(np.float64)
        distinct, clogc = _runs(window, hashes >> np.uint64(32), len(n))
        same = ~starts[1:]
        with np.errstate(over="ignore"):
            pairs = hashes[:-1] * np.uint64(_MULT) + hashes[1:]
        n_bigrams, _ = _runs(window[:-1][same], pairs[same] >> np.uint64(32), len(n))
        per_window = {
            "distinct_word_ratio": distinct / n,
            "distinct_bigram_ratio": np.where(n > 1, n_bigrams / np.maximum(n - 1, 1), np.nan),
            "word_entropy": np.log2(n) - clogc / n,
        }
        for name, values in per_window.items():
            counted = ~np.isnan(values)
            total = np.bincount(window_doc[counted], values[counted], minlength=n_docs)
            count = np.bincount(window_doc[counted], minlength=n_docs)
            measures[name] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return pl.DataFrame(
        {WORDS: lengths, **{m: measures[m] for m in MEASURES[1:]}}
    ).with_columns(pl.col(MEASURES[1:]).fill_nan(None))


def _runs(window: np.ndarray, keys: np.ndarray, n_windows: int) -> tuple[np.ndarray, np.ndarray]:
    """Per window: the number of distinct keys, and the sum of c * log2(c) over their counts c.
    `window` is non-decreasing; keys are 32-bit values in uint64."""
    combined = np.sort((window.astype(np.uint64) << np.uint64(32)) | keys)
    if not len(combined):
        return np.zeros(n_windows), np.zeros(n_windows)
    first = np.r_[True, combined[1:] != combined[:-1]]
    run_starts = np.flatnonzero(first)
    counts = np.diff(np.r_[run_starts, len(combined)]).astype(np.float64)
    run_window = (combined[run_starts] >> np.uint64(32)).astype(np.int64)
    distinct = np.bincount(run_window, minlength=n_windows).astype(np.float64)
    clogc = np.bincount(run_window, counts * np.log2(counts), minlength=n_windows)
    return distinct, clogc


def density_measures(texts: pl.Series, zh: pl.Series) -> pl.DataFrame:
    """The word count and the four raw density measures of each text (`zh`: whether each
    text is Chinese)."""
    lexical = lexical_measures(texts, zh)
    ratios = pl.Series("compression_ratio", [compression_ratio(t) for t in texts.to_list()],
                       dtype=pl.Float64)
    return lexical.with_columns(ratios).select(WORDS, *MEASURES)


def normalized(measure: str, lang_is_zh: pl.Expr) -> pl.Expr:
    """A raw measure column mapped to [0, 1] with its language's norm."""
    zh, en = NORMS["zh"][measure], NORMS["en"][measure]
    return pl.when(lang_is_zh).then(zh.scale(pl.col(measure))).otherwise(en.scale(pl.col(measure)))


def coverage(lang_is_zh: pl.Expr) -> pl.Expr:
    """min(1, words / window) of the row's language."""
    window = pl.when(lang_is_zh).then(WINDOWS["zh"]).otherwise(WINDOWS["en"])
    return (pl.col(WORDS) / window).clip(0.0, 1.0)


def q_density(lang_is_zh: pl.Expr) -> pl.Expr:
    """q_density from the measure columns: the mean of the normalised measures times the
    coverage (0 for a text without words)."""
    parts = [normalized(m, lang_is_zh) for m in MEASURES]
    return (pl.mean_horizontal(parts).fill_null(0.0) * coverage(lang_is_zh)).alias("q_density")


@dataclass(frozen=True)
class MeasureValue:
    """A density measure's raw value, its norm and normalised value for one document."""

    measure: str
    value: float | None
    norm: Norm
    normalized: float | None


def explain(row: pl.DataFrame) -> tuple[list[MeasureValue], float | None]:
    """The density measures of a one-row frame of stored signals, normalised with the same
    expressions as q_density, and the coverage factor."""
    lang = "zh" if LANG in row.columns and row[LANG][0] == "zh" else "en"
    out = []
    for measure in MEASURES:
        norm = NORMS[lang][measure]
        if measure not in row.columns:
            out.append(MeasureValue(measure, None, norm, None))
            continue
        value, scaled = row.select(
            pl.col(measure).cast(pl.Float64).alias("value"),
            norm.scale(pl.col(measure).cast(pl.Float64)).alias("scaled"),
        ).row(0)
        out.append(MeasureValue(measure, value, norm, scaled))
    covered = None
    if WORDS in row.columns and row[WORDS][0] is not None:
        covered = min(1.0, row[WORDS][0] / WINDOWS[lang])
    return out, covered
