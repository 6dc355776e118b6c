"""Shingles: which tokens a text yields under each tokenization, and the n-gram hashes."""

from __future__ import annotations

import polars as pl
import pytest

from curate.text.shingles import (
    TOKENIZATIONS,
    shingle_hash,
    shingle_hashes,
    shingle_sets,
    shingles_of,
    token_hash,
    token_hashes,
    tokens,
)

TEXTS = pl.Series(["Hello, World! Hello again.", "今天天气很好，我们去公园", "", "one"])
VARIED = pl.Series([
    "Ünïcödé naïve café — ÀÉÎ déjà-vu: 3.14 x2",
    "mixed 中文 and English, 日本語のテキスト 한국어 텍스트",
    "emoji 🙂 stays out; e\u0301 combines; tabs\tand\nnewlines",
    None,
    "𠀀𠀁 rare ideographs, ΑΒΓ greek",
])


def test_auto_gives_words_and_single_cjk_characters() -> None:
    assert tokens(TEXTS, "auto").to_list() == [
        ["hello", "world", "hello", "again"],
        ["今", "天", "天", "气", "很", "好", "我", "们", "去", "公", "园"],
        [],
        ["one"],
    ]


def test_word_segments_chinese_with_jieba() -> None:
    assert tokens(TEXTS, "word").to_list()[:2] == [
        ["hello", "world", "hello", "again"],
        ["今天天气", "很", "好", "我们", "去", "公园"],
    ]


def test_char_gives_every_non_space_character() -> None:
    assert tokens(pl.Series(["Ab c!"]), "char").to_list() == [["a", "b", "c", "!"]]


def test_n_grams_per_text_and_short_texts_are_one_shingle() -> None:
    hashes, offsets = shingle_hashes(TEXTS, 3)
    assert offsets.tolist() == [0, 2, 11, 11, 12]  # 4 - 3 + 1, 11 - 3 + 1, none, one
    assert len(hashes) == 12


@pytest.mark.parametrize("tokenization", TOKENIZATIONS)
def test_compiled_token_hashes_equal_the_reference_definition(tokenization: str) -> None:
    texts = pl.concat([TEXTS, VARIED])
    hashes, offsets = token_hashes(texts, tokenization, seed=3)
    for d, words in enumerate(tokens(texts, tokenization).to_list()):
        assert hashes[offsets[d]:offsets[d + 1]].tolist() == [token_hash(w, 3) for w in words]


def test_compiled_shingles_equal_the_reference_definition() -> None:
    hashes, offsets = shingle_hashes(TEXTS, 3)
    flat, token_offsets = token_hashes(TEXTS)
    for d in range(len(TEXTS)):
        of_tokens = flat[token_offsets[d]:token_offsets[d + 1]].tolist()
        expected = [shingle_hash(gram) for gram in shingles_of(of_tokens, 3)]
        assert hashes[offsets[d]:offsets[d + 1]].tolist() == expected


def test_shingle_sets_are_sorted_and_unique() -> None:
    sets = shingle_sets(pl.Series(["a b a b a b"]), 2).to_list()[0]
    assert len(sets) == 2  # "a b" and "b a"
    assert sets == sorted(sets)
