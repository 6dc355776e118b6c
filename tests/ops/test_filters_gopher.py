"""`gopher_quality` and `gopher_repetition`: for every rule, a tiny document just inside and one
just outside the default threshold, in English and in Chinese. The other rules of the operator
are made permissive so that each test looks at one rule only."""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest

from curate.ops.base import REASON
from curate.ops.filters.gopher_quality import GopherQuality, GopherQualityParams
from curate.ops.filters.gopher_repetition import GopherRepetition, GopherRepetitionParams

QUALITY_OFF: dict[str, Any] = dict(
    min_words=0, max_words=10**9, min_mean_word_length=0.0, max_mean_word_length=1e9,
    max_symbol_word_ratio=1e9, max_bullet_lines_ratio=1.0, max_ellipsis_lines_ratio=1.0,
    min_alpha_words_ratio=0.0, min_stopwords=0, zh_min_words=0, zh_max_words=10**9,
    zh_min_mean_word_length=0.0, zh_max_mean_word_length=1e9, zh_min_alpha_words_ratio=0.0,
    zh_min_stopwords=0, zh_min_cjk_ratio=0.0,
)
DEFAULT_QUALITY = GopherQualityParams()

EN3 = "cat dog sun sky red big old new hat cup".split()  # ten 3-letter words
ZH1 = list("猫狗鱼山水书花树鸟云")  # single-character words jieba keeps whole
ZH2 = "经济 发展 学生 老师 城市 公司 技术 研究 电脑 手机".split()


def en(n: int, words: list[str] = EN3) -> list[str]:
    return [words[i % len(words)] for i in range(n)]


def zh_text(words: list[str]) -> str:
    """Chinese words separated by commas, so jieba returns exactly these words."""
    return "，".join(words) + "。"


def quality(text: str, rules: str, key: str, **extra: Any) -> tuple[str | None, dict]:
    params = {**QUALITY_OFF, key: getattr(DEFAULT_QUALITY, key), "rules": rules, **extra}
    out = GopherQuality(GopherQualityParams(**params)).transform(pl.DataFrame({"text": [text]}))
    return out[REASON][0], out.row(0, named=True)


