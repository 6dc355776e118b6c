"""`special_characters`: the share of characters that are neither letters, digits, spaces nor
ordinary punctuation (symbols, markup, emoji, control and private-use characters), after
Data-Juicer's special_characters_filter (BigScience ROOTS)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.ops.base import register
from curate.ops.filters.routing import RULE_LANG, RULES_DOC, RoutedFilter, Rules
from curate.ops.rules import Rule, decide, rule
from curate.params import param, threshold

# Everything but letters, marks, digits, whitespace and the punctuation of running zh/en text.
SPECIAL = (
    r"[^\p{L}\p{M}\p{N}\s.,;:!?'\"()\-"
    r"，。、；：！？“”‘’（）《》〈〉【】「」『』—–…·％]"
)


@dataclass
class SpecialCharactersParams:
    rules: Rules = param("auto", RULES_DOC)
    max_ratio: float = threshold(0.25, "most share of special characters (Data-Juicer: 0.25)")
    zh_max_ratio: float = threshold(0.25, "zh: most share of special characters")


@register
class SpecialCharacters(RoutedFilter[SpecialCharactersParams]):
    """Reject documents with too many symbols, markup, emoji or control characters."""

    name = "special_characters"
    signals = (RULE_LANG, "special_chars_ratio")

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        batch = self.with_rule_lang(batch)
        text = self.text.fill_null("")
        batch = batch.with_columns(
            self.ratio(text.str.count_matches(SPECIAL), text.str.len_chars())
            .alias("special_chars_ratio")
        )
        return batch.with_columns(decide(self.rules(), self.zh()))

    def rules(self) -> list[Rule]:
        """Too large a share of special characters."""
        p = self.params
        return [rule("special_characters", "special_chars_ratio", ">", p.max_ratio,
                     p.zh_max_ratio, True)]
