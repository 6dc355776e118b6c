"""The `web_zh_en` recipe keeps the kinds of good prose it used to reject on real corpora:
a Traditional-Chinese paragraph, a one-line Chinese answer that trails off in "。。。", a
Chinese abstract in ASCII punctuation with one long sentence, an answer with a separator line,
an English review written as one paragraph; and still rejects what it is for."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curate.config import load_config
from curate.ops.base import REASON

RECIPE = Path(__file__).resolve().parents[2] / "pipelines" / "web_zh_en.toml"

TRADITIONAL = (
    "每年秋天，小鎮都會舉辦一場熱鬧的豐收節。來自各地的農民把自己種的蔬菜和水果擺在廣場上，"
    "遊客可以一邊品嚐當地的小吃，一邊欣賞傳統的音樂和舞蹈表演。這個節日已經有一百多年的歷史，"
    "最早是為了感謝土地帶來的收成，後來漸漸變成了全鎮居民最期待的聚會。許多在外地工作的年輕人，"
    "也會特地在這幾天回到家鄉，和家人朋友一起度過愉快的時光。"
)
ONE_LINE_ANSWER = (
    "周末在家适合做什么菜？推荐试试番茄炒蛋，做法简单又下饭，先把鸡蛋炒到半熟盛出来，再把番茄"
    "切成小块炒出汁水，最后一起翻炒，加一点糖和盐就可以了。如果家里还有青菜，顺手炒一盘，再煮一"
    "锅紫菜蛋花汤，配一碗米饭能吃得很满足，关键是不用花多少时间，洗碗也轻松。。。"
)
ABSTRACT = (
    "本文以某地区三十个灌溉试验点的观测资料为基础,采用相关分析和多元回归方法研究了灌溉定额、"
    "土壤质地和降水量对冬小麦产量的影响,结果表明在降水偏少的年份适当增加灌溉次数能够显著提高"
    "产量,而在降水充足的年份增加灌溉的效果并不明显,因此应根据当年降水情况灵活调整灌溉制度."
)
SEPARATED = (
    "应届生面试时怎样介绍自己？我的经验是先讲清楚自己学过什么、做过什么，再讲为什么想来这家"
    "单位。不要背模板，面试官听得出来。举个例子：" + "-" * 40 + "我当时说自己在学校做过两年的"
    "社团负责人，组织过几十场活动，也因此学会了和不同的人沟通，面试官就顺着这个问了很多细节。"
)
REVIEW = (
    "I bought this kettle for my office after the old one broke, and it has been a pleasant "
    "surprise. It boils a full litre in under three minutes, the lid opens with one hand, and "
    "the handle stays cool even when the water is rolling. My only complaint is that the "
    "power cord is a little short, so it has to sit close to the socket"
)
JUNK = [
    "Home\nAbout us\nProducts\nContact\nLogin\nRegister\nCart\nHelp\nSitemap\nPrivacy",
    "cheap shoes cheap shoes buy cheap shoes online cheap shoes sale cheap shoes cheap shoes "
    "buy cheap shoes online cheap shoes sale cheap shoes cheap shoes buy cheap shoes online "
    "cheap shoes sale cheap shoes cheap shoes buy now cheap shoes",
]


def rejections(texts: list[str]) -> list[str | None]:
    """The first reason the recipe's stages give each text (None: kept)."""
    config = load_config(RECIPE)
    batch = pl.DataFrame({"id": [str(i) for i in range(len(texts))], "text": texts})
    reasons: list[str | None] = [None] * len(texts)
    for stage in config.stages:
        batch = stage.operator(config).transform(batch)
        if REASON in batch.columns:
            for i, reason in enumerate(batch[REASON].to_list()):
                reasons[i] = reasons[i] or reason
            batch = batch.drop(REASON)
    return reasons


@pytest.mark.parametrize("text", [TRADITIONAL, ONE_LINE_ANSWER, ABSTRACT, SEPARATED, REVIEW],
                         ids=["traditional", "one_line_answer", "abstract", "separator",
                              "one_paragraph_review"])
def test_good_prose_passes_the_rules(text: str) -> None:
    assert rejections([text]) == [None]


def test_junk_is_still_rejected() -> None:
    assert all(reason is not None for reason in rejections(JUNK))


def test_traditional_chinese_is_measured_as_its_simplified_form() -> None:
    # jieba's dictionary is Simplified: read raw, this paragraph falls apart into 122 words of
    # 1.22 characters (the zh floor of the mean word length is 1.2); read as Simplified, 87.
    from curate.ops.filters.gopher_quality import GopherQuality
    from curate.text.variants import to_simplified

    simplified = to_simplified([TRADITIONAL])[0]
    assert simplified != TRADITIONAL
    out = GopherQuality().transform(pl.DataFrame({"text": [TRADITIONAL, simplified]}))
    for signal in ("gopher_words", "gopher_mean_word_length", "gopher_stopwords"):
        assert out[signal][0] == out[signal][1], signal
    assert out["gopher_words"][0] == 87
