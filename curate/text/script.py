"""Script-level text measures as polars expressions (Rust regex, no Python loop), and the one
place that decides whether a document gets the Chinese or the English rule set."""

from __future__ import annotations

import polars as pl

# Characters of the CJK scripts written without spaces between words.
CJK_CLASS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
HAN_CLASS = r"\p{Han}"
KANA_CLASS = r"\p{Hiragana}\p{Katakana}"

# A "word": one CJK character, or a run of letters/digits of any other script. Counting each
# CJK character as a word keeps word thresholds meaningful for unsegmented Chinese text
# without running a segmenter in cheap filters.
WORD_PATTERN = rf"[{CJK_CLASS}]|[[\p{{L}}\p{{N}}\p{{M}}]--[{CJK_CLASS}]]+"

# Where no language stage ran, a document is Chinese when at least this share of its
# characters is CJK: Chinese prose sits around 0.7-0.9 (punctuation, digits and Latin words
# make up the rest), English text with a few Chinese names far below.
ZH_MIN_CJK_RATIO = 0.3
LANG_COLUMN = "lang"


def word_count(text: pl.Expr) -> pl.Expr:
    """Number of words in each text (CJK characters count one each)."""
    return text.str.count_matches(WORD_PATTERN).fill_null(0).cast(pl.Int64)


def words(text: pl.Expr) -> pl.Expr:
    """The words of each text as a list (CJK characters one each): the regex splitter."""
    return text.str.extract_all(WORD_PATTERN)


def cjk_ratio(text: pl.Expr) -> pl.Expr:
    """Share of characters that are CJK ideographs, kana or hangul (0 for empty text)."""
    chars = text.str.len_chars()
    cjk = text.str.count_matches(rf"[{CJK_CLASS}]")
    return pl.when(chars > 0).then(cjk / chars).otherwise(0.0).fill_null(0.0)


def has_kana(text: pl.Expr) -> pl.Expr:
    """Whether a text contains hiragana or katakana (Japanese, not Chinese)."""
    return text.str.contains(f"[{KANA_CLASS}]").fill_null(False)


def has_han(text: pl.Expr) -> pl.Expr:
    """Whether a text contains CJK ideographs."""
    return text.str.contains(f"[{HAN_CLASS}]").fill_null(False)


def is_chinese(columns: list[str] | pl.Schema, text: pl.Expr) -> pl.Expr:
    """Whether each row gets the Chinese rule set.

    Reads the `lang` column when one exists (a `language` stage ran, or the input carries
    one): codes starting with "zh" are Chinese. Rows without a language (no column, or a null
    in it) are Chinese when at least ZH_MIN_CJK_RATIO of their characters are CJK.
    """
    by_script = cjk_ratio(text) >= ZH_MIN_CJK_RATIO
    if LANG_COLUMN not in columns:
        return by_script
    lang = pl.col(LANG_COLUMN).cast(pl.String)
    return pl.when(lang.is_null()).then(by_script).otherwise(lang.str.starts_with("zh"))
