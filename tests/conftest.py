"""Shared fixtures: tiny corpora written to disk and pipelines built from dicts."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from curate.config import PipelineConfig, parse_config

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
# The head of a pipeline file reading ./in into ./run on the local engine, then normalizing.
LOCAL_PIPELINE = """[pipeline]
input = "in"
output = "run"
[engine]
kind = "local"
[[stage]]
op = "normalize"
"""


def write_corpus(folder: Path, shards: list[list[str | None]], start: int = 0) -> Path:
    """Write one Parquet shard per list of texts, ids `d<shard>-<row>`."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, texts in enumerate(shards, start=start):
        pl.DataFrame(
            {"id": [f"d{i}-{j}" for j in range(len(texts))], "text": texts},
            schema={"id": pl.String, "text": pl.String},
        ).write_parquet(folder / f"part-{i:03d}.parquet")
    return folder


def make_config(
    tmp_path: Path,
    stages: list[dict[str, Any]],
    input_dir: str = "in",
    engine: dict[str, Any] | None = None,
    output: str = "run",
    **pipeline: Any,
) -> PipelineConfig:
    """A validated pipeline reading tmp_path/in and writing tmp_path/run, local by default."""
    raw = {
        "pipeline": {"input": input_dir, "output": output, **pipeline},
        "engine": engine or {"kind": "local"},
        "stage": stages,
    }
    return parse_config(raw, tmp_path / "pipeline.toml")


def write_toml(path: Path, text: str) -> Path:
    """Write a pipeline file and return its path."""
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Callable[..., Path]:
    """Write shards of texts under tmp_path/in."""
    return lambda shards, **kw: write_corpus(tmp_path / "in", shards, **kw)


def read_dir(folder: Path) -> pl.DataFrame:
    """Every Parquet file of a folder, concatenated in file-name order."""
    files = sorted(folder.glob("*.parquet"))
    if not files:
        return pl.DataFrame()
    return pl.concat([pl.read_parquet(f) for f in files], how="diagonal_relaxed")
