"""`normalize`: each rewrite on a tiny document."""

from __future__ import annotations

import polars as pl
import pytest

from curate.ops.clean.normalize import Normalize, NormalizeParams


def norm(text: str | None, **params: object) -> str | None:
    out = Normalize(NormalizeParams(**params)).transform(pl.DataFrame({"text": [text]},
                                                                      schema={"text": pl.String}))
    return out["text"][0]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<div><p>Hello <b>world</b></p></div>", "Hello world"),
        ("a &amp; b &lt;c&gt; &#26085;&#x672C;", "a & b <c> 日本"),
        ("<script>var x = 1;</script>Text<!-- hidden -->", "Text"),
        ("if a < b and c > d", "if a < b and c > d"),
        ("CafÃ© dÃ©jÃ  vu", "Café déjà vu"),
        ("ä¸­æ–‡æµ‹è¯•", "中文测试"),
        ("ｆｕｌｌ　ｗｉｄｔｈ１２３", "full width123"),
        ("你好，世界！真的？（是）", "你好，世界！真的？（是）"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("  many   spaces \t here  \n\n\n\n\nnext  ", "many spaces here\n\nnext"),
    ],
)
def test_rewrites(raw: str, clean: str) -> None:
    assert norm(raw) == clean


def test_switches_turn_rewrites_off() -> None:
    assert norm("<b>x</b>", strip_html=False) == "<b>x</b>"
    assert norm("ｆｕｌｌ", form="none") == "ｆｕｌｌ"
    assert norm("a  b", whitespace=False) == "a  b"
    assert norm("你好，世界！", keep_cjk_punctuation=False) == "你好,世界!"


def test_records_characters_removed_and_keeps_nulls() -> None:
    df = pl.DataFrame({"text": ["<b>ab</b>", None]})
    out = Normalize().transform(df)
    assert out["text"].to_list() == ["ab", None]
    assert out["normalize_chars_removed"].to_list() == [7, None]
