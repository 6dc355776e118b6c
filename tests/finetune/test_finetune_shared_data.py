"""Real-data runs on ../shared/data (slow; skipped when the data is absent).

Prints accuracy, macro-F1 and examples/s for each setting:
- AG News (test split, 7,600 English news) in stratified halves, LoRA on the default backbone;
- THUCNews titles (Chinese), dev to train and test to evaluate, with the fastText backend
  and with LoRA + extend_vocab on the default (English) backbone.
"""

import os
from pathlib import Path

import polars as pl
import pytest

from finetune.ablation import train_single
from finetune.config import FinetuneConfig
from finetune.data import load_examples, stratified_split

SHARED = Path(
    os.environ.get("CURATE_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")
)
AG_NEWS = SHARED / "ag_news_test"
THUCNEWS = SHARED / "thucnews_titles"

pytestmark = pytest.mark.slow


def _report(name: str, metrics: dict) -> None:
    run = metrics["run"]
    unk = metrics["unk_rate"]
    print(
        f"\n{name}: accuracy {run['accuracy']:.4f}  macro-F1 {run['macro_f1']:.4f}  "
        f"train {run['examples']} examples in {run['train_seconds']:.1f} s "
        f"({run['train_examples_per_s']:.1f} examples/s)  "
        f"predict {run['predict_examples_per_s']:.1f} examples/s  device {metrics['device']}"
        + (
            f"  [UNK] {unk['before']:.3f} -> {unk['after']:.3f} (+{unk['added_tokens']})"
            if unk
            else ""
        )
    )


@pytest.fixture(scope="module")
def ag_news_halves(tmp_path_factory) -> tuple[Path, Path]:
    if not (AG_NEWS / "ag_news_test.parquet").is_file():
        pytest.skip(f"{AG_NEWS} not found")
    examples = load_examples(AG_NEWS / "ag_news_test.parquet")
    train, evaluation = stratified_split(examples, 0.5, seed=0)
    folder = tmp_path_factory.mktemp("ag_news")
    for name, part in (("train", train), ("eval", evaluation)):
        pl.DataFrame({"text": part.texts, "label": part.labels}).write_parquet(
            folder / f"{name}.parquet"
        )
    return folder / "train.parquet", folder / "eval.parquet"


@pytest.fixture(scope="module")
def thucnews_splits(tmp_path_factory) -> tuple[Path, Path]:
    if not (THUCNEWS / "thucnews_titles.parquet").is_file():
        pytest.skip(f"{THUCNEWS} not found")
    df = pl.read_parquet(THUCNEWS / "thucnews_titles.parquet")
    folder = tmp_path_factory.mktemp("thucnews")
    for split in ("dev", "test"):
        df.filter(pl.col("split") == split).write_parquet(folder / f"{split}.parquet")
    return folder / "dev.parquet", folder / "test.parquet"


def test_ag_news_lora_default_backbone(ag_news_halves, tmp_path):
    train, evaluation = ag_news_halves
    cfg = FinetuneConfig(
        eval_path=str(evaluation),
        epochs=1,
        batch_size=16,
        lr=1e-3,
        max_length=64,
        predict_batch_size=128,
    )
    metrics = train_single(cfg, train, tmp_path / "model", seed=0, progress=False)
    _report("ag_news LoRA all-MiniLM-L6-v2", metrics)
    assert metrics["run"]["accuracy"] > 0.7  # 4 classes: chance is 0.25


def test_thucnews_fasttext(thucnews_splits, tmp_path):
    train, evaluation = thucnews_splits
    cfg = FinetuneConfig(backend="fasttext", eval_path=str(evaluation))
    metrics = train_single(cfg, train, tmp_path / "model", seed=0, progress=False)
    _report("thucnews fastText", metrics)
    assert metrics["run"]["accuracy"] > 0.7  # 10 classes: chance is 0.1


def test_thucnews_lora_extend_vocab(thucnews_splits, tmp_path):
    train, evaluation = thucnews_splits
    cfg = FinetuneConfig(
        eval_path=str(evaluation),
        tables={"lora": {"extend_vocab": True}},
        epochs=1,
        batch_size=16,
        lr=1e-3,
        max_length=48,
        predict_batch_size=128,
    )
    metrics = train_single(cfg, train, tmp_path / "model", seed=0, progress=False)
    _report("thucnews LoRA + extend_vocab all-MiniLM-L6-v2", metrics)
    assert metrics["unk_rate"]["after"] < 0.01 < 0.5 < metrics["unk_rate"]["before"]
    assert metrics["run"]["accuracy"] > 0.5
