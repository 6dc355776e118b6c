"""Acceptance on real text (../shared/data, skipped where it is absent): language ID labels
Chinese news titles zh and English news en; the `web_zh_en` recipe keeps Chinese Wikipedia
paragraphs and BBC articles and rejects most of a noisy Chinese Common Crawl sample."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curate.config import load_config
from curate.ops.base import REASON
from curate.ops.language import Language

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
RECIPE = REPO / "pipelines" / "web_zh_en.toml"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is absent"),
]


def read(name: str) -> pl.DataFrame:
    return pl.read_parquet(next((DATA / name).glob("*.parquet"))).select("id", "text")


def kept_share(frame: pl.DataFrame) -> float:
    """The share of rows the recipe's stages keep, applied in order as the engine does."""
    config = load_config(RECIPE)
    batch = frame
    for stage in config.stages:
        batch = stage.operator(config).transform(batch)
        if REASON in batch.columns:
            batch = batch.filter(pl.col(REASON).is_null()).drop(REASON)
    share = batch.height / frame.height
    print(f"recipe keeps {batch.height}/{frame.height} = {share:.2%}")
    return share


@pytest.mark.parametrize(("name", "lang"), [("thucnews_titles", "zh"), ("ag_news_test", "en")])
def test_language_id_on_news(name: str, lang: str) -> None:
    out = Language().transform(read(name))
    share = (out["lang"] == lang).mean()
    print(f"{name}: {share:.2%} labelled {lang}")
    assert share >= 0.98


@pytest.mark.parametrize("name", ["cmrc2018_zhwiki_paragraphs", "bbc_news"])
def test_recipe_keeps_clean_text(name: str) -> None:
    assert kept_share(read(name)) >= 0.95


def test_recipe_rejects_most_noisy_chinese_web_text() -> None:
    assert kept_share(read("flagdata_zh_web_sample")) < 0.5
