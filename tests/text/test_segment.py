"""jieba segmentation (loaded once per process) and the `segment` annotator."""

from __future__ import annotations

import numpy as np
import polars as pl

from curate.ops.segment import Segment, SegmentParams
from curate.text import jieba_words, pos_tag_zh, segment_zh
from curate.text import segment as segment_module


def test_jieba_words_drop_punctuation_and_spaces() -> None:
    assert jieba_words("我们在北京大学学习，天气很好！") == [
        "我们", "在", "北京大学", "学习", "天气", "很", "好"
    ]
    assert segment_zh(["经济发展。", ""]) == [["经济", "发展"], []]


def test_jieba_is_loaded_once() -> None:
    segment_zh(["你好"])
    first = segment_module._JIEBA
    segment_zh(["世界"])
    assert segment_module._JIEBA is first


def test_pos_tags() -> None:
    assert pos_tag_zh(["李明在上海工作。"]) == [[("李明", "nr"), ("在", "p"), ("上海", "ns"),
                                              ("工作", "vn")]]


def test_segment_annotator() -> None:
    frame = pl.DataFrame(
        {"text": ["李明在北京大学工作，他昨天去了上海。", "John lives in London.", None]}
    )
    out = Segment().transform(frame)
    assert out["words"].to_list() == [
        ["李明", "在", "北京大学", "工作", "他", "昨天", "去", "了", "上海"],
        ["John", "lives", "in", "London"],
        [],
    ]
    assert out["pos_tags"][0].to_list()[0] == "nr"
    assert out["persons"].to_list() == [["李明"], None, None]
    assert out["places"].to_list() == [["上海"], None, None]
    assert out["organizations"].to_list() == [["北京大学"], None, None]


def test_segment_without_pos() -> None:
    out = Segment(SegmentParams(pos=False, lowercase=True)).transform(
        pl.DataFrame({"text": ["经济发展", "Hello World"]})
    )
    assert out["words"].to_list() == [["经济", "发展"], ["hello", "world"]]
    assert out["pos_tags"].to_list() == [None, None]


def test_compiled_zh_word_counts_equal_jieba() -> None:
    from curate.text.zh_count import zh_word_counts

    texts = [
        "我们在北京大学学习，天气很好！", "iPhone15发布了，售价5999元。ABC公司CEO说：“很好”。",
        "２０２４年，Ⅱ期工程。", "", "  \n", "中华人民共和国成立于1949年10月1日。", "哈哈哈哈哈哈",
        "C++和C#是编程语言，3.14是圆周率，100%正确。", "ㄅㄆㄇ注音符号与日本語のテキスト",
    ]
    stop = ["的", "了", "是", "和", "我们"]
    fast = zh_word_counts(texts, stop)
    slow = _jieba_counts(texts, frozenset(stop))
    for got, want in zip(fast, slow.T, strict=True):
        assert got.tolist() == want.tolist()
    assert fast[0].tolist()[0] == len(jieba_words(texts[0]))


MIXED = [
    "我们在北京大学学习，天气很好！", "iPhone15发布了，售价5999元。ABC公司CEO说：“很好”。",
    "２０２４年，Ⅱ期工程。", "", "  \n", "中华人民共和国成立于1949年10月1日。", "哈哈哈哈哈哈",
    "C++和C#是编程语言，3.14是圆周率，100%正确。", "ㄅㄆㄇ注音符号与日本語のテキスト",
    "e-mail: a_b@c.com，网址 www.example.cn/path?q=1", "結婚的和尚未結婚的", "𠀀𠀁生僻字",
]


def test_compiled_cut_gives_jiebas_words() -> None:
    from curate.text import zh_cut

    tokenizer, _ = segment_module._load()
    want = [" ".join(w for w in tokenizer.cut(t, HMM=False) if segment_module._WORDLIKE.search(w))
            for t in MIXED]
    assert zh_cut.words_lines(MIXED) == want
    assert segment_zh(MIXED) == [line.split(" ") if line else [] for line in want]


def test_compiled_cut_in_small_chunks_gives_the_same_words(monkeypatch) -> None:
    from curate.text import zh_cut

    whole = zh_cut.words_lines(MIXED)
    monkeypatch.setattr(zh_cut, "CHUNK_CHARS", 7)
    assert zh_cut.words_lines(MIXED) == whole
    assert zh_cut.words_lines([]) == []


def test_token_bounds_are_jiebas() -> None:
    from curate.text.segment import token_bounds

    tokenizer, _ = segment_module._load()
    for text in MIXED:
        want = {i for _, s, e in tokenizer.tokenize(text, HMM=False) for i in (s, e)}
        assert token_bounds(text) == want


def _jieba_counts(texts: list[str], stop: frozenset[str]) -> np.ndarray:
    """(words, characters in words, words holding a letter, stop words) of each text by
    jieba itself: the definition the compiled counts follow."""
    import re

    tokenizer, _ = segment_module._load()
    letter = re.compile(r"[^\W\d_]").search
    rows = []
    for text in texts:
        ws = [w for w in tokenizer.cut(text, HMM=False) if segment_module._WORDLIKE.search(w)]
        rows.append((len(ws), sum(map(len, ws)), sum(1 for w in ws if letter(w)),
                     sum(1 for w in ws if w in stop)))
    return np.array(rows, dtype=np.int64).reshape(len(texts), 4)
