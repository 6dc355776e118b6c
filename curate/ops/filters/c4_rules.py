"""`c4_rules`: the C4 cleaning rules (Raffel et al. 2020, "Exploring the Limits of Transfer
Learning", section 2.2): line-level removal of unpunctuated, short, javascript and policy
lines, and page-level rejection for lorem ipsum, curly brackets and too few sentences."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.ops.base import REASON, register
from curate.ops.filters.routing import RULE_LANG, RULES_DOC, RoutedFilter, Rules
from curate.ops.rules import Rule, decide, rule
from curate.params import param, threshold
from curate.text import (
    ELLIPSIS_LINE,
    TERMINAL_LINE,
    WORD_PATTERN,
    ZH_SENTENCE_END,
    line_table,
    per_row,
    sentence_count,
)

# C4: "removed any line containing the strings ... terms of use, privacy policy, cookie policy,
# uses cookies, use of cookies, use cookies"; the Chinese forms of the same notices added.
POLICY = (
    r"(?i)terms of use|privacy policy|cookie policy|uses cookies|use of cookies|use cookies"
    r"|隐私政策|隐私条款|使用条款|服务条款|cookie政策|使用cookie"
)
JAVASCRIPT = r"(?i)javascript"
LOREM = r"(?i)lorem ipsum"
CURLY = r"\{"
# Wikipedia-style citation markers C4 removed: [1], [23], [citation needed], [edit].
CITATION = r"\[(?:\d{1,3}|citation needed|edit|编辑)\]"


@dataclass
class C4RulesParams:
    rules: Rules = param("auto", RULES_DOC)
    remove_lines: bool = param(
        True, "drop the failing lines from kept documents (C4); false: only measure and decide"
    )
    min_words_per_line: int = param(5, "fewest words a kept line has (C4: 5)")
    zh_min_words_per_line: int = param(8, "zh: fewest characters/words a kept line has")
    min_sentences: int = threshold(3, "fewest sentences left after line removal (C4: 3)")
    terminal_punctuation: bool = param(
        True, "drop lines not ending in terminal punctuation, or ending in an ellipsis (C4)")
    javascript: bool = param(True, "drop lines mentioning javascript")
    policy: bool = param(True, "drop terms-of-use, privacy and cookie policy lines")
    lorem_ipsum: bool = threshold(True, "reject documents containing 'lorem ipsum'")
    curly_bracket: bool = threshold(True, "reject documents containing '{' (code)")
    citations: bool = param(True, "strip citation markers such as [1] and [citation needed]")


@register
class C4Rules(RoutedFilter[C4RulesParams]):
    """C4 rules: keep punctuated lines of 5+ words, drop javascript/policy lines, reject
    lorem ipsum, curly brackets and pages left with fewer than 3 sentences."""

    name = "c4_rules"
    rewrites_text = True
    signals = (
        RULE_LANG, "c4_lines", "c4_lines_removed", "c4_sentences", "c4_lorem_ipsum",
        "c4_curly_bracket",
    )

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        p = self.params
        batch = self.with_rule_lang(batch)
        col_name = self.context.text_column
        text = self.text.fill_null("")
        if p.citations:
            text = text.str.replace_all(CITATION, "")
        table = line_table(batch.select(text).to_series(), strip=True, drop_blank=True)
        zh = (batch[RULE_LANG] == "zh").gather(table["doc"])
        line = pl.col("line")
        keep = pl.lit(True)
        if p.terminal_punctuation:
            # C4's code (c4_utils) takes a line ending in "..." for an unfinished one: a
            # teaser or a truncated snippet. zh: a line holding a whole sentence (。！？
            # inside) also counts as punctuated.
            keep = (line.str.contains(TERMINAL_LINE) & ~line.str.contains(ELLIPSIS_LINE)) | (
                pl.col("zh") & line.str.contains(ZH_SENTENCE_END)
            )
        for wanted, pattern in ((p.javascript, JAVASCRIPT), (p.policy, POLICY)):
            if wanted:
                keep = keep & ~line.str.contains(pattern)
        min_words = pl.when(pl.col("zh")).then(p.zh_min_words_per_line).otherwise(
            p.min_words_per_line)
        keep = keep & (line.str.count_matches(WORD_PATTERN) >= min_words)
        table = table.with_columns(zh.alias("zh")).with_columns(keep.alias("keep"))
        agg = per_row(
            batch.height, table, pl.len().cast(pl.Int64).alias("n"),
            pl.col("keep").sum().cast(pl.Int64).alias("kept_n"),
            line.filter(pl.col("keep")).str.join("\n").alias("kept"),
        ).with_columns(pl.col("n", "kept_n").fill_null(0), pl.col("kept").fill_null(""))
        batch = batch.with_columns(
            pl.lit(agg["n"]).alias("c4_lines"),
            (pl.lit(agg["n"]) - pl.lit(agg["kept_n"])).alias("c4_lines_removed"),
            pl.lit(agg["kept"]).alias("__kept"),
            text.str.contains(LOREM).alias("c4_lorem_ipsum"),
            text.str.contains(CURLY).alias("c4_curly_bracket"),
        ).with_columns(sentence_count(pl.col("__kept")).alias("c4_sentences"))
        batch = batch.with_columns(decide(self.rules()))
        col = pl.col
        if p.remove_lines:
            batch = batch.with_columns(
                pl.when(col(REASON).is_null()).then(col("__kept"))
                .otherwise(col(col_name)).alias(col_name)
            )
        return batch.drop("__kept")

    def rules(self) -> list[Rule]:
        """C4's page rules, in order (the ones switched off are left out)."""
        p = self.params
        rules = []
        if p.lorem_ipsum:
            rules.append(rule("lorem_ipsum", "c4_lorem_ipsum", "==", True))
        if p.curly_bracket:
            rules.append(rule("curly_bracket", "c4_curly_bracket", "==", True))
        rules.append(rule("too_few_sentences", "c4_sentences", "<", p.min_sentences))
        return rules
