"""A worker node lost mid-run (every process of it SIGKILLed, as when its machine goes away)
costs the run nothing: Ray runs the node's tasks again on the nodes left, and the output is
the bytes of an uninterrupted run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cluster.cluster import LocalCluster
from tests.cluster.drivers import (
    ROWS,
    SHARDS,
    assert_each_id_once,
    curate_driver,
    tasks_of_one_job_since,
    wait_until,
    write_pipeline,
)
from tests.engine.test_determinism import output_bytes

pytestmark = pytest.mark.slow


# Fit phases of minhash_dedup that run one task per shard.
PER_SHARD_FIT_TASKS = ("shuffle_band_keys", "attach_first_set", "keep_similar",
                       "write_both_ways", "attach_attributes")


@pytest.mark.parametrize("point", ["shard pass", "fit"])
def test_a_run_that_loses_a_worker_node_completes_with_identical_output(
    two_nodes: LocalCluster, corpus: Path, point: str
) -> None:
    name = "node-lost-" + point.replace(" ", "-")
    run = corpus / name
    pipeline = write_pipeline(corpus, name, name, f'address = "{two_nodes.address}"')
    worker = two_nodes.nodes["worker"]
    before = two_nodes.tasks_started()
    proc = curate_driver("run", pipeline, "--quiet", cwd=corpus, env=two_nodes.env)
    lost: list[str] = []

    def ready() -> bool:  # the worker node is running a task of the kind wanted
        if point == "shard pass":  # ... after a few shards are done
            done = len(list((run / "work" / "p0").glob("part-*.parquet")))
            wanted = ("run_shard_pass",) if done >= 2 else ()
        else:
            wanted = PER_SHARD_FIT_TASKS
        lost[:] = [t for t in worker.running_tasks() if t in wanted]
        return bool(lost)

    wait_until(proc, ready)
    two_nodes.kill_node("worker")

    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode(errors="replace")
    assert output_bytes(run) == output_bytes(corpus / "reference")
    assert_each_id_once(run, SHARDS * ROWS)
    # The task the node was running when it died ran again: once more than there are shards.
    ran = tasks_of_one_job_since(two_nodes, before)
    expected = 2 * SHARDS if point == "shard pass" else SHARDS
    assert ran["head"][lost[0]] + ran["worker"][lost[0]] == expected + 1
