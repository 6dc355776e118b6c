"""A small labelled corpus for the augmentation tests: the clean documents of a generated
sample (Chinese and English, six labels), every fourth math and code document in the eval
split."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curate.sample import generate_sample


@pytest.fixture(scope="session")
def labelled_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two shards under `in/`; returns the folder holding it."""
    root = tmp_path_factory.mktemp("augment")
    generate_sample(root / "sample", n_docs=300, seed=2, n_shards=2)
    for part in sorted((root / "sample" / "raw").glob("*.parquet")):
        rows = pl.read_parquet(part).filter(pl.col("noise") == "clean")
        rare = pl.col("label").is_in(["math", "code"])
        rows = rows.with_columns(
            pl.when(rare & (pl.int_range(pl.len()).over("label") % 4 == 0))
            .then(pl.lit("eval")).otherwise(pl.col("split")).alias("split"))
        (root / "in").mkdir(exist_ok=True)
        rows.write_parquet(root / "in" / part.name)
    return root
