"""`length_filter`: drop documents too short or too long, in characters and in words."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.ops.base import RowOperator, register
from curate.ops.rules import Rule, decide, rule
from curate.params import threshold
from curate.text import word_count


@dataclass
class LengthFilterParams:
    min_chars: int = threshold(1, "fewest characters a document may have")
    max_chars: int | None = threshold(None, "most characters (no limit when unset)")
    min_words: int = threshold(0, "fewest words (each CJK character counts as one word)")
    max_words: int | None = threshold(None, "most words (no limit when unset)")

    def validate(self) -> tuple[str, str] | None:
        """Check the bounds are consistent."""
        for low, high in (("min_chars", "max_chars"), ("min_words", "max_words")):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo < 0:
                return low, f"must be >= 0, got {lo}"
            if hi is not None and hi < lo:
                return high, f"must be >= {low} ({lo}), got {hi}"
        return None


@register
class LengthFilter(RowOperator[LengthFilterParams]):
    """Reject documents outside character and word bounds (zh-aware: a CJK character is a word)."""

    name = "length_filter"
    signals = ("n_chars", "n_words")

    def transform(self, batch: pl.DataFrame) -> pl.DataFrame:
        batch = batch.with_columns(
            self.text.str.len_chars().cast(pl.Int64).alias("n_chars"),
            word_count(self.text).alias("n_words"),
        )
        return batch.with_columns(decide(self.rules()))

    def rules(self) -> list[Rule]:
        """The bounds, fewest first."""
        p = self.params
        rules = [rule("too_few_chars", "n_chars", "<", p.min_chars),
                 rule("too_few_words", "n_words", "<", p.min_words)]
        if p.max_chars is not None:
            rules.append(rule("too_many_chars", "n_chars", ">", p.max_chars))
        if p.max_words is not None:
            rules.append(rule("too_many_words", "n_words", ">", p.max_words))
        return rules
