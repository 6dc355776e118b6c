"""Language-aware text helpers: the one home for script detection, word counting and
segmentation. Operators call these; they never re-implement them."""

from curate.text.script import (
    CJK_CLASS,
    WORD_PATTERN,
    cjk_ratio,
    word_count,
)

__all__ = ["CJK_CLASS", "WORD_PATTERN", "cjk_ratio", "word_count"]
