"""`length_filter`: documents just inside and just outside each bound, zh and en."""

from __future__ import annotations

import polars as pl

from curate.ops.base import REASON
from curate.ops.filters.length import LengthFilter, LengthFilterParams


def reasons(texts: list[str], **params: object) -> list[str | None]:
    op = LengthFilter(LengthFilterParams(**params))
    return op.transform(pl.DataFrame({"text": texts}))[REASON].to_list()


def test_character_bounds() -> None:
    assert reasons(["abcd", "abcde", "abcdefghi", "abcdefghij"], min_chars=5, max_chars=9) == [
        "too_few_chars", None, None, "too_many_chars"
    ]


def test_word_bounds_count_cjk_characters_as_words() -> None:
    texts = ["one two", "one two three", "今天天气", "今天天", "深度 learning 模型"]
    assert reasons(texts, min_words=4, max_words=5) == [
        "too_few_words", "too_few_words", None, "too_few_words", None
    ]


def test_signals_are_recorded() -> None:
    out = LengthFilter().transform(pl.DataFrame({"text": ["深度 learning!"]}))
    assert out.select("n_chars", "n_words").row(0) == (12, 3)


def test_first_failing_rule_wins() -> None:
    assert reasons([""], min_chars=1, min_words=1) == ["too_few_chars"]
