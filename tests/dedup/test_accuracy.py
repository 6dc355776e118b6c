"""Accuracy on real texts with injected near-duplicates of known edit rates (insertions,
deletions, substitutions, appended paragraphs; English and Chinese): at threshold 0.8, precision
and recall of removed documents >= 0.95 for copies whose true Jaccard is >= 0.85, and exactly one
survivor per cluster."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from bench.dedup_eval import (
    CHINESE_SOURCES,
    ENGLISH_SOURCES,
    Injection,
    drop_near_duplicates,
    inject,
    read_texts,
    score,
)
from curate.engine import run_pipeline
from tests.conftest import SHARED_DATA, make_config, read_dir


def base_texts(tmp_path: Path) -> pl.DataFrame:
    """Real English and Chinese texts (../shared/data), else the sample generator's clean
    documents; without duplicates among themselves."""
    if SHARED_DATA.is_dir():
        english = read_texts(SHARED_DATA, ENGLISH_SOURCES, min_chars=200)
        chinese = read_texts(SHARED_DATA, CHINESE_SOURCES, min_chars=100)
        texts = pl.concat([english.sample(min(1200, english.height), seed=0),
                           chinese.sample(min(1200, chinese.height), seed=0)])
    else:
        sample = pytest.importorskip("curate.sample", reason="no shared data, no generator")
        sample.generate_sample(tmp_path / "sample", n_docs=3000, seed=0, n_shards=1)
        raw = read_dir(tmp_path / "sample" / "raw")
        texts = raw.filter(pl.col("noise") == "clean").select("id", "text")
    return drop_near_duplicates(texts)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pl.DataFrame]:
    root = tmp_path_factory.mktemp("accuracy")
    truth = inject(base_texts(root), Injection(copies=600, seed=1))
    shuffled = truth.select("id", "text").sample(fraction=1.0, shuffle=True, seed=2)
    (root / "in").mkdir()
    for i in range(3):
        shuffled[i::3].write_parquet(root / "in" / f"part-{i}.parquet")
    return root, truth


@pytest.mark.parametrize(("params", "least_recall"), [
    # The defaults: recall-leaning bands (false_negative_weight 0.9), then the exact check.
    ({}, 0.95),
    # datasketch's default layout without the check: at threshold 0.8 and 128 permutations it
    # makes a pair of true Jaccard 0.85 a candidate with probability 1 - (1 - 0.85^13)^9 ~ 0.69.
    ({"false_negative_weight": 0.5, "jaccard_check": False}, 0.9),
])
def test_precision_and_recall_at_threshold_0_8(corpus: tuple[Path, pl.DataFrame],
                                               params: dict, least_recall: float) -> None:
    root, truth = corpus
    output = "run-" + "-".join(f"{k}={v}" for k, v in params.items()) if params else "run"
    run_pipeline(make_config(root, [{"op": "minhash_dedup", "threshold": 0.8, **params}],
                             output=output))
    rejected = read_dir(root / output / "rejected")
    result = score(truth, rejected["id"], must_find=0.85, threshold=0.8)
    assert result.must_find > 200
    assert result.precision >= 0.95, result
    assert result.recall >= least_recall, result
    if params.get("jaccard_check", True):
        assert result.strict_precision >= 0.95, result  # (almost) nothing below 0.8 removed

    stats = read_dir(root / output / "stats").filter(pl.col("dup_cluster").is_not_null())
    per_cluster = stats.group_by("dup_cluster").agg(
        pl.col("reason").is_null().sum().alias("kept"),
        pl.col("id").filter(pl.col("reason").is_null()).first().alias("survivor"),
        pl.len().alias("members"),
        pl.col("dup_cluster_size").first().alias("size"),
    )
    assert per_cluster["kept"].to_list() == [1] * per_cluster.height
    assert (per_cluster["survivor"] == per_cluster["dup_cluster"]).all()
    assert (per_cluster["members"] == per_cluster["size"]).all()
    survivor_of = dict(stats.select("id", "dup_cluster").iter_rows())
    assert all(survivor_of[r] == d for r, d in zip(rejected["id"], rejected["dup_of"],
                                                   strict=True))