@pytest.mark.parametrize(
    ("rules", "key", "inside", "outside", "reason", "signal", "values"),
    [
        # Gopher: 50 <= words <= 100,000.
        ("en", "min_words", " ".join(en(50)), " ".join(en(49)), "too_few_words",
         "gopher_words", (50, 49)),
        ("en", "max_words", " ".join(en(100_000)), " ".join(en(100_001)), "too_many_words",
         "gopher_words", (100_000, 100_001)),
        # Gopher: 3 <= mean word length <= 10.
        ("en", "min_mean_word_length", " ".join(en(50)), " ".join([*en(49), "at"]),
         "mean_word_length", "gopher_mean_word_length", (3.0, 149 / 50)),
        ("en", "max_mean_word_length", " ".join(["strawberry"] * 50),
         " ".join(["strawberry"] * 49 + ["blueberries"]), "mean_word_length",
         "gopher_mean_word_length", (10.0, 501 / 50)),
        # Gopher: at most 0.1 '#' (or ellipses) per word.
        ("en", "max_symbol_word_ratio", " ".join(en(50) + ["#"] * 5),
         " ".join(en(50) + ["#"] * 6), "symbol_ratio", "gopher_symbol_ratio", (0.1, 0.12)),
        ("en", "max_symbol_word_ratio", " ".join(en(50)) + " …" * 5,
         " ".join(en(50)) + " …" * 6, "symbol_ratio", "gopher_symbol_ratio", (0.1, 0.12)),
        # Gopher: at most 90% of lines start with a bullet, 30% end with an ellipsis.
        ("en", "max_bullet_lines_ratio", "\n".join(["- cat dog"] * 9 + ["cat dog"]),
         "\n".join(["- cat dog"] * 10), "bullet_lines", "gopher_bullet_lines_ratio", (0.9, 1.0)),
        ("en", "max_ellipsis_lines_ratio", "\n".join(["cat dog..."] * 3 + ["cat dog."] * 7),
         "\n".join(["cat dog..."] * 4 + ["cat dog."] * 6), "ellipsis_lines",
         "gopher_ellipsis_lines_ratio", (0.3, 0.4)),
        # Gopher: at least 80% of words hold a letter.
        ("en", "min_alpha_words_ratio", " ".join(en(40) + ["123"] * 10),
         " ".join(en(39) + ["123"] * 11), "alpha_words", "gopher_alpha_words_ratio", (0.8, 0.78)),
        # Gopher: at least two stop words (curate's English list: articles, pronouns,
        # prepositions, auxiliaries ...).
        ("en", "min_stopwords", "The cat and the dog", "Cats sat, dogs ran", "stopwords",
         "gopher_stopwords", (3, 0)),
        # zh: the same rules on jieba words.
        ("zh", "zh_min_words", zh_text(ZH2 * 5), zh_text(ZH2 * 5)[:-4] + "。", "too_few_words",
         "gopher_words", (50, 49)),
        ("zh", "zh_min_mean_word_length", zh_text(ZH1 * 4 + ZH2),
         zh_text([*(ZH1 * 4), *ZH2[:9], "猫"]),
         "mean_word_length", "gopher_mean_word_length", (1.2, 59 / 50)),
        ("zh", "zh_max_mean_word_length", zh_text(["北京大学", "图书馆"] * 25),
         zh_text(["北京大学", "图书馆"] * 24 + ["北京大学", "北京大学"]),
         "mean_word_length", "gopher_mean_word_length", (3.5, 3.52)),
        ("zh", "max_symbol_word_ratio", zh_text(ZH2 * 5) + " ……" * 5,
         zh_text(ZH2 * 5) + " ……" * 6, "symbol_ratio", "gopher_symbol_ratio", (0.1, 0.12)),
        ("zh", "max_bullet_lines_ratio", "\n".join(["• 经济，发展。"] * 9 + ["经济，发展。"]),
         "\n".join(["• 经济，发展。"] * 10), "bullet_lines", "gopher_bullet_lines_ratio",
         (0.9, 1.0)),
        ("zh", "max_ellipsis_lines_ratio", "\n".join(["经济发展……"] * 3 + ["经济发展。"] * 7),
         "\n".join(["经济发展……"] * 4 + ["经济发展。"] * 6), "ellipsis_lines",
         "gopher_ellipsis_lines_ratio", (0.3, 0.4)),
        ("zh", "zh_min_alpha_words_ratio", zh_text(ZH2 * 7 + ["123"] * 30),
         zh_text(ZH2 * 7 + ["123"] * 31), "alpha_words", "gopher_alpha_words_ratio",
         (0.7, 70 / 101)),
        ("zh", "zh_min_stopwords", zh_text([*ZH2, "的", "是"]), zh_text([*ZH2, "的"]),
         "stopwords", "gopher_stopwords", (2, 1)),
        ("zh", "zh_min_cjk_ratio", "经济" * 3 + "x" * 14, "经济" * 3 + "x" * 15, "cjk_ratio",
         "gopher_cjk_ratio", (0.3, 6 / 21)),
    ],
)
def test_quality_rule(rules: str, key: str, inside: str, outside: str, reason: str,
                      signal: str, values: tuple[float, float]) -> None:
    got_in, row_in = quality(inside, rules, key)
    got_out, row_out = quality(outside, rules, key)
    assert (row_in[signal], row_out[signal]) == pytest.approx(values)
    assert got_in is None
    assert got_out == reason


def test_quality_defaults_keep_prose_and_reject_fragments() -> None:
    prose = (
        "The council said that the new bridge would open to traffic with a small ceremony "
        "and that residents have been invited. Work on the crossing began two years ago and "
        "was delayed by floods, but engineers say the structure is now ready. The mayor will "
        "cut the ribbon on Saturday morning, and buses will be free for the whole weekend."
    )
    zh = (
        "市政府昨天宣布，新建的跨江大桥将于本周六正式通车。这座大桥于两年前开工建设，"
        "期间曾因洪水影响而推迟，但工程师表示桥梁结构已经完全具备通车条件。市长将在周六上午"
        "出席通车仪式，全市公交车在周末两天免费乘坐，欢迎市民前来参观。"
    )
    out = GopherQuality().transform(pl.DataFrame({"text": [prose, zh, "Click here", "点击这里"]}))
    assert out[REASON].to_list() == [None, None, "too_few_words", "too_few_words"]
    assert out["rule_lang"].to_list() == ["en", "zh", "en", "zh"]


