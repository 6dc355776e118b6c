"""How ordinary a text's vocabulary is: the mean Zipf frequency of its words in general written
language, a unigram language model's view of the text.

The frequencies are wordfreq's tables (R. Speer, `wordfreq` 3: Wikipedia, subtitles, news,
books, web text, Reddit and Twitter, combined per language), installed with curate; Zipf is
log10 of a word's occurrences per billion words (7 for "the", 3 for a word seen once per
million, 0 here for a word the table lacks). Prose is made of ordinary words; spam brands,
product codes, keyword lists, machine-spun synonyms and broken text are not. Chinese words
come from jieba's segmentation of the text read in Simplified script; a Chinese text is
measured on its words holding an ideograph, another text on its words of letters (numbers,
measured elsewhere, are left out in both).
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np
import polars as pl

from curate.io.cache import cached_table, package_key
from curate.text.variants import to_simplified
from curate.text.zh_count import Lexicon, zh_word_values

# A word of another script: letters (with apostrophes inside), digits allowed after a letter
# ("mp3", "bt365": codes count as words, and as rare ones).
LETTER_WORD = r"[\p{L}\p{M}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}]+)*"
_LOCK = threading.RLock()  # re-entered: a cached table is built from another
_TABLES: dict[str, Any] = {}


def zipf_table(lang: str) -> dict[str, float]:
    """wordfreq's words of a language ("en", "zh") with their Zipf frequency (cached)."""
    if lang not in _TABLES:
        with _LOCK:
            if lang not in _TABLES:
                import wordfreq

                _TABLES[lang] = {w: math.log10(f) + 9 for w, f in
                                 wordfreq.get_frequency_dict(lang, wordlist="large").items()}
    return _TABLES[lang]


def _zh_lexicon() -> Lexicon:
    """The Chinese Zipf table as a segmentation lexicon (cached per machine)."""
    key = "zh-lexicon"
    if key not in _TABLES:
        with _LOCK:
            if key not in _TABLES:
                table = cached_table("zipf-zh-lexicon", package_key("wordfreq", "zh_cut-1"),
                                     lambda: Lexicon.of(zipf_table("zh")).table())
                _TABLES[key] = Lexicon.from_table(table)
    return _TABLES[key]


def _en_frame() -> pl.DataFrame:
    """The English Zipf table as a (word, zipf) frame (cached per machine)."""
    key = "en-frame"
    if key not in _TABLES:
        with _LOCK:
            if key not in _TABLES:
                _TABLES[key] = cached_table("zipf-en", package_key("wordfreq", "zipf-1"),
                                            _en_table)
    return _TABLES[key]


def _en_table() -> pl.DataFrame:
    table = zipf_table("en")
    return pl.DataFrame({"word": list(table), "zipf": list(table.values())},
                        schema={"word": pl.String, "zipf": pl.Float64})


def mean_zipf(texts: pl.Series, zh: pl.Series) -> pl.Series:
    """The mean Zipf frequency of each text's words (null for a text without words); `zh`
    says which texts are measured as Chinese."""
    n = texts.len()
    texts = texts.fill_null("")
    zh = zh.fill_null(False)
    out = np.full(n, np.nan)
    en_rows = (~zh).arg_true()
    if en_rows.len():
        words = pl.DataFrame({"doc": en_rows, "word": texts.gather(en_rows).str.to_lowercase()
                              .str.extract_all(LETTER_WORD)}).explode("word").drop_nulls()
        means = (words.join(_en_frame(), on="word", how="left")
                 .group_by("doc").agg(pl.col("zipf").fill_null(0.0).mean()))
        out[means["doc"].to_numpy()] = means["zipf"].to_numpy()
    zh_rows = zh.arg_true()
    if zh_rows.len():
        simplified = to_simplified(texts.gather(zh_rows).str.to_lowercase().to_list())
        sums, counts = zh_word_values(simplified, _zh_lexicon())
        with np.errstate(invalid="ignore", divide="ignore"):
            out[zh_rows.to_numpy()] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return pl.Series("word_zipf", out, dtype=pl.Float64).fill_nan(None)
