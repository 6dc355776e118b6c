"""Acceptance: the sample pipeline's fine-tune ablation runs on CPU and the curated arm beats the
raw arm on the sample's clean eval split. The sample's label noise (documents filed under a
neighbouring category, mislabelled near-duplicates) costs the raw arm accuracy; label_audit and
dedup remove most of it, which a random subset of the same size does not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from curate.cli.ablate import ablate
from curate.config import load_config
from curate.engine import run_pipeline
from tests.conftest import REPO


@pytest.mark.slow
def test_curated_arm_scores_at_least_the_raw_arm(tmp_path: Path) -> None:
    config = load_config(REPO / "pipelines" / "sample.toml")
    config.pipeline.output = str(tmp_path / "run")
    config.engine.kind = "local"
    backend = config.finetune["backend"]
    run_pipeline(config)
    ablate(config, Console(quiet=True), progress=False)

    result = json.loads((tmp_path / "run" / "ablation.json").read_text())
    arms = result["arms"]
    assert set(arms) == {"raw", "curated", "random"}
    assert arms["curated"]["examples"] < arms["raw"]["examples"]
    raw = arms["raw"]["summary"]["accuracy"]["mean"]
    curated = arms["curated"]["summary"]["accuracy"]["mean"]
    diff = result["differences"]["curated-raw"]["accuracy"]
    print(f"{backend}: raw {raw:.4f}, curated {curated:.4f}, curated - raw {diff}")
    assert curated >= raw
    # Better data, not chance: the 95 % interval of the paired difference lies above zero,
    # against raw and against a random subset of raw the size of curated.
    assert diff["low"] > 0
    assert result["differences"]["curated-random"]["accuracy"]["low"] > 0
    assert "Fine-tune ablation" in (tmp_path / "run" / "report.html").read_text()
