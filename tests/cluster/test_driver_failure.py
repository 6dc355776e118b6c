"""A driver SIGKILLed while it runs on a cluster leaves the cluster running, and
`curate run --resume` joins it again and finishes the run: the same bytes as an uninterrupted
run, every input row in curated or rejected exactly once, and no finished work redone (shards
the manifest recorded, the phases of a global stage's fit, or the whole fit)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.cluster.cluster import LocalCluster
from tests.cluster.drivers import (
    FIT,
    ROWS,
    SHARDS,
    assert_each_id_once,
    curate_driver,
    fits_done,
    kill_driver,
    run_curate,
    tasks_of_one_job_since,
    wait_until,
    write_pipeline,
)
from tests.engine.test_determinism import output_bytes

# Task names of the first two phases of minhash_dedup's fit (LSH shuffle, bucket edges).
FIRST_PHASES = ("shuffle_band_keys", "bucket_edges")
pytestmark = pytest.mark.slow


def recorded_shards(run: Path, pass_index: int) -> int:
    manifest = json.loads((run / "manifest.json").read_text())
    return len(manifest["passes"][pass_index]["shards"])


@pytest.mark.parametrize("point", ["shard pass", "fit", "after fit"])
def test_a_killed_driver_resumes_on_the_cluster_without_redoing_finished_work(
    two_nodes: LocalCluster, corpus: Path, point: str
) -> None:
    name = "driver-killed-" + point.replace(" ", "-")
    run, fit_dir = corpus / name, corpus / name / "work" / f"fit-{FIT}"
    pipeline = write_pipeline(corpus, name, name, f'address = "{two_nodes.address}"')
    proc = curate_driver("run", pipeline, "--quiet", cwd=corpus, env=two_nodes.env)
    ready = {
        "shard pass": lambda: len(list((run / "work" / "p0").glob("part-*.parquet"))) >= 3,
        "fit": lambda: (fit_dir / "lsh-edges.done.json").exists(),
        "after fit": lambda: FIT in fits_done(run),
    }[point]
    wait_until(proc, ready)
    kill_driver(proc)

    assert set(two_nodes.alive()) == {"head", "worker"}, "the cluster outlives its driver"
    fits_before = fits_done(run)
    assert (FIT in fits_before) == (point == "after fit")
    before = two_nodes.tasks_started()
    pending_shards = 2 * SHARDS - recorded_shards(run, 0) - recorded_shards(run, 1)

    run_curate("run", pipeline, "--quiet", "--resume", cwd=corpus, env=two_nodes.env)

    assert output_bytes(run) == output_bytes(corpus / "reference")
    assert_each_id_once(run, SHARDS * ROWS)
    resumed = sum(tasks_of_one_job_since(two_nodes, before).values(), Counter())
    assert resumed["run_shard_pass"] == pending_shards
    if point == "fit":  # the phases finished before the kill are not run again
        assert all(resumed[task] == 0 for task in FIRST_PHASES), resumed
        assert resumed["attach_attributes"] > 0
    if point == "after fit":  # the fit is not run again
        assert set(resumed) == {"run_shard_pass"}, resumed
        assert fits_done(run)[FIT] == fits_before[FIT]
