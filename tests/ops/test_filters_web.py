"""`c4_rules` and `fineweb_rules`: documents just inside and just outside each threshold, in
English and in Chinese."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from curate.ops.base import REASON
from curate.ops.filters.c4_rules import C4Rules, C4RulesParams
from curate.ops.filters.fineweb_rules import FinewebRules, FinewebRulesParams

EN_SENTENCE = "The new bridge opened to traffic on Saturday morning."  # 9 words
ZH_SENTENCE = "新建的跨江大桥于本周六上午正式通车。"  # 17 characters


def c4(texts: list[str], **params: Any) -> pl.DataFrame:
    return C4Rules(C4RulesParams(**params)).transform(pl.DataFrame({"text": texts}))


def fineweb(texts: list[str], **params: Any) -> pl.DataFrame:
    return FinewebRules(FinewebRulesParams(**params)).transform(pl.DataFrame({"text": texts}))


# ---------------------------------------------------------------------------------------- C4


@pytest.mark.parametrize(("rules", "sentence"), [("en", EN_SENTENCE), ("zh", ZH_SENTENCE)])
def test_c4_needs_three_sentences(rules: str, sentence: str) -> None:
    out = c4(["\n".join([sentence] * 3), "\n".join([sentence] * 2)], rules=rules)
    assert out["c4_sentences"].to_list() == [3, 2]
    assert out[REASON].to_list() == [None, "too_few_sentences"]


def test_c4_keeps_only_punctuated_lines_of_five_words() -> None:
    text = "\n".join([
        "Breaking news",  # no terminal punctuation
        "Four words only here.",  # 4 words
        "Five words are right here.",  # 5 words: kept
        EN_SENTENCE, EN_SENTENCE,
        "He said “we will be back.”",  # closing quote after the period
    ])
    out = c4([text])
    assert out["text"][0] == "\n".join([
        "Five words are right here.", EN_SENTENCE, EN_SENTENCE, "He said “we will be back.”"
    ])
    assert out["c4_lines_removed"][0] == 2
    assert out[REASON][0] is None


def test_c4_drops_a_line_ending_in_an_ellipsis_and_counts_no_sentence_in_an_abbreviation(
        ) -> None:
    text = "\n".join([
        "Read the rest of this story and more at our site...",  # an ellipsis: unfinished
        "Charles O. Prince was named as Mr. Weill's successor at Citigroup Inc. today.",
        EN_SENTENCE, EN_SENTENCE,
    ])
    out = c4([text])
    assert out["text"][0] == "\n".join(text.split("\n")[1:])
    assert out["c4_sentences"][0] == 3
    assert out[REASON][0] is None


def test_c4_chinese_lines_count_characters_and_whole_sentences() -> None:
    text = "\n".join([
        "新闻标题没有标点",  # no punctuation at all
        "短句子。",  # 3 characters: under 8
        "八个字的句子好了。",  # 8 characters: kept
        "这一行包含完整的句子。但结尾没有",  # holds a whole sentence: kept
        ZH_SENTENCE,
    ])
    out = c4([text], rules="zh")
    assert out["text"][0].split("\n") == [
        "八个字的句子好了。", "这一行包含完整的句子。但结尾没有", ZH_SENTENCE
    ]


def test_c4_drops_javascript_and_policy_lines() -> None:
    body = [EN_SENTENCE] * 3
    text = "\n".join([*body, "Please enable JavaScript to view the comments.",
                      "By using this site you agree to our Privacy Policy.",
                      "本网站使用cookie以改善您的浏览体验。"])
    out = c4([text])
    assert out["text"][0] == "\n".join(body)
    assert out["c4_lines_removed"][0] == 3


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (f"{EN_SENTENCE}\n" * 3 + "Lorem ipsum dolor sit amet, consectetur.", "lorem_ipsum"),
        (f"{EN_SENTENCE}\n" * 3 + "function f() { return 1; }", "curly_bracket"),
        (f"{ZH_SENTENCE}\n" * 3 + "代码示例：if (x) { y(); }", "curly_bracket"),
        (f"{EN_SENTENCE}\n" * 3, None),
    ],
)
def test_c4_page_rules(text: str, reason: str | None) -> None:
    assert c4([text])[REASON][0] == reason


def test_c4_page_rules_can_be_switched_off_and_text_left_alone() -> None:
    text = f"{EN_SENTENCE}\n" * 3 + "x = {1: 2}\nnav"
    out = c4([text], curly_bracket=False, remove_lines=False)
    assert out[REASON][0] is None
    assert out["text"][0] == text
    assert out["c4_curly_bracket"][0] is True


def test_c4_rejected_rows_keep_their_original_text() -> None:
    text = "Short line\nLorem ipsum dolor sit amet is placeholder text."
    assert c4([text])["text"][0] == text


# ----------------------------------------------------------------------------------- FineWeb

FW_OFF: dict[str, Any] = dict(
    min_line_punct_ratio=-1.0, max_short_line_ratio=2.0, max_dup_line_char_ratio=2.0,
    max_newline_ratio=1e9, zh_min_line_punct_ratio=-1.0, zh_max_short_line_ratio=2.0,
)
DEFAULT_FW = FinewebRulesParams()


def fw_rule(text: str, rules: str, key: str) -> tuple[str | None, dict]:
    params = {**FW_OFF, key: getattr(DEFAULT_FW, key), "rules": rules}
    out = fineweb([text], **params)
    return out[REASON][0], out.row(0, named=True)


def lines_with_punct(k: int, n: int, sentence: str, bare: str) -> str:
    return "\n".join([sentence] * k + [bare] * (n - k))


@pytest.mark.parametrize(
    ("rules", "key", "inside", "outside", "reason", "signal", "values"),
    [
        # FineWeb: reject when at most 12% of lines end in punctuation (13 of 100 > 0.12).
        ("en", "min_line_punct_ratio",
         lines_with_punct(13, 100, EN_SENTENCE, "Home page menu item link"),
         lines_with_punct(12, 100, EN_SENTENCE, "Home page menu item link"),
         "line_punct_ratio", "fw_line_punct_ratio", (0.13, 0.12)),
        # zh (calibrated; lines holding a sentence count): at most 45% -> rejected.
        ("zh", "zh_min_line_punct_ratio",
         lines_with_punct(46, 100, ZH_SENTENCE, "首页 新闻中心 正文内容"),
         lines_with_punct(45, 100, ZH_SENTENCE, "首页 新闻中心 正文内容"),
         "line_punct_ratio", "fw_line_punct_ratio", (0.46, 0.45)),
        # FineWeb: reject when at least 67% of lines have at most 30 characters.
        ("en", "max_short_line_ratio",
         "\n".join(["x" * 30] * 66 + ["y" * 31] * 34),
         "\n".join(["x" * 30] * 67 + ["y" * 31] * 33),
         "short_line_ratio", "fw_short_line_ratio", (0.66, 0.67)),
        # zh (calibrated): at least 30% of lines with at most 15 characters -> rejected.
        ("zh", "zh_max_short_line_ratio",
         "\n".join(["短" * 15] * 29 + ["长" * 16] * 71),
         "\n".join(["短" * 15] * 30 + ["长" * 16] * 70),
         "short_line_ratio", "fw_short_line_ratio", (0.29, 0.30)),
        # FineWeb: reject when at least 10% of characters are in repeated lines.
        ("en", "max_dup_line_char_ratio",
         "\n".join([f"line {i:05d}" for i in range(91)] + ["line 00000"] * 9),
         "\n".join([f"line {i:05d}" for i in range(90)] + ["line 00000"] * 10),
         "dup_line_char_ratio", "fw_dup_line_char_ratio", (0.09, 0.1)),
        ("zh", "max_dup_line_char_ratio",
         "\n".join([f"第{i:05d}行" for i in range(91)] + ["第00000行"] * 9),
         "\n".join([f"第{i:05d}行" for i in range(90)] + ["第00000行"] * 10),
         "dup_line_char_ratio", "fw_dup_line_char_ratio", (0.09, 0.1)),
        # datatrove: reject when newlines per word exceed 0.3.
        ("en", "max_newline_ratio", "\n".join(["one two three"] * 3) + "\nfour",
         "\n".join(["one two three"] * 3) + "\nfour\n",
         "newline_ratio", "fw_newline_ratio", (0.3, 0.4)),
        ("zh", "max_newline_ratio", "\n".join(["一二三"] * 3) + "\n四",
         "\n".join(["一二三"] * 3) + "\n四\n", "newline_ratio", "fw_newline_ratio", (0.3, 0.4)),
    ],
)
def test_fineweb_rule(rules: str, key: str, inside: str, outside: str, reason: str,
                      signal: str, values: tuple[float, float]) -> None:
    got_in, row_in = fw_rule(inside, rules, key)
    got_out, row_out = fw_rule(outside, rules, key)
    assert (row_in[signal], row_out[signal]) == pytest.approx(values)
    assert got_in is None
    assert got_out == reason


def test_fineweb_ignores_code_blocks_and_blank_lines() -> None:
    prose = "\n\n".join(f"{EN_SENTENCE[:-1]} number {i}." for i in range(4))
    code = "```python\n" + "x = 1\n" * 20 + "```"
    out = fineweb([prose + "\n\n" + code])
    assert out["fw_line_punct_ratio"][0] == 1.0
    assert out[REASON][0] is None


def test_fineweb_zh_line_holding_a_sentence_counts_as_punctuated() -> None:
    text = "这是一段很长的中文段落。它在页面抽取时被截断了，所以结尾没有"
    out = fineweb([text], rules="zh", min_lines=1)
    assert out["fw_line_punct_ratio"][0] == 1.0
    assert fineweb([text], rules="en", min_lines=1)["fw_line_punct_ratio"][0] == 0.0


def test_fineweb_line_holding_a_sentence_counts_as_punctuated_in_english_too() -> None:
    # A one-paragraph review, cut off at the end: its one line holds two sentences.
    text = "Great little phone. The battery lasts two days and the screen is"
    assert fineweb([text], rules="en", min_lines=1)["fw_line_punct_ratio"][0] == 1.0


def test_fineweb_line_shares_need_three_lines() -> None:
    # One or two lines say nothing about a page's layout: not measured, not rejected.
    short = "Title without a stop\nand a body without one either"
    page = "Home\nAbout us\nContact\nShop"
    out = fineweb([short, page], rules="en")
    assert out["fw_line_punct_ratio"].to_list() == [None, 0.0]
    assert out["fw_short_line_ratio"].to_list() == [None, 1.0]
    assert out[REASON].to_list() == [None, "line_punct_ratio"]
