"""`fineweb_rules`: FineWeb's custom quality rules (Penedo et al. 2024, "The FineWeb Datasets",
section 3.3.4), plus the newline-to-word ratio of its reference implementation (datatrove's
FineWebQualityFilter)."""

from __future__ import annotations

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
    holds_sentence,
    line_table,
    per_row,
    without_code_blocks,
    word_count,
)
from curate.text.ngrams import duplicate_pieces


@dataclass
class FinewebRulesParams:
    rules: Rules = param("auto", RULES_DOC)
    min_line_punct_ratio: float = threshold(
        0.12, "reject when the share of lines ending in punctuation is at most this (0.12)"
    )
    max_short_line_ratio: float = threshold(
        0.67, "reject when the share of short lines is at least this (0.67)"
    )
    short_line_length: int = param(30, "a line of at most this many characters is short (30)")
    max_dup_line_char_ratio: float = threshold(
        0.1, "reject when the share of characters in repeated lines is at least this (0.1)"
    )
    max_newline_ratio: float = threshold(0.3, "reject when newlines per word exceed this (0.3)")
    zh_short_line_length: int = param(15, "zh: a line of at most this many characters is short")
    # zh lines count as punctuated when they merely hold a sentence (see transform), so the
    # bar is higher; calibrated on zh Wikipedia, Zhihu and Common Crawl samples, not a paper.
    zh_min_line_punct_ratio: float = threshold(
        0.45, "zh: reject when the share of lines holding a sentence is at most this"
    )
    zh_max_short_line_ratio: float = threshold(
        0.3, "zh: reject when the share of short lines is at least this"
    )
    skip_code_blocks: bool = param(True, "leave lines of ``` fenced code blocks out of the ratios")
    min_lines: int = param(3, MIN_LINES_DOC)

    def validate(self) -> tuple[str, str] | None:
        """Check the ranges."""
        for key in ("short_line_length", "zh_short_line_length"):
            if getattr(self, key) < 0:
                return key, "must be >= 0"
        return None


@register
class FinewebRules(RoutedFilter[FinewebRulesParams]):
    """FineWeb rules: lines ending in punctuation, short lines, repeated lines, newlines."""

    name = "fineweb_rules"
    signals = (
        RULE_LANG, "fw_line_punct_ratio", "fw_short_line_ratio", "fw_dup_line_char_ratio",
        "fw_newline_ratio",
    )

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        batch = self.with_rule_lang(batch)
        text = self.text.fill_null("")
        if p.skip_code_blocks:
            text = without_code_blocks(text)
        prose = batch.select(text).to_series()
        zh = batch[RULE_LANG] == "zh"
        table = line_table(prose, strip=True, drop_blank=True)
        table = table.with_columns(zh.gather(table["doc"]).alias("zh"))
        line = pl.col("line")
        # A line ends in punctuation (FineWeb), or holds a sentence with more text after it:
        # one-paragraph prose is one line, which must not read as a line without punctuation.
        punct = holds_sentence(line, pl.col("zh"))
        short = line.str.len_chars() <= pl.when(pl.col("zh")).then(
            p.zh_short_line_length).otherwise(p.short_line_length)
        agg = per_row(
            batch.height, table,
            pl.len().alias("n"), punct.sum().alias("punct"), short.sum().alias("short"),
        ).fill_null(0)
        dup = duplicate_pieces(prose.str.split("\n"))
        ratio = self.ratio
        batch = batch.with_columns(
            self.line_share(pl.lit(agg["punct"]), pl.lit(agg["n"]), p.min_lines)
            .alias("fw_line_punct_ratio"),
            self.line_share(pl.lit(agg["short"]), pl.lit(agg["n"]), p.min_lines)
            .alias("fw_short_line_ratio"),
            ratio(pl.lit(dup["dup_chars"]), pl.lit(dup["chars"])).alias("fw_dup_line_char_ratio"),
            ratio(text.str.count_matches("\n"), word_count(text)).alias("fw_newline_ratio"),
        )
        return batch.with_columns(decide(self.rules(), self.zh()))

    def rules(self) -> list[Rule]:
        """FineWeb's rules, in order; Chinese rows compare with the zh_ thresholds."""
        p = self.params
        return [
            rule("line_punct_ratio", "fw_line_punct_ratio", "<=", p.min_line_punct_ratio,
                 p.zh_min_line_punct_ratio, True),
            rule("short_line_ratio", "fw_short_line_ratio", ">=", p.max_short_line_ratio,
                 p.zh_max_short_line_ratio, True),
            rule("dup_line_char_ratio", "fw_dup_line_char_ratio", ">=",
                 p.max_dup_line_char_ratio),
            rule("newline_ratio", "fw_newline_ratio", ">", p.max_newline_ratio),
        ]
