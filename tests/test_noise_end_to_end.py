"""Acceptance: the `web_zh_en` recipe (cleaners, language ID, rule filters) on the synthetic
sample corpus rejects each injected noise class at >= 90% and at most 3% of clean documents,
read from the generator's `noise` labels. Runs through the engine (local), as a user would."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curate.config import load_config
from curate.engine import run_pipeline
from curate.ops.clean.unicode import NEEDS_FIX
from curate.sample import generate_sample

REPO = Path(__file__).resolve().parents[1]
RECIPE = REPO / "pipelines" / "web_zh_en.toml"
REJECTED_CLASSES = ("boilerplate", "spam", "short", "other_lang", "repeated_lines",
                    "keyword_stuffed")


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    """Every raw sample document with its noise label, whether it was rejected, and its text
    after the pipeline (for kept documents)."""
    root = tmp_path_factory.mktemp("noise")
    generate_sample(root / "sample", n_docs=4000, seed=1, n_shards=2)
    config = load_config(RECIPE, overrides={
        "pipeline": {"input": str(root / "sample" / "raw"), "output": str(root / "run"),
                     "name": "noise-e2e"},
        "engine": {"kind": "local"},
    })
    run_pipeline(config)
    raw = pl.read_parquet(root / "sample" / "raw" / "*.parquet").select(
        "id", "noise", "lang", "domain"
    )
    kept = pl.read_parquet(root / "run" / "curated" / "*.parquet").select("id", "text")
    rejected = pl.read_parquet(root / "run" / "rejected" / "*.parquet").select(
        "id", "stage", "reason"
    )
    return (raw.join(kept, on="id", how="left")
            .join(rejected, on="id", how="left")
            .with_columns(pl.col("stage").is_not_null().alias("rejected")))


def rate(frame: pl.DataFrame, noise: str, column: str = "rejected") -> float:
    rows = frame.filter(pl.col("noise") == noise)
    assert rows.height >= 40, f"too few {noise} rows to measure"
    return rows[column].mean()


@pytest.mark.parametrize("noise", REJECTED_CLASSES)
def test_noise_class_is_rejected(outcome: pl.DataFrame, noise: str) -> None:
    assert rate(outcome, noise) >= 0.90


def test_mojibake_is_rejected_or_repaired(outcome: pl.DataFrame) -> None:
    # The generator's mojibake (UTF-8 read as Latin-1/cp1252) is fully reversible: fix_unicode
    # repairs it, so a kept document counts when no trace of mojibake is left in it.
    handled = outcome.filter(pl.col("noise") == "mojibake").with_columns(
        (pl.col("rejected") | ~pl.col("text").str.contains(NEEDS_FIX)).alias("handled")
    )
    assert handled["handled"].mean() >= 0.90
    zh = handled.filter((pl.col("lang") == "zh") & ~pl.col("rejected"))
    assert zh["text"].str.contains(r"\p{Han}").all()


def test_html_documents_are_cleaned_not_rejected(outcome: pl.DataFrame) -> None:
    html = outcome.filter((pl.col("noise") == "html") & ~pl.col("rejected"))
    assert html.height >= 0.8 * outcome.filter(pl.col("noise") == "html").height
    assert not html["text"].str.contains(r"</?(?:p|div|br)\b|&nbsp;").any()


def test_few_clean_prose_and_code_documents_are_rejected(outcome: pl.DataFrame) -> None:
    prose = outcome.filter(pl.col("domain") != "math")
    assert rate(prose, "clean") <= 0.03


def test_few_clean_documents_are_rejected(outcome: pl.DataFrame) -> None:
    assert rate(outcome, "clean") <= 0.03
