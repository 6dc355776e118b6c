"""q_info and its classifier: what the classifier reads, training corpora specs, the held-out
split, `curate train quality`, training on first use, and the order the probability gives
hand-made documents."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from curate.errors import CurateError
from curate.ops.quality.training import (
    REPEATED_LINE,
    CorpusSpec,
    classifier_view,
    ensure_model,
    split_indices,
)
from tests.quality.conftest import measure
from tests.quality.documents import ORDERINGS


def test_the_classifier_reads_each_line_once_and_a_token_per_repeat() -> None:
    text = "alpha beta\ngamma\n alpha beta \n\n\ngamma\ndelta"
    assert classifier_view(text) == (
        f"alpha beta\ngamma\n{REPEATED_LINE}\n\n\n{REPEATED_LINE}\ndelta")
    assert classifier_view("abcdef\nabcdef", max_chars=8) == "abcdef\na"


def test_corpus_specs_may_keep_rows_by_a_column_value(tmp_path: Path) -> None:
    assert CorpusSpec.parse("data/sms.parquet:label=spam") == CorpusSpec(
        "data/sms.parquet", "label", "spam")
    assert CorpusSpec.parse("data/raw") == CorpusSpec("data/raw")
    odd = tmp_path / "a:b=c.parquet"  # an existing path is a path, whatever it looks like
    pl.DataFrame({"text": ["x"]}).write_parquet(odd)
    assert CorpusSpec.parse(str(odd)) == CorpusSpec(str(odd))

    pl.DataFrame({"text": ["win cash", "hi mum", None, "  ", "free prize"],
                  "label": ["spam", "ham", "spam", "spam", "spam"]}
                 ).write_parquet(tmp_path / "sms.parquet")
    spam = CorpusSpec.parse(f"{tmp_path / 'sms.parquet'}:label=spam")
    assert spam.texts() == ["win cash", "free prize"]
    with pytest.raises(CurateError, match="no non-empty texts"):
        CorpusSpec.parse(f"{tmp_path / 'sms.parquet'}:label=nothing").texts()


def test_the_held_out_split_is_stratified_and_seeded() -> None:
    labels = ["high"] * 10 + ["low"] * 5
    train, test = split_indices(labels, 0.2, seed=7)
    assert sorted([*train, *test]) == list(range(15))
    assert [labels[i] for i in test].count("high") == 2
    assert [labels[i] for i in test].count("low") == 1
    again = split_indices(labels, 0.2, seed=7)
    assert (again[0] == train).all() and (again[1] == test).all()
    assert len(split_indices(labels, 0.0, seed=7)[1]) == 0


def test_train_quality_writes_a_report_with_held_out_metrics(quality_model: Path) -> None:
    report = json.loads(quality_model.with_suffix(".json").read_text())
    assert report["labels"] == {"positive": "high", "negative": "low"}
    # 600 evaluation + 2,520 clean reserve documents; a fifth of each class held out.
    assert report["train_rows"]["high"] + report["heldout_rows"]["high"] == 3120
    assert report["heldout_rows"]["high"] == 624
    assert set(report["metrics"]) >= {"precision", "recall", "f1", "roc_auc"}
    assert report["metrics"]["roc_auc"] > 0.95
    assert report["options"]["buckets"] == 65536 and report["seed"] == 0


def test_train_quality_reports_its_figures(tmp_path: Path, cli: Callable[[list[str]], int],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    pos, neg = toy_corpora(tmp_path)
    code = cli(["train", "quality", "--positive", str(pos), "--negative", str(neg), "--out",
                str(tmp_path / "m.bin"), "--buckets", "100000"])
    out = capsys.readouterr().out
    assert code == 0
    assert "precision" in out and "recall" in out and "F1" in out and "ROC-AUC" in out
    assert (tmp_path / "m.bin").is_file() and (tmp_path / "m.json").is_file()


def test_train_quality_names_a_missing_corpus(tmp_path: Path, cli: Callable[[list[str]], int],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = cli(["train", "quality", "--positive", str(tmp_path / "none"), "--negative",
                str(tmp_path / "none"), "--out", str(tmp_path / "m.bin")])
    assert code == 2
    assert "none" in capsys.readouterr().err


def toy_corpora(folder: Path) -> tuple[Path, Path]:
    """Separable toy corpora: news-like sentences vs spam-like ones, 60 each."""
    rng = random.Random(0)
    good = ["the council approved the plan", "prices rose in march", "the team won the match",
            "市政府批准了计划", "研究人员发表了论文"]
    bad = ["win cash now", "free prize click here", "cheap pills online",
           "加微信日赚千元", "点击领取免费彩金"]
    for name, pool in (("pos.parquet", good), ("neg.parquet", bad)):
        texts = [" ".join(rng.choice(pool) for _ in range(4)) for _ in range(60)]
        pl.DataFrame({"text": texts}).write_parquet(folder / name)
    return folder / "pos.parquet", folder / "neg.parquet"


def test_a_missing_model_is_trained_once_then_reused(tmp_path: Path) -> None:
    toy_corpora(tmp_path)
    model = tmp_path / "models" / "q.bin"
    made = ensure_model(model, [CorpusSpec("pos.parquet")], [CorpusSpec("neg.parquet")],
                        seed=0, max_chars=2000, base=tmp_path)
    assert made == model and model.is_file() and model.with_suffix(".json").is_file()
    stamp = model.stat().st_mtime_ns
    ensure_model(model, [CorpusSpec("pos.parquet")], [CorpusSpec("neg.parquet")], seed=0,
                 max_chars=2000, base=tmp_path)
    assert model.stat().st_mtime_ns == stamp


def test_a_missing_model_without_training_corpora_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CurateError, match="no such model file"):
        ensure_model(tmp_path / "q.bin", [], [], seed=0, max_chars=2000, base=tmp_path)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_q_info_orders_the_hand_made_documents(lang: str, quality_model: Path) -> None:
    for better, worse in ORDERINGS[lang]:
        scores = measure([better, worse], model=str(quality_model))["q_info"].to_list()
        assert scores[0] > scores[1], (better[:40], worse[:40], scores)
