"""Acceptance of `domain_backfill` on the committed sample corpus and on real news titles
(../shared/data): slow, run by CI after the fast suite."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curate.config import parse_config
from tests.conftest import REPO, SHARED_DATA
from tests.domain.pipelines import run, shares

SAMPLE = REPO / "sample_data"
# Shares the committed sample can meet: news sets the size (1,892 documents by the domain
# model; backfill only adds), math and code come mostly from the reserve, and each other domain
# needs at most about 90 % of what the corpus and the reserve hold of it.
SAMPLE_SHARES = {"news": 0.26, "finance": 0.165, "tech": 0.165, "sports": 0.135, "math": 0.14,
                 "code": 0.135}


def sample_pipeline(tmp_path: Path, targets: dict[str, float]) -> tuple[pl.DataFrame, dict]:
    seed = tmp_path / "seed.parquet"
    if not seed.exists():  # the generator's labels of the raw documents are the seed set
        pl.read_parquet(SAMPLE / "raw" / "*.parquet").filter(
            pl.col("domain").is_not_null()).write_parquet(seed)
    stages = [
        {"op": "normalize"},
        {"op": "length_filter", "min_chars": 30, "min_words": 10},
        {"op": "domain_classify", "model": str(tmp_path / "domain.bin"),
         "train_from": [str(seed)]},
        {"op": "exact_dedup"},
        {"op": "domain_backfill", "reserve": str(SAMPLE / "reserve"), "targets": targets},
    ]
    raw = {"pipeline": {"input": str(SAMPLE / "raw"), "output": str(tmp_path / "run")},
           "engine": {"kind": "local"}, "stage": stages}
    return run(parse_config(raw, tmp_path / "pipeline.toml"))


@pytest.mark.slow
def test_sample_domains_land_within_two_points_and_recalls_are_in_domain(tmp_path) -> None:
    curated, manifest = sample_pipeline(tmp_path, SAMPLE_SHARES)
    outcome = manifest["outcomes"]["domain_backfill"]
    assert outcome["shortfall"] == {}
    achieved = shares(curated)
    for domain, share in SAMPLE_SHARES.items():
        assert abs(achieved[domain] - share) <= 0.02, (domain, achieved[domain])
    truth = pl.read_parquet(SAMPLE / "reserve" / "*.parquet").select(
        "id", pl.col("domain").alias("true_domain"))
    recalled = curated.filter(pl.col("source") == "backfill").join(truth, on="id")
    precision = (recalled["domain"] == recalled["true_domain"]).mean()
    print(f"sample backfill: {recalled.height} recalled, precision {precision:.4f}")
    assert recalled.height > 1500 and precision >= 0.9


@pytest.mark.slow
def test_sample_shortfall_is_exact_and_reported(tmp_path) -> None:
    curated, manifest = sample_pipeline(tmp_path, {"math": 2000, "code": 500})
    outcome = manifest["outcomes"]["domain_backfill"]
    has = dict(curated["domain"].value_counts().iter_rows())
    assert outcome["shortfall"] == {"math": 2000 - has["math"]}
    assert has["code"] == 500


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED_DATA / "thucnews_titles").is_dir(),
                    reason="../shared/data is absent")
def test_thucnews_sports_titles_recalled_from_a_mixed_reserve(tmp_path) -> None:
    """The domain model learns THUCNews' ten topics from its dev split; the corpus is that
    split with only 100 sports titles left; the reserve mixes THUCNews' test split and every
    labelled TNEWS headline (15 classes). Precision: recalled titles that are sports
    (THUCNews `sports` or TNEWS `news_sports`)."""
    thuc = pl.read_parquet(SHARED_DATA / "thucnews_titles" / "thucnews_titles.parquet")
    tnews = pl.read_parquet(SHARED_DATA / "tnews_fewclue" / "tnews_labeled.parquet")
    dev = thuc.filter(pl.col("split") == "dev").select("id", "text", "label")
    dev.write_parquet(tmp_path / "seed.parquet")
    (tmp_path / "corpus").mkdir()
    dev.filter((pl.col("label") != "sports") | (pl.int_range(pl.len()).over("label") < 100)) \
        .write_parquet(tmp_path / "corpus" / "part-0.parquet")
    (tmp_path / "reserve").mkdir()
    reserve = pl.concat([thuc.filter(pl.col("split") == "test").select("id", "text", "label"),
                         tnews.select("id", "text", "label")])
    reserve.write_parquet(tmp_path / "reserve" / "part-0.parquet")
    stages = [
        {"op": "domain_classify", "model": str(tmp_path / "thucnews.bin"),
         "train_from": [str(tmp_path / "seed.parquet")], "label_column": "label"},
        {"op": "exact_dedup"},
        {"op": "domain_backfill", "reserve": str(tmp_path / "reserve"),
         "targets": {"sports": 1000}},
    ]
    raw = {"pipeline": {"input": str(tmp_path / "corpus"), "output": str(tmp_path / "run")},
           "engine": {"kind": "local"}, "stage": stages}
    curated, manifest = run(parse_config(raw, tmp_path / "pipeline.toml"))
    recalled = curated.filter(pl.col("source") == "backfill").select("id").join(
        reserve.select("id", pl.col("label").alias("truth")), on="id")
    precision = recalled["truth"].is_in(["sports", "news_sports"]).mean()
    print(f"THUCNews sports recall from the mixed reserve: {recalled.height} recalled, "
          f"precision {precision:.4f}; outcome {manifest['outcomes']['domain_backfill']}")
    assert recalled.height >= 800
    assert precision >= 0.85
