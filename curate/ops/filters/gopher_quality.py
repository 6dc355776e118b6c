"""`gopher_quality`: the document-quality rules of Gopher (Rae et al. 2021, "Scaling Language
Models", appendix A.1.1), with a Chinese counterpart that counts jieba words."""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from curate.ops.base import register
from curate.ops.filters.routing import (
    MIN_LINES_DOC,
    RULE_LANG,
    RULES_DOC,
    RoutedFilter,
    Rules,
)
from curate.ops.rules import Rule, decide, rule
from curate.params import param, threshold
from curate.text import (
    BULLET_LINE,
    CJK_CLASS,
    ELLIPSIS_LINE,
    WORD_PATTERN,
    line_table,
    load_words,
    per_row,
    without_code_blocks,
)
from curate.text.variants import to_simplified
from curate.text.zh_count import zh_word_counts

# Gopher's stop-word rule: "at least two of the following English words: the, be, to, of,
# and, that, have, with". Gopher applied it to long web pages; on documents near the 50-word
# floor the eight words miss terse prose (a news lead: "Shares in Sohu.com fell more than 10
# per cent on Friday after ..." holds one): 6 of 771 AG News items and 5 of 67 SMS messages
# above the floor failed it, while no junk page failed it alone. The default is curate's
# English stop-word list (articles, pronouns, prepositions, auxiliaries); set `stopwords` to
# GOPHER_STOPWORDS for Gopher's own rule.
GOPHER_STOPWORDS = ["the", "be", "to", "of", "and", "that", "have", "with"]
EN_STOPWORDS = list(load_words("stopwords_en"))
# The Chinese counterpart: curate's Chinese stop-word list (particles, pronouns, prepositions,
# conjunctions), matched against jieba words. Gopher's eight words are the commonest of running
# English; no dozen Chinese words cover every register: with the twelve commonest (的 了 是 在 ...)
# terse academic abstracts failed (27 of 5,168 CSLDCP abstracts above the length floor), with
# the whole list none did, and no junk document passed that had failed (bench/realdata.py).
ZH_STOPWORDS = list(load_words("stopwords_zh"))

# A word holding a letter of any script (CJK characters are letters); the rest are numbers.
ALPHA_WORD = (
    rf"[{CJK_CLASS}]|[[\p{{L}}\p{{N}}\p{{M}}]--[{CJK_CLASS}]]*"
    rf"[\p{{L}}--[{CJK_CLASS}]][[\p{{L}}\p{{N}}\p{{M}}]--[{CJK_CLASS}]]*"
)
WORD_CHAR = r"[\p{L}\p{N}\p{M}]"
ELLIPSIS = r"\.\.\.|…+"


@dataclass
class GopherQualityParams:
    rules: Rules = param("auto", RULES_DOC)
    min_words: int = threshold(50, "fewest words (Gopher: 50)")
    max_words: int = threshold(100_000, "most words (Gopher: 100,000)")
    min_mean_word_length: float = threshold(3.0, "shortest mean word length in chars (Gopher: 3)")
    max_mean_word_length: float = threshold(10.0, "longest mean word length in chars (Gopher: 10)")
    max_symbol_word_ratio: float = threshold(
        0.1, "most '#' or ellipses per word, each (Gopher: 0.1)"
    )
    max_bullet_lines_ratio: float = threshold(
        0.9, "most share of lines starting with a bullet (Gopher: 0.9)"
    )
    max_ellipsis_lines_ratio: float = threshold(
        0.3, "most share of lines ending with an ellipsis (Gopher: 0.3)"
    )
    min_alpha_words_ratio: float = threshold(
        0.8, "least share of words holding a letter (Gopher: 0.8)"
    )
    min_stopwords: int = threshold(2, "fewest stop-word occurrences (Gopher: 2)")
    stopwords: list[str] = param(EN_STOPWORDS, "English stop words (default: curate's list; "
                                 "Gopher's: the be to of and that have with)")
    zh_min_words: int = threshold(50, "zh: fewest jieba words")
    zh_max_words: int = threshold(100_000, "zh: most jieba words")
    zh_min_mean_word_length: float = threshold(1.2, "zh: shortest mean jieba-word length")
    zh_max_mean_word_length: float = threshold(3.5, "zh: longest mean jieba-word length")
    zh_min_alpha_words_ratio: float = threshold(
        0.7, "zh: least share of jieba words holding a letter (dates split into numbers)"
    )
    zh_min_stopwords: int = threshold(2, "zh: fewest stop-word occurrences")
    zh_stopwords: list[str] = param(ZH_STOPWORDS, "zh: stop words (jieba words; default: "
                                    "curate's Chinese stop-word list)")
    zh_min_cjk_ratio: float = threshold(
        0.3, "zh: least share of non-space characters that are CJK"
    )
    skip_code_blocks: bool = param(True, "measure the text without its ``` fenced code blocks")
    min_lines: int = param(3, MIN_LINES_DOC)

    def validate(self) -> tuple[str, str] | None:
        """Check the ranges."""
        for low, high in (("min_words", "max_words"), ("zh_min_words", "zh_max_words"),
                          ("min_mean_word_length", "max_mean_word_length"),
                          ("zh_min_mean_word_length", "zh_max_mean_word_length")):
            if getattr(self, high) < getattr(self, low):
                return high, f"must be >= {low} ({getattr(self, low)})"
        return None