def test_quality_routes_by_lang_column_when_present() -> None:
    frame = pl.DataFrame({"text": ["经济，发展。", "cat dog"], "lang": ["en", "zh"]})
    out = GopherQuality(GopherQualityParams(rules="auto")).transform(frame)
    assert out["rule_lang"].to_list() == ["en", "zh"]


def test_quality_skips_code_blocks() -> None:
    prose = " ".join(en(60, EN_VOCAB)) + " the of"
    text = prose + "\n```python\n" + "x = {1: 2}\n" * 30 + "```\n"
    out = GopherQuality().transform(pl.DataFrame({"text": [text]}))
    assert out["gopher_words"][0] == 62
    assert out[REASON][0] is None


# ------------------------------------------------------------------------------ repetition

REPETITION_OFF: dict[str, Any] = dict(
    max_dup_line_frac=1.0, max_dup_para_frac=1.0, max_dup_line_char_frac=1.0,
    max_dup_para_char_frac=1.0, max_top_ngram_char_frac=[1.0] * 3,
    max_dup_ngram_char_frac=[1.0] * 6, zh_max_top_ngram_char_frac=[1.0] * 3,
    zh_max_dup_ngram_char_frac=[1.0] * 6,
)
DEFAULT_REPETITION = GopherRepetitionParams()
EN_VOCAB = (
    "apple river stone cloud garden window silver forest candle mirror harbor meadow pepper "
    "violin basket lantern copper desert falcon island jacket kettle ladder marble napkin "
    "orchard pillow quartz saddle timber velvet walnut yogurt zipper anchor blossom canyon "
    "dolphin engine feather glacier hammer igloo jungle kernel lemon magnet nectar oyster"
).split()
EN4 = [w[:4] for w in EN_VOCAB]  # distinct words of four letters
ZH_VOCAB = [chr(0x4E00 + 3 * i) for i in range(400)]  # distinct ideographs


def repetition(text: str, rules: str, **params: Any) -> tuple[str | None, dict]:
    op = GopherRepetition(GopherRepetitionParams(**{**REPETITION_OFF, "rules": rules, **params}))
    out = op.transform(pl.DataFrame({"text": [text]}))
    return out[REASON][0], out.row(0, named=True)


def default(key: str) -> Any:
    return getattr(DEFAULT_REPETITION, key)


@pytest.mark.parametrize("rules", ["en", "zh"])
def test_duplicate_line_fraction(rules: str) -> None:
    vocab = EN_VOCAB if rules == "en" else ZH_VOCAB
    lines = [f"{vocab[i]} {vocab[i + 20]}" for i in range(10)]
    inside = "\n".join(lines[:7] + lines[:3])  # 3 of 10 lines repeat: 0.3
    outside = "\n".join(lines[:6] + lines[:4])  # 0.4
    key = "max_dup_line_frac"
    assert repetition(inside, rules, **{key: default(key)})[0] is None
    reason, row = repetition(outside, rules, **{key: default(key)})
    assert (reason, row["dup_line_frac"]) == ("dup_lines", 0.4)


@pytest.mark.parametrize("rules", ["en", "zh"])
def test_duplicate_paragraph_fraction_and_chars(rules: str) -> None:
    vocab = EN4 if rules == "en" else ZH_VOCAB
    paras = [vocab[i] * 4 for i in range(10)]  # ten paragraphs of equal length
    inside = "\n\n".join(paras[:8] + paras[:2])  # 2 of 10 repeat: 0.2 by count and by chars
    outside = "\n\n".join(paras[:7] + paras[:3])  # 0.3 by chars
    key = "max_dup_para_char_frac"
    assert repetition(inside, rules, **{key: default(key)})[0] is None
    reason, row = repetition(outside, rules, **{key: default(key)})
    assert reason == "dup_paragraph_chars"
    assert row["dup_para_char_frac"] == pytest.approx(0.3)
    key = "max_dup_para_frac"
    outside = "\n\n".join(paras[:6] + paras[:4])
    assert repetition(inside.replace("\n\n", "\n\n"), rules, **{key: default(key)})[0] is None
    assert repetition(outside, rules, **{key: default(key)})[0] == "dup_paragraphs"


