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
    reached,
    tasks_of_one_job_since,
    write_pipeline,
)
from tests.engine.test_determinism import output_bytes

pytestmark = pytest.mark.slow


# Fit phases of minhash_dedup that run one task per shard.
PER_SHARD_FIT_TASKS = ("shuffle_band_keys", "attach_first_set", "keep_similar",
                       "write_both_ways", "attach_attributes")


# Ray decides where tasks run; now and then it runs a whole stage on the head node. A run in
# which the worker node never ran a task of the kind wanted is therefore tried again.
ATTEMPTS = 3


@pytest.mark.parametrize("point", ["shard pass", "fit"])
def test_a_run_that_loses_a_worker_node_completes_with_identical_output(
    two_nodes: LocalCluster, corpus: Path, point: str
) -> None:
    worker = two_nodes.nodes["worker"]
    lost: list[str] = []
    for attempt in range(ATTEMPTS):
        name = f"node-lost-{point.replace(' ', '-')}-{attempt}"
        run = corpus / name
        pipeline = write_pipeline(corpus, name, name, f'address = "{two_nodes.address}"')
        before = two_nodes.tasks_started()
        proc = curate_driver("run", pipeline, "--quiet", cwd=corpus, env=two_nodes.env)

        def ready(run: Path = run) -> bool:  # the worker node runs a task of the kind wanted
            # The first pass writes one part per shard; the fit starts once it wrote them all.
            done = len(list((run / "work" / "p0").glob("part-*.parquet")))
            if point == "shard pass":  # ... after a few shards are done
                started, wanted = done >= 2, ("run_shard_pass",)
            else:
                started, wanted = done == SHARDS, PER_SHARD_FIT_TASKS
            if not started:
                return False
            # Look while the node is frozen: a task seen then cannot finish before the kill,
            # so it is lost for sure. (Fit tasks last milliseconds; between looks it runs.)
            worker.freeze()
            lost[:] = [t for t in worker.running_tasks() if t in wanted]
            if not lost:
                worker.thaw()
            return bool(lost)

        if reached(proc, ready):
            break
        _, err = proc.communicate()
        assert proc.returncode == 0, err.decode(errors="replace")
    else:
        pytest.fail(f"in {ATTEMPTS} runs the worker node never ran a task of the {point}")
    two_nodes.kill_node("worker")

    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode(errors="replace")
    assert output_bytes(run) == output_bytes(corpus / "reference")
    assert_each_id_once(run, SHARDS * ROWS)
    # The task the node was running when it died ran again: once more than there are shards.
    ran = tasks_of_one_job_since(two_nodes, before)
    expected = 2 * SHARDS if point == "shard pass" else SHARDS
    assert ran["head"][lost[0]] + ran["worker"][lost[0]] == expected + 1