@register
class GopherQuality(RoutedFilter[GopherQualityParams]):
    """Gopher quality rules: word count and length, symbols, bullets, ellipses, stop words."""

    name = "gopher_quality"
    signals = (
        RULE_LANG, "gopher_words", "gopher_mean_word_length", "gopher_symbol_ratio",
        "gopher_bullet_lines_ratio", "gopher_ellipsis_lines_ratio", "gopher_alpha_words_ratio",
        "gopher_stopwords", "gopher_cjk_ratio",
    )

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        batch = self.with_rule_lang(batch)
        text = self.text.fill_null("")
        if p.skip_code_blocks:
            text = without_code_blocks(text)
            batch = batch.with_columns(text.alias("__prose"))
            text = pl.col("__prose")
        stop_re = "|".join(re.escape(w) for w in sorted(p.stopwords, key=len, reverse=True))
        en = batch.select(
            text.str.count_matches(WORD_PATTERN).alias("w"),
            text.str.count_matches(WORD_CHAR).alias("c"),
            text.str.count_matches(ALPHA_WORD).alias("a"),
            (text.str.to_lowercase().str.count_matches(rf"(?-u:\b)(?:{stop_re})(?-u:\b)")
             if p.stopwords else pl.lit(0)).alias("s"),
        )
        words, chars, alpha, stops = (en[c].cast(pl.Int64) for c in "wcas")
        zh_rows = batch[RULE_LANG] == "zh"
        if zh_rows.any():
            words, chars, alpha, stops = self._zh_counts(
                batch.select(text).to_series(), zh_rows, (words, chars, alpha, stops)
            )
        table = line_table(batch.select(text).to_series(), drop_blank=True)
        lines = per_row(
            batch.height, table, pl.len().alias("n"),
            pl.col("line").str.contains(BULLET_LINE).sum().alias("bullets"),
            # Not the last line: a document that ends mid-thought was cut, which is not the
            # page of teasers ("Read more...") the rule is after.
            (pl.col("line").str.contains(ELLIPSIS_LINE) & (pl.int_range(pl.len()) < pl.len() - 1))
            .sum().alias("ellipses"),
        ).fill_null(0)
        n_lines = pl.lit(lines["n"])
        non_space = text.str.count_matches(r"\S")
        ratio = self.ratio
        batch = batch.with_columns(
            words.alias("gopher_words"),
            ratio(pl.lit(chars), pl.lit(words)).alias("gopher_mean_word_length"),
            ratio(
                pl.max_horizontal(text.str.count_matches("#"), text.str.count_matches(ELLIPSIS)),
                pl.lit(words),
            ).alias("gopher_symbol_ratio"),
            self.line_share(pl.lit(lines["bullets"]), n_lines, p.min_lines)
            .alias("gopher_bullet_lines_ratio"),
            self.line_share(pl.lit(lines["ellipses"]), n_lines, p.min_lines)
            .alias("gopher_ellipsis_lines_ratio"),
            ratio(pl.lit(alpha), pl.lit(words)).alias("gopher_alpha_words_ratio"),
            stops.alias("gopher_stopwords"),
            ratio(text.str.count_matches(f"[{CJK_CLASS}]"), non_space).alias("gopher_cjk_ratio"),
        )
        return batch.with_columns(decide(self.rules(), self.zh())).drop("__prose", strict=False)

    def _zh_counts(
        self, texts: pl.Series, zh_rows: pl.Series, en: tuple[pl.Series, ...]
    ) -> tuple[pl.Series, ...]:
        """Word, word-character, alphabetic-word and stop-word counts by jieba for the
        Chinese rows (Traditional text read as Simplified, the script of jieba's dictionary
        and of the stop words), the regex counts elsewhere."""
        counts = zh_word_counts(to_simplified(texts.filter(zh_rows).fill_null("").to_list()),
                                self.params.zh_stopwords)
        idx = zh_rows.arg_true()
        return tuple(
            series.scatter(idx, pl.Series(values, dtype=pl.Int64))
            for series, values in zip(en, counts, strict=True)
        )

    def rules(self) -> list[Rule]:
        """Gopher's rules, in order; Chinese rows compare with the zh_ thresholds."""
        p = self.params
        return [
            rule("too_few_words", "gopher_words", "<", p.min_words, p.zh_min_words, True),
            rule("too_many_words", "gopher_words", ">", p.max_words, p.zh_max_words, True),
            rule("mean_word_length", "gopher_mean_word_length", "<", p.min_mean_word_length,
                 p.zh_min_mean_word_length, True),
            rule("mean_word_length", "gopher_mean_word_length", ">", p.max_mean_word_length,
                 p.zh_max_mean_word_length, True),
            rule("symbol_ratio", "gopher_symbol_ratio", ">", p.max_symbol_word_ratio),
            rule("bullet_lines", "gopher_bullet_lines_ratio", ">", p.max_bullet_lines_ratio),
            rule("ellipsis_lines", "gopher_ellipsis_lines_ratio", ">",
                 p.max_ellipsis_lines_ratio),
            rule("alpha_words", "gopher_alpha_words_ratio", "<", p.min_alpha_words_ratio,
                 p.zh_min_alpha_words_ratio, True),
            rule("stopwords", "gopher_stopwords", "<", p.min_stopwords, p.zh_min_stopwords, True),
            rule("cjk_ratio", "gopher_cjk_ratio", "<", None, p.zh_min_cjk_ratio, True),
        ]
