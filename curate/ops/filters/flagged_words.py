"""`flagged_words`: the share of a document made of flagged (obscene, gambling, spam) words,
from the zh and en lists shipped in `curate/text/data/` (C4 removed any page with a listed
word; Data-Juicer and BigScience ROOTS use a ratio, as here)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from curate.ops.base import register
from curate.ops.filters.routing import RULE_LANG, RULES_DOC, RoutedFilter, Rules
from curate.params import param
from curate.text import flagged_words, word_count

WORD_CHAR = r"[\p{L}\p{N}\p{M}]"


@dataclass
class FlaggedWordsParams:
    rules: Rules = param("auto", RULES_DOC)
    max_ratio: float = param(0.045, "en: most share of words that are flagged (Data-Juicer)")
    zh_max_ratio: float = param(0.01, "zh: most share of word characters in flagged words")
    extra_words: list[str] = param([], "words to flag besides the shipped lists (both languages)")


@register
class FlaggedWords(RoutedFilter):
    """Reject documents with too many flagged words (en: per word; zh: per character)."""

    name = "flagged_words"
    Params = FlaggedWordsParams
    signals = (RULE_LANG, "flagged_words", "flagged_words_ratio")

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p: FlaggedWordsParams = self.params
        batch = self.with_rule_lang(batch)
        text = self.text.fill_null("")
        en_words = [*flagged_words("en"), *p.extra_words]
        zh_words = [*flagged_words("zh"), *p.extra_words]
        alternation = "|".join(re.escape(w) for w in sorted(en_words, key=len, reverse=True))
        en_hits = text.str.to_lowercase().str.count_matches(rf"(?-u:\b)(?:{alternation})(?-u:\b)")
        zh_matches = text.str.to_lowercase().str.extract_many(
            [w.lower() for w in zh_words], ascii_case_insensitive=True
        )
        zh_hits = zh_matches.list.len()
        zh_chars = zh_matches.list.eval(pl.element().str.len_chars()).list.sum()
        zh = self.zh()
        batch = batch.with_columns(
            pl.when(zh).then(zh_hits).otherwise(en_hits).cast(pl.Int64).alias("flagged_words"),
            pl.when(zh)
            .then(self.ratio(zh_chars, text.str.count_matches(WORD_CHAR)))
            .otherwise(self.ratio(en_hits, word_count(text)))
            .alias("flagged_words_ratio"),
        )
        limit = self.pick(p.zh_max_ratio, p.max_ratio)
        return batch.with_columns(
            self.first_reason((pl.col("flagged_words_ratio") > limit, "flagged_words"))
        )
