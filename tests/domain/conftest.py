"""Fixtures for the domain operators: a small generated sample corpus (raw, and a reserve rich
in the rare math and code), and a domain model trained once on a seed corpus: the labelled
documents of another generated sample (its raw and reserve, so every domain has examples)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curate.models.linear import LinearOptions
from curate.ops.domain.training import train_domain_model
from curate.sample import generate_sample

# Small and fast: the classifier reads 600 characters of each document.
MAX_CHARS = 600
OPTIONS = LinearOptions(buckets=2**16)


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 raw documents in 2 shards, a 300-document reserve, 60 eval documents."""
    out = tmp_path_factory.mktemp("domain-sample")
    generate_sample(out, n_docs=600, seed=0, n_shards=2)
    return out


@pytest.fixture(scope="session")
def seed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Labelled documents of an independent sample (seed 1): about 1,000 in six domains."""
    out = tmp_path_factory.mktemp("domain-seed")
    generate_sample(out, n_docs=600, seed=1, n_shards=1)
    rows = pl.concat([pl.read_parquet(out / part / "*.parquet") for part in ("raw", "reserve")])
    rows.filter(pl.col("domain").is_not_null()).write_parquet(out / "seed.parquet")
    return out / "seed.parquet"


@pytest.fixture(scope="session")
def domain_model(seed_corpus: Path) -> Path:
    """A domain model trained on the seed corpus."""
    out = seed_corpus.parent / "models" / "domain.bin"
    train_domain_model([str(seed_corpus)], out, max_chars=MAX_CHARS, options=OPTIONS)
    return out
