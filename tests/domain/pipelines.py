"""Pipelines over the generated sample for the domain tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from curate.config import PipelineConfig, parse_config
from curate.engine import run_pipeline

FILTERS: list[dict[str, Any]] = [
    {"op": "normalize"},
    {"op": "length_filter", "min_chars": 200, "min_words": 10},
]


def backfill_config(sample: Path, model: Path, out: Path, targets: dict[str, float],
                    engine: str = "local", **backfill: Any) -> PipelineConfig:
    """normalize, length_filter, domain_classify, exact_dedup, domain_backfill."""
    stages = [
        *FILTERS,
        {"op": "domain_classify", "model": str(model), "max_chars": 600},
        {"op": "exact_dedup"},
        {"op": "domain_backfill", "reserve": str(sample / "reserve"), "targets": targets,
         **backfill},
    ]
    raw = {"pipeline": {"input": str(sample / "raw"), "output": str(out)},
           "engine": {"kind": engine}, "stage": stages}
    return parse_config(raw, out.parent / "pipeline.toml")


def run(config: PipelineConfig) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Run a pipeline; its curated rows and its manifest."""
    manifest = run_pipeline(config, overwrite=True)
    return pl.read_parquet(config.output_path / "curated" / "*.parquet"), manifest.to_dict()


def shares(curated: pl.DataFrame, column: str = "domain") -> dict[str, float]:
    """Share of each value of `column` among the curated rows."""
    return {v: n / curated.height for v, n in curated[column].value_counts().iter_rows()}
