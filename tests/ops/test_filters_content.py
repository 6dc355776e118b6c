"""`flagged_words`, `special_characters` and `char_repetition`: documents just inside and just
outside each threshold, in English and in Chinese."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from curate.ops.base import REASON
from curate.ops.filters.char_repetition import CharRepetition, CharRepetitionParams
from curate.ops.filters.flagged_words import FlaggedWords, FlaggedWordsParams
from curate.ops.filters.special_characters import SpecialCharacters, SpecialCharactersParams
from curate.text import flagged_words

WORDS = [f"w{i:03d}" for i in range(1000)]  # distinct harmless words
ZH = [chr(0x4E00 + 3 * i) for i in range(3000)]  # distinct ideographs


def run(op: Any, texts: list[str]) -> pl.DataFrame:
    return op.transform(pl.DataFrame({"text": texts}))


# ----------------------------------------------------------------------------- flagged words


def test_flagged_words_english_ratio_per_word() -> None:
    # Data-Juicer's 0.045: 9 flagged words in 200 is inside, 10 in 200 outside.
    def doc(k: int) -> str:
        return " ".join(["casino bonus"] * k + WORDS[: 200 - 2 * k])

    out = run(FlaggedWords(FlaggedWordsParams(rules="en", min_distinct=1)), [doc(9), doc(10)])
    assert out["flagged_words"].to_list() == [9, 10]
    assert out["flagged_words_ratio"].to_list() == pytest.approx([0.045, 0.05])
    assert out[REASON].to_list() == [None, "flagged_words"]


def test_flagged_words_english_match_whole_words_only() -> None:
    out = run(FlaggedWords(FlaggedWordsParams(rules="en")), ["a classic pussycat dickens novel"])
    assert out["flagged_words"][0] == 0


def test_flagged_words_chinese_ratio_per_character() -> None:
    # zh: 1% of word characters; "百家乐" is 3 characters.
    def doc(k: int, n: int) -> str:
        return "百家乐" * k + "".join(ZH[:n])

    inside, outside = doc(2, 594), doc(2, 593)  # 6 / 600 and 6 / 599
    out = run(FlaggedWords(FlaggedWordsParams(rules="zh", min_distinct=1)), [inside, outside])
    assert out["flagged_words"].to_list() == [2, 2]
    assert out["flagged_words_ratio"].to_list() == pytest.approx([0.01, 6 / 599])
    assert out[REASON].to_list() == [None, "flagged_words"]


def test_flagged_words_one_word_is_a_topic_two_are_spam() -> None:
    # A page about a casino names it often; spam uses a vocabulary.
    topic = "澳门的赌场很多。" + "赌场" * 6 + "".join(ZH[:200])
    spam = "百家乐" * 3 + "现金网" * 3 + "".join(ZH[:200])
    out = run(FlaggedWords(FlaggedWordsParams(rules="zh")), [topic, spam])
    assert out["flagged_words_distinct"].to_list() == [1, 2]
    assert out["flagged_words_ratio"][0] > 0.01
    assert out[REASON].to_list() == [None, "flagged_words"]


def test_flagged_words_two_character_chinese_words_match_whole_words_only() -> None:
    # 性药 inside 抗菌性药物 and 下注 inside 下注射 are not flagged; 色情 as a word is.
    out = run(FlaggedWords(FlaggedWordsParams(rules="zh")),
              ["研究了抗菌性药物的耐药性。", "医生在下注射器前消毒。", "戒色，色情不要看。"])
    assert out["flagged_words"].to_list() == [0, 0, 1]
    assert out["flagged_words_matched"].to_list() == [[], [], ["色情"]]


def test_flagged_words_traditional_chinese_is_matched_in_simplified() -> None:
    out = run(FlaggedWords(FlaggedWordsParams(rules="zh")), ["百家樂和現金網，百家樂"])
    assert out["flagged_words_matched"][0].to_list() == ["百家乐", "现金网"]  # most frequent first
    assert out["flagged_words"][0] == 3


def test_flagged_words_lists_are_shipped_for_both_languages() -> None:
    assert "casino bonus" in flagged_words("en")
    assert "百家乐" in flagged_words("zh")
    assert "免费" not in flagged_words("zh")  # too common in ordinary news


def test_flagged_words_extra_words() -> None:
    op = FlaggedWords(FlaggedWordsParams(rules="en", extra_words=["w001"]))
    assert run(op, [" ".join(["w001"] * 5 + WORDS[2:90])])["flagged_words"][0] == 5


# ------------------------------------------------------------------------ special characters


@pytest.mark.parametrize("rules", ["en", "zh"])
def test_special_characters_ratio(rules: str) -> None:
    letters = "a" if rules == "en" else "字"
    inside = letters * 75 + "#$%&*" * 5  # 25 of 100
    outside = letters * 74 + "#$%&*" * 5 + "@"  # 26 of 100
    out = run(SpecialCharacters(SpecialCharactersParams(rules=rules)), [inside, outside])
    assert out["special_chars_ratio"].to_list() == pytest.approx([0.25, 0.26])
    assert out[REASON].to_list() == [None, "special_characters"]


def test_ordinary_punctuation_is_not_special() -> None:
    text = "Hello, world! (It's “fine”.) 你好，世界！（《书》、“引号”……）"
    out = run(SpecialCharacters(), [text])
    assert out["special_chars_ratio"][0] == 0.0


# --------------------------------------------------------------------------- char repetition


def char_rep(texts: list[str], rules: str, **params: Any) -> pl.DataFrame:
    base = dict(rules=rules, max_rep_ratio=1.0, zh_max_rep_ratio=1.0, max_run_ratio=1.0,
                zh_max_run_ratio=1.0)
    return run(CharRepetition(CharRepetitionParams(**{**base, **params})), texts)


@pytest.mark.parametrize("rules", ["en", "zh"])
def test_char_repetition_ratio(rules: str) -> None:
    # A 10-character unit repeated k times inside unique text: the top sqrt(#distinct)
    # 10-grams are the unit's 10 rotations, each occurring about k times.
    alphabet = ZH if rules == "zh" else [chr(0x0100 + i) for i in range(600)]
    unit = "".join(alphabet[:10])
    unique = "".join(alphabet[10:])

    def doc(k: int, n_unique: int) -> str:
        return unit * k + unique[:n_unique]

    texts = [doc(20, 200), doc(20, 100)]
    out = char_rep(texts, rules)
    ratios = out["char_rep_ratio"].to_list()
    assert 0.3 < ratios[1] < 0.7
    assert ratios[0] < ratios[1]
    limit = (ratios[0] + ratios[1]) / 2
    key = "zh_max_rep_ratio" if rules == "zh" else "max_rep_ratio"
    decided = char_rep(texts, rules, **{key: limit})
    assert decided[REASON].to_list() == [None, "char_repetition"]


def test_char_repetition_matches_the_roots_definition() -> None:
    text = "abcabcabcabcabcabcXYZ"
    grams = [text[i:i + 10] for i in range(len(text) - 9)]
    counts = sorted((grams.count(g) for g in set(grams)), reverse=True)
    k = min(int(len(counts) ** 0.5), sum(1 for c in counts if c > 1))
    expected = sum(counts[:k]) / sum(counts)
    out = char_rep([text, "short"], "en")
    assert out["char_rep_ratio"].to_list() == pytest.approx([expected, 0.0])


@pytest.mark.parametrize(
    ("rules", "inside", "outside"),
    [
        # en: 10% of non-space characters in runs of 5+.
        ("en", "a" * 5 + "".join(WORDS)[:45], "a" * 5 + "".join(WORDS)[:44]),
        # zh: 5%.
        ("zh", "哈" * 5 + "".join(ZH[:95]), "哈" * 5 + "".join(ZH[:94])),
    ],
)
def test_character_runs(rules: str, inside: str, outside: str) -> None:
    key = "zh_max_run_ratio" if rules == "zh" else "max_run_ratio"
    default = getattr(CharRepetitionParams(), key)
    out = char_rep([inside, outside], rules, **{key: default})
    assert out["char_run_ratio"][1] > default >= out["char_run_ratio"][0]
    assert out[REASON].to_list() == [None, "char_runs"]


def test_character_runs_ignore_spaces_and_short_runs() -> None:
    out = char_rep(["aaaa bbbb" + " " * 20 + "cdefgh"], "en")
    assert out["char_run_ratio"][0] == 0.0


def _reference(text: str, n: int = 10, min_run: int = 5) -> tuple[float, float]:
    """The two measures in plain Python: ROOTS' ratio, and the run share with spaces skipped."""
    from collections import Counter
    from itertools import groupby
    from math import floor, sqrt

    from curate.ops.filters.char_repetition import SEPARATORS, SPACES

    grams = Counter(text[i:i + n] for i in range(len(text) - n + 1))
    positions = sum(grams.values())
    repeated = sorted((c for c in grams.values() if c > 1), reverse=True)
    k = min(floor(sqrt(len(grams))), len(repeated))
    rep = sum(repeated[:k]) / positions if positions else 0.0
    chars = [c for c in text if c not in SPACES]
    runs = [len(list(g)) for c, g in groupby(chars) if c not in SEPARATORS]
    inside = sum(r for r in runs if r >= min_run)
    return rep, inside / len(chars) if chars else 0.0


@pytest.mark.parametrize("text", [
    "", "ab" * 50, "a a a a a b", "-----=====……", "哈哈哈哈哈，好的好的好的好的好的好的好的好的",
    "The cat sat on the mat. The cat sat on the mat. The dog did not.", "😀" * 12 + "e\u0301" * 8,
])
def test_char_repetition_measures_equal_their_plain_definitions(text: str) -> None:
    out = char_rep([text], "en")
    assert (out["char_rep_ratio"][0], out["char_run_ratio"][0]) == pytest.approx(_reference(text))
