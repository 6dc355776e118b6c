"""Cleaners: each rewrites `text` and records what it changed."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from curate.ops import REGISTRY
from curate.ops.clean.pii import valid_cn_id
from curate.params import build


def clean(name: str, texts: list[str | None], **params: Any) -> pl.DataFrame:
    cls = REGISTRY[name]
    op = cls(build(cls.Params, params, name))
    return op.transform(pl.DataFrame({"text": texts}, schema={"text": pl.String}))


def test_clean_html_strips_markup_scripts_and_chrome() -> None:
    page = (
        '<html><head><title>T</title><style>p{color:red}</style></head><body>'
        "<nav>Home | About</nav><!-- ad --><p>Hello&nbsp;world &amp; friends</p>"
        "<script>var x = 1;</script><div>Second <b>line</b></div>"
        "<footer>© 2024 Site</footer></body></html>"
    )
    out = clean("clean_html", [page, "a < b and c > d", None])
    assert out["text"].to_list() == ["Hello world & friends\n\nSecond line",
                                      "a < b and c > d", None]
    assert out["html_chars_removed"][0] == len(page) - len("Hello world & friends\n\nSecond line")
    assert out["html_chars_removed"][1:].to_list() == [0, 0]


def test_clean_html_chinese_entities() -> None:
    out = clean("clean_html", ["<p>&ldquo;你好&rdquo;，世界</p><br/><p>第二段</p>"])
    assert out["text"][0] == "“你好”，世界\n\n第二段"


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("åŒ—äº¬å¸‚çš„å¤©æ°”", "北京市的天气"),  # UTF-8 read as cp1252
        ("CafÃ© crÃ¨me", "Café crème"),
        ("\u00e5\u008c\u0097\u00e4\u00ba\u00ac", "北京"),  # UTF-8 read as Latin-1
    ],
)
def test_fix_unicode_repairs_mojibake(broken: str, fixed: str) -> None:
    out = clean("fix_unicode", [broken, "plain “quotes” — café 你好"])
    assert out["text"].to_list() == [fixed, "plain “quotes” — café 你好"]
    assert out["unicode_fixed"].to_list() == [True, False]


def test_normalize_punctuation_by_language() -> None:
    out = clean("normalize_punctuation", [
        "你好,世界!今天(星期一)天气很好.", "Hello，world！ＡＢＣ１２３ ok。", "价格是3,500元,很贵",
    ])
    assert out["text"].to_list() == [
        "你好，世界！今天（星期一）天气很好。", "Hello, world! ABC123 ok.", "价格是3,500元，很贵",
    ]
    assert out["punct_normalized"].to_list() == [5, 9, 1]


def test_remove_urls_and_emails() -> None:
    out = clean("remove_urls", [
        "详见https://example.com/a?b=1。谢谢", "Mail me@x.io or visit www.example.org/page, ok",
    ])
    assert out["text"].to_list() == ["详见。谢谢", "Mail or visit , ok"]
    assert out["urls_removed"].to_list() == [1, 1]
    assert out["emails_removed"].to_list() == [0, 1]


def test_mask_pii() -> None:
    out = clean("mask_pii", [
        "联系电话13800138000或010-12345678，邮箱zhang.san@example.com，身份证号11010519491231002X。",
        "Call +1 415-555-0134 or (212) 555-0199. Server 192.168.1.20, 2001:db8::1. Version 1.2.3.",
        "编号110105194912310021不是身份证（校验位不对），订单号2024010112345678。",
    ])
    assert out["text"].to_list() == [
        "联系电话[PHONE]或[PHONE]，邮箱[EMAIL]，身份证号[ID]。",
        "Call [PHONE] or [PHONE]. Server [IP], [IP]. Version 1.2.3.",
        "编号110105194912310021不是身份证（校验位不对），订单号2024010112345678。",
    ]
    assert out.select("pii_emails", "pii_phones", "pii_id_cards", "pii_ips").rows() == [
        (1, 2, 1, 0), (0, 2, 0, 2), (0, 0, 0, 0),
    ]


def test_chinese_id_checksum() -> None:
    assert valid_cn_id("11010519491231002X")
    assert not valid_cn_id("110105194912310021")


def test_remove_repeated_lines_keeps_first_copies_and_blank_lines() -> None:
    out = clean("remove_repeated_lines", ["a\nb\n a \n\n\nb\nc", "点赞\n正文。\n点赞\n点赞"])
    assert out["text"].to_list() == ["a\nb\n\n\nc", "点赞\n正文。"]
    assert out["repeated_lines_removed"].to_list() == [2, 2]


def test_remove_boilerplate_lines() -> None:
    en = ("Title\nWe use cookies to improve your experience.\nThe body of the article.\n"
          "Read more »\n© 2024 Acme. All rights reserved.")
    zh = ("新闻标题\n正文内容。\n上一篇：某某新闻\n版权所有 © 2008-2024 新闻网 保留所有权利\n"
          "京ICP备12345678号")
    long_line = "This long paragraph mentions that the site uses cookies " + "and more " * 30
    out = clean("remove_boilerplate_lines", [en, zh, long_line])
    assert out["text"].to_list() == ["Title\nThe body of the article.", "新闻标题\n正文内容。",
                                      long_line]
    assert out["boilerplate_lines_removed"].to_list() == [3, 3, 0]


def test_cleaners_declare_their_signals() -> None:
    for name in ("clean_html", "fix_unicode", "normalize_punctuation", "remove_urls", "mask_pii",
                 "remove_repeated_lines", "remove_boilerplate_lines"):
        out = clean(name, ["x"])
        assert set(REGISTRY[name].signals) <= set(out.columns), name