@pytest.mark.parametrize("rules", ["en", "zh"])
def test_duplicate_line_chars(rules: str) -> None:
    vocab = EN4 if rules == "en" else ZH_VOCAB
    lines = [vocab[i] * 3 for i in range(10)]
    inside = "\n".join(lines[:8] + lines[:2])  # 2 of 10 equal-length lines repeat: 0.2
    outside = "\n".join(lines[:7] + lines[:3])
    key = "max_dup_line_char_frac"
    assert repetition(inside, rules, **{key: default(key)})[0] is None
    reason, row = repetition(outside, rules, **{key: default(key)})
    assert (reason, row["dup_line_char_frac"]) == ("dup_line_chars", pytest.approx(0.3))


def test_top_ngram_english() -> None:
    # 50 four-letter words, the 2-gram "abcd efgh" repeated: 8 chars per occurrence / 200.
    pair = ["abcd", "efgh"]

    def doc(k: int) -> str:
        rest = [f"w{i:03d}" for i in range(50 - 2 * k)]
        return " ".join(pair * k + rest)

    limit = default("max_top_ngram_char_frac")
    # 2-gram limit 0.20: 5 occurrences of 8 chars in 200 chars = 0.20 exactly.
    assert repetition(doc(5), "en", max_top_ngram_char_frac=[limit[0], 1.0, 1.0])[0] is None
    reason, row = repetition(doc(6), "en", max_top_ngram_char_frac=[limit[0], 1.0, 1.0])
    assert reason == "top_2gram"
    assert row["top_2gram_char_frac"] == pytest.approx(48 / 200)


def test_top_ngram_chinese_counts_characters() -> None:
    def doc(k: int) -> str:
        rest = ZH_VOCAB[: 100 - 2 * k]
        return "".join(["我们"] * k) + "".join(rest)

    limit = default("zh_max_top_ngram_char_frac")  # 2-gram: 0.20 of 100 characters
    params = {"zh_max_top_ngram_char_frac": [limit[0], 1.0, 1.0]}
    assert repetition(doc(10), "zh", **params)[0] is None
    reason, row = repetition(doc(11), "zh", **params)
    assert reason == "top_2gram"
    assert row["top_2gram_char_frac"] == pytest.approx(0.22)


@pytest.mark.parametrize("rules", ["en", "zh"])
def test_duplicated_ngram_fraction(rules: str) -> None:
    # A 10-token phrase, then unique tokens, then the phrase again: every token of the second
    # copy is covered by a repeated 5..10-gram.
    if rules == "en":
        phrase = EN4[:10]
        unique = [f"u{i:03d}" for i in range(200)]
        join = " ".join
        key, limits = "max_dup_ngram_char_frac", default("max_dup_ngram_char_frac")
    else:
        phrase = ZH_VOCAB[:10]
        unique = ZH_VOCAB[10:]
        join = "".join
        key, limits = "zh_max_dup_ngram_char_frac", default("zh_max_dup_ngram_char_frac")

    def doc(n_unique: int) -> str:
        return join(phrase + unique[:n_unique] + phrase)

    # dup 10-gram fraction = 10 / (20 + n_unique) tokens (all tokens equally long).
    threshold = limits[-1]
    n_in = math.ceil(10 / threshold - 1e-9) - 20  # the fewest unique tokens still inside
    assert 10 / (20 + n_in) <= threshold < 10 / (19 + n_in)
    params = {key: [1.0] * 5 + [threshold]}
    assert repetition(doc(n_in), rules, **params)[0] is None
    reason, row = repetition(doc(n_in - 1), rules, **params)
    assert reason == "dup_10gram"
    assert row["dup_10gram_char_frac"] == pytest.approx(10 / (19 + n_in))


def test_repetition_defaults_on_natural_text() -> None:
    prose = " ".join(EN_VOCAB) + ". " + " ".join(reversed(EN_VOCAB)) + "."
    spam = "\n".join(["cheap watches cheap bags buy now"] * 12)
    out = GopherRepetition().transform(pl.DataFrame({"text": [prose, spam]}))
    assert out[REASON].to_list() == [None, "dup_lines"]
