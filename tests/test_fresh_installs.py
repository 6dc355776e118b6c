"""Two fresh installs of one commit curate the same bytes: the sample pipeline run twice from
scratch, each with its own empty model folder (so each trains its quality and domain models
itself), once on Ray with two CPUs and once on the local engine, writes byte-identical
curated/, rejected/ and stats/, and trains byte-identical models."""

from __future__ import annotations

from pathlib import Path

import pytest

from curate.config import load_config
from curate.engine import run_pipeline
from tests.conftest import REPO

pytestmark = pytest.mark.slow


def fresh_copy(root: Path) -> Path:
    """pipelines/sample.toml under `root`, reading the repository's sample data, with its
    models and run folder under `root`."""
    text = (REPO / "pipelines" / "sample.toml").read_text(encoding="utf-8")
    text = text.replace('"../sample_data', f'"{REPO / "sample_data"}')
    (root / "pipelines").mkdir(parents=True)
    path = root / "pipelines" / "sample.toml"
    path.write_text(text, encoding="utf-8")
    return path


def files(folder: Path, pattern: str) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.glob(pattern)) if p.is_file()}


def test_two_fresh_runs_write_the_same_bytes(tmp_path: Path) -> None:
    outputs, models = [], []
    for name, engine in (("a", {"kind": "ray", "num_cpus": 2}), ("b", {"kind": "local"})):
        config = load_config(fresh_copy(tmp_path / name), {"engine": engine})
        assert not (tmp_path / name / "models").exists()
        run_pipeline(config)
        run = tmp_path / name / "runs" / "sample"
        outputs.append({folder: files(run / folder, "*.parquet")
                        for folder in ("curated", "rejected", "stats")})
        models.append(files(tmp_path / name / "models", "*.bin"))
    assert sorted(models[0]) == ["sample_domain.bin", "sample_quality.bin"]
    assert models[0] == models[1]
    for folder in ("curated", "rejected", "stats"):
        assert outputs[0][folder], folder
        assert outputs[0][folder] == outputs[1][folder], folder
