"""`curate.text`: script detection and routing, splitting, n-grams, word lists."""

from __future__ import annotations

import polars as pl
import pytest

from curate.text import (
    cjk_ratio,
    flagged_words,
    is_chinese,
    ngrams,
    paragraphs,
    repeated_ngrams,
    sentence_count,
    sentences,
    split_paragraphs,
    split_sentences,
    stopwords,
    token_table,
    without_code_blocks,
    word_count,
    words,
)


def col(values: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame({"t": values}, schema={"t": pl.String})


def test_word_count_and_cjk_ratio_unchanged() -> None:
    out = col(["深度 learning 模型", "", None]).select(
        word_count(pl.col("t")).alias("w"), cjk_ratio(pl.col("t")).alias("r")
    )
    assert out["w"].to_list() == [5, 0, 0]
    assert out["r"].to_list() == pytest.approx([4 / 14, 0.0, 0.0])


def test_words_regex_splitter() -> None:
    assert col(["Hello, world! 你好 café-au-lait"]).select(words(pl.col("t"))).item().to_list() \
        == ["Hello", "world", "你", "好", "café", "au", "lait"]


def test_routing_by_script_without_lang_column() -> None:
    frame = col(["今天天气很好，我们去公园散步。", "The weather is nice today.", "Beijing 北京"])
    out = frame.select(is_chinese(frame.columns, pl.col("t")))
    assert out.to_series().to_list() == [True, False, False]


def test_routing_reads_lang_column_and_falls_back_on_null() -> None:
    frame = pl.DataFrame(
        {"t": ["cat", "今天天气很好", "今天天气很好"], "lang": ["zh-cn", "en", None]}
    )
    out = frame.select(is_chinese(frame.columns, pl.col("t")))
    assert out.to_series().to_list() == [True, False, True]


def test_sentences_split_on_chinese_and_english_punctuation() -> None:
    text = "Hello world. This is 3.5 good! 你好。我很好！“真的吗？”他问。\nNew line"
    expected = ["Hello world.", "This is 3.5 good!", "你好。", "我很好！", "“真的吗？”", "他问。",
                "New line"]
    assert split_sentences(text) == expected
    assert col([text]).select(sentences(pl.col("t"))).item().to_list() == expected
    assert col([text, ""]).select(sentence_count(pl.col("t"))).to_series().to_list() == [7, 0]


def test_a_period_after_an_abbreviation_or_before_a_lower_case_word_ends_no_sentence() -> None:
    text = ("Gov. James E. McGreevey met Mr. Weill in the U.S. on Nov. 24 at Acme Inc. which "
            "was closed. Then he left, etc. and came back. Plan B. Not now? yes. 3.5 km.")
    expected = ["Gov. James E. McGreevey met Mr. Weill in the U.S. on Nov. 24 at Acme Inc. "
                "which was closed.", "Then he left, etc. and came back.", "Plan B. Not now? yes.",
                "3.5 km."]
    assert split_sentences(text) == expected
    assert col([text]).select(sentences(pl.col("t"))).item().to_list() == expected


def test_paragraphs_split_at_blank_lines() -> None:
    text = "one\ntwo\n\nthree\n  \n\nfour"
    assert split_paragraphs(text) == ["one\ntwo", "three", "four"]
    assert col([text]).select(paragraphs(pl.col("t"))).item().to_list() == [
        "one\ntwo", "three", "four"
    ]


def test_code_blocks_removed() -> None:
    text = "intro.\n```python\nx = {1}\n```\nafter.\n```js\nunclosed"
    assert col([text]).select(without_code_blocks(pl.col("t"))).item() == "intro.\n\nafter.\n"


def test_ngrams() -> None:
    assert ngrams(["a", "b", "c"], 2) == [("a", "b"), ("b", "c")]
    assert ngrams(["a"], 2) == []


def test_repeated_ngrams_find_repeats_within_documents_only() -> None:
    tokens = pl.Series([["a", "b", "c", "a", "b"], ["a", "b"], []])
    table = token_table(tokens)
    found = {n: cand for n, cand in repeated_ngrams(table, 3)}
    # doc 0 repeats "a b" (positions 0 and 3); doc 1's "a b" is another document's.
    assert found[2].select("doc", "pos").rows() == [(0, 0), (0, 3)]
    assert found[3].height == 0
    assert found[1]["doc"].to_list() == [0, 0, 0, 0]


def test_word_lists() -> None:
    assert {"the", "and", "of"} <= stopwords("en")
    assert {"的", "了", "是"} <= stopwords("zh")
    assert len(flagged_words("en")) > 50 and len(flagged_words("zh")) > 50
    assert all(not w.startswith("#") for w in flagged_words("zh"))
