"""Script-level text measures as polars expressions (Rust regex, no Python loop)."""

from __future__ import annotations

import polars as pl

# Characters of the CJK scripts written without spaces between words.
CJK_CLASS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"

# A "word": one CJK character, or a run of letters/digits of any other script. Counting each
# CJK character as a word keeps word thresholds meaningful for unsegmented Chinese text
# without running a segmenter in cheap filters.
WORD_PATTERN = rf"[{CJK_CLASS}]|[[\p{{L}}\p{{N}}\p{{M}}]--[{CJK_CLASS}]]+"


def word_count(text: pl.Expr) -> pl.Expr:
    """Number of words in each text (CJK characters count one each)."""
    return text.str.count_matches(WORD_PATTERN).fill_null(0).cast(pl.Int64)


def cjk_ratio(text: pl.Expr) -> pl.Expr:
    """Share of characters that are CJK ideographs, kana or hangul (0 for empty text)."""
    chars = text.str.len_chars()
    cjk = text.str.count_matches(rf"[{CJK_CLASS}]")
    return pl.when(chars > 0).then(cjk / chars).otherwise(0.0).fill_null(0.0)
