"""The augmentation methods, one Chinese and one English document, a fixed random source."""

from __future__ import annotations

import random

import pytest

from curate.ops.augment.methods import BY_NAME, parse_documents

EN = ("The team won the match. Fans cheered loudly in the stadium!\n\n"
      "The coach praised the players. They play again in 2 weeks.")
ZH = ("球队赢得了比赛，很精彩。球迷在体育场里大声欢呼！\n\n"
      "例1：解方程 x^2 - 5x - 36 = 0。下周他们再次比赛。")
NEIGHBOURS = {"team": ["squad"], "match": ["game"], "players": ["athletes"], "比赛": ["赛事"],
              "球队": ["队伍"], "球迷": ["观众"]}
STOP = frozenset({"the", "in"})

EXPECTED = {
    (EN, "synonym"): "The team won the game. Fans cheered loudly in the stadium!\n\n"
                     "The coach praised the athletes. They play again in 2 weeks.",
    (EN, "insert"): "The team won game game the match. Fans cheered loudly in the stadium!\n\n"
                    "The coach praised the players. They play again in 2 weeks.",
    (EN, "swap"): "The team won the match. Fans cheered loudly in the stadium!\n\n"
                  "The coach praised players the. in play again They 2 weeks.",
    (EN, "delete"): "The team the match. Fans cheered loudly in the stadium!\n\n"
                    "The coach praised the players. They play again in 2 weeks.",
    (EN, "reorder"): "Fans cheered loudly in the stadium! The team won the match.\n\n"
                     "They play again in 2 weeks. The coach praised the players.",
    (ZH, "synonym"): "球队赢得了赛事，很精彩。球迷在体育场里大声欢呼！\n\n"
                     "例1：解方程 x^2 - 5x - 36 = 0。下周他们再次赛事。",
    (ZH, "insert"): "球队赢得了比赛，很精彩。球迷在体育场里观众大声欢呼！\n\n"
                    "例1：解方程 x^2 - 5x - 36 = 0。下周他们再次赛事比赛。",
    (ZH, "swap"): "球队赢得了比赛，很精彩。球迷在体育场里大声欢呼！\n\n"
                  "例1：5x x^2 - 解方程 - 36 = 0。比赛他们再次下周。",
    (ZH, "delete"): "球队赢得了比赛，很精彩。球迷在体育场里大声欢呼！\n\n"
                    "解方程 x^2 - 5x - 36 = 0。下周他们再次比赛。",
    (ZH, "reorder"): "球迷在体育场里大声欢呼！球队赢得了比赛，很精彩。\n\n"
                     "下周他们再次比赛。例1：解方程 x^2 - 5x - 36 = 0。",
}


@pytest.mark.parametrize(("text", "method"), list(EXPECTED))
def test_each_method_on_chinese_and_english(text: str, method: str) -> None:
    doc = parse_documents([text])[0]
    assert BY_NAME[method](doc, random.Random(0), 0.1, NEIGHBOURS, STOP) == EXPECTED[text, method]


def test_documents_keep_what_lies_between_words() -> None:
    en, zh = parse_documents([EN, ZH])
    assert not zh.sentences[0].lead and zh.sentences[0].words == ["球队", "赢得", "了", "比赛",
                                                                  "很", "精彩"]
    assert zh.sentences[0].gaps == ["", "", "", "，", "", "。"]
    formula = zh.sentences[2]
    assert formula.words == ["例", "解方程", "x", "5x"]  # numbers stay with the punctuation
    assert formula.text(formula.words, formula.gaps) == "例1：解方程 x^2 - 5x - 36 = 0。"
    assert en.chinese is False and zh.chinese is True
    assert [s.paragraph for s in en.sentences] == [0, 0, 1, 1]


def test_methods_that_do_not_apply_give_none() -> None:
    doc = parse_documents(["Hello."])[0]
    for method in BY_NAME:
        assert BY_NAME[method](doc, random.Random(0), 0.1, NEIGHBOURS, STOP) is None, method
