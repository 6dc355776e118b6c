"""`flagged_words`: the share of a document made of flagged (obscene, gambling, spam) words,
from the zh and en lists shipped in `curate/text/data/` (C4 removed any page with a listed
word; Data-Juicer and BigScience ROOTS use a ratio, as here).

Two corrections to a plain substring ratio, both measured on real text (bench/realdata.py):

- A two-character Chinese word counts only where it is a whole word (jieba): 性药 inside
  抗菌性药物 or 下注 inside 下注射 is not a flagged word. Longer words are specific enough to
  count wherever they occur. Traditional text is matched in Simplified (OpenCC t2s).
- A document is rejected only when it holds `min_distinct` different flagged words: spam
  uses a vocabulary (百家乐, 现金网, 返水 ...), while an article about a casino or a drug names
  one thing, maybe often. One word in a short Zhihu answer or a Wikipedia paragraph about
  Macau was enough to reject it before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from curate.ops.base import register
from curate.ops.filters.routing import RULE_LANG, RULES_DOC, RoutedFilter, Rules
from curate.ops.rules import Condition, Rule, decide
from curate.params import param, threshold
from curate.text import flagged_words, whole_word_matches, word_count
from curate.text.variants import to_simplified

WORD_CHAR = r"[\p{L}\p{N}\p{M}]"
MATCHED = "flagged_words_matched"


@dataclass
class FlaggedWordsParams:
    rules: Rules = param("auto", RULES_DOC)
    max_ratio: float = threshold(0.045, "en: most share of words that are flagged (Data-Juicer)")
    zh_max_ratio: float = threshold(0.01, "zh: most share of word characters in flagged words")
    min_distinct: int = threshold(
        2, "fewest different flagged words a rejected document holds (one word, however "
        "often, is a topic, not spam)")
    extra_words: list[str] = param([], "words to flag besides the shipped lists (both languages)")

    def validate(self) -> tuple[str, str] | None:
        """Check the word count."""
        if self.min_distinct < 1:
            return "min_distinct", f"must be >= 1, got {self.min_distinct}"
        return None


@register
class FlaggedWords(RoutedFilter[FlaggedWordsParams]):
    """Reject documents with too many flagged words (en: per word; zh: per character) of at
    least two kinds; the words found are kept in `flagged_words_matched`."""

    name = "flagged_words"
    signals = (RULE_LANG, "flagged_words", "flagged_words_distinct", "flagged_words_ratio",
               MATCHED)

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        batch = self.with_rule_lang(batch)
        text = self.text.fill_null("")
        en_words = [w.lower() for w in (*flagged_words("en"), *p.extra_words)]
        alternation = "|".join(re.escape(w) for w in sorted(en_words, key=len, reverse=True))
        en_found = batch.select(
            text.str.to_lowercase().str.extract_all(rf"(?-u:\b)(?:{alternation})(?-u:\b)")
        ).to_series()
        zh = batch[RULE_LANG] == "zh"
        found = en_found.to_list()
        if zh.any():
            zh_words = [w.lower() for w in (*flagged_words("zh"), *p.extra_words)]
            rows = zh.arg_true().to_list()
            texts = to_simplified(batch[self.context.text_column].gather(rows).fill_null("")
                                  .str.to_lowercase().to_list())
            for row, words in zip(rows, whole_word_matches(texts, zh_words, whole_below=3),
                                  strict=True):
                found[row] = words
        found = pl.Series(found, dtype=pl.List(pl.String))
        batch = batch.with_columns(found.alias("__found"))
        hits = pl.col("__found").list.len().cast(pl.Int64)
        zh_chars = pl.col("__found").list.eval(pl.element().str.len_chars()).list.sum()
        batch = batch.with_columns(
            hits.alias("flagged_words"),
            pl.col("__found").list.unique().list.len().cast(pl.Int64)
            .alias("flagged_words_distinct"),
            pl.when(self.zh())
            .then(self.ratio(zh_chars, text.str.count_matches(WORD_CHAR)))
            .otherwise(self.ratio(hits, word_count(text)))
            .alias("flagged_words_ratio"),
            _by_count(pl.col("__found")).alias(MATCHED),
        ).drop("__found")
        return batch.with_columns(decide(self.rules(), self.zh()))

    def rules(self) -> list[Rule]:
        """Too large a share of flagged words, of at least `min_distinct` kinds."""
        p = self.params
        return [Rule("flagged_words", (
            Condition("flagged_words_ratio", ">", p.max_ratio, p.zh_max_ratio, True),
            Condition("flagged_words_distinct", ">=", p.min_distinct),
        ))]


def _by_count(found: pl.Expr) -> pl.Expr:
    """The distinct words of a list, most frequent first (ties: first seen first)."""
    return found.list.eval(
        pl.element().unique(maintain_order=True)
        .sort_by(pl.element().unique_counts(), descending=True, maintain_order=True)
    )
