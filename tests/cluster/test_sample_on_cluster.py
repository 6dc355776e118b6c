"""Acceptance: the sample pipeline (cleaning, filters, quality scoring and selection, exact and
MinHash dedup, domain classification, label audit, backfill, augmentation, rebalancing) runs
on a two-node cluster and writes the bytes of a local run."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from curate.config import load_config
from curate.engine import run_pipeline
from tests.cluster.cluster import LocalCluster
from tests.cluster.drivers import run_curate, tasks_of_one_job_since
from tests.conftest import REPO, read_dir
from tests.engine.test_determinism import output_bytes


def sample_pipeline(folder: Path, name: str, engine: str) -> Path:
    """pipelines/sample.toml with absolute paths (models are shared with other runs of it),
    writing to `folder/name`, with `engine` as its `[engine]` lines."""
    text = (REPO / "pipelines" / "sample.toml").read_text()
    text = text.replace('"../', f'"{REPO}/')
    text = text.replace(f'output = "{REPO}/runs/sample"', f'output = "{folder / name}"')
    text = text.replace('[engine]\nkind = "ray"\n', f"[engine]\n{engine}\n")
    assert f'output = "{folder / name}"' in text and engine in text
    path = folder / f"{name}.toml"
    path.write_text(text)
    return path


@pytest.mark.slow
def test_the_sample_pipeline_on_two_nodes_writes_the_bytes_of_a_local_run(
    two_nodes: LocalCluster, tmp_path: Path
) -> None:
    run_pipeline(load_config(sample_pipeline(tmp_path, "local", 'kind = "local"')))
    joined = sample_pipeline(tmp_path, "joined", f'address = "{two_nodes.address}"')
    before = two_nodes.tasks_started()
    run_curate("run", joined.name, "--quiet", cwd=tmp_path, env=two_nodes.env)

    ran = tasks_of_one_job_since(two_nodes, before)
    assert ran["head"]["run_shard_pass"] > 0 and ran["worker"]["run_shard_pass"] > 0
    local, cluster = output_bytes(tmp_path / "local"), output_bytes(tmp_path / "joined")
    assert len(local) >= 16
    assert cluster == local
    # Conservation: every input row once in curated or rejected, beside the rows stages added.
    run = tmp_path / "joined"
    totals = json.loads((run / "manifest.json").read_text())["totals"]
    ids = pl.concat([read_dir(run / "curated")["id"], read_dir(run / "rejected")["id"]])
    assert ids.len() == ids.n_unique() == totals["input_rows"] + totals["added_rows"]
    assert set(read_dir(REPO / "sample_data" / "raw")["id"]) <= set(ids)
