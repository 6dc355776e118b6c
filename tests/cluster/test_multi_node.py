"""A run that joins a multi-node Ray cluster writes the same bytes as a local run, and its
tasks, shard passes and the global stage's fit phases alike, run on every node."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cluster.cluster import LocalCluster
from tests.cluster.drivers import (
    ROWS,
    SHARDS,
    assert_each_id_once,
    curate_driver,
    jobs_since,
    run_curate,
    tasks_of_one_job_since,
    write_pipeline,
)
from tests.engine.test_determinism import output_bytes


def test_a_run_on_two_nodes_writes_the_bytes_of_a_local_run(
    two_nodes: LocalCluster, corpus: Path
) -> None:
    pipeline = write_pipeline(corpus, "joined", "joined", f'address = "{two_nodes.address}"')
    before = two_nodes.tasks_started()
    run_curate("run", pipeline, "--quiet", cwd=corpus, env=two_nodes.env)

    assert output_bytes(corpus / "joined") == output_bytes(corpus / "reference")
    assert_each_id_once(corpus / "joined", SHARDS * ROWS)
    ran = tasks_of_one_job_since(two_nodes, before)
    # Both nodes ran shard tasks (two passes over every shard); the fit ran as tasks too.
    assert ran["head"]["run_shard_pass"] > 0 and ran["worker"]["run_shard_pass"] > 0
    assert ran["head"]["run_shard_pass"] + ran["worker"]["run_shard_pass"] == 2 * SHARDS
    assert ran["head"]["shuffle_band_keys"] + ran["worker"]["shuffle_band_keys"] == SHARDS
    manifest = json.loads((corpus / "joined" / "manifest.json").read_text())
    assert manifest["engine"]["address"] == two_nodes.address


@pytest.mark.slow
def test_address_auto_joins_the_cluster_that_RAY_ADDRESS_names(
    two_nodes: LocalCluster, corpus: Path
) -> None:
    pipeline = write_pipeline(corpus, "auto", "auto", 'address = "auto"')
    before = two_nodes.tasks_started()
    run_curate("run", pipeline, "--quiet", cwd=corpus,
               env={**two_nodes.env, "RAY_ADDRESS": two_nodes.address})

    assert output_bytes(corpus / "auto") == output_bytes(corpus / "reference")
    ran = tasks_of_one_job_since(two_nodes, before)
    assert ran["head"]["run_shard_pass"] + ran["worker"]["run_shard_pass"] == 2 * SHARDS


@pytest.mark.slow
def test_without_an_address_a_run_starts_its_own_ray_even_beside_a_cluster(
    two_nodes: LocalCluster, corpus: Path
) -> None:
    pipeline = write_pipeline(corpus, "own", "own", 'kind = "ray"\nnum_cpus = 1')
    before = two_nodes.tasks_started()
    # RAY_ADDRESS names the cluster, as on a cluster's machines; engine.address is unset.
    run_curate("run", pipeline, "--quiet", cwd=corpus,
               env={**two_nodes.env, "RAY_ADDRESS": two_nodes.address})

    assert output_bytes(corpus / "own") == output_bytes(corpus / "reference")
    assert jobs_since(two_nodes, before) == []


@pytest.mark.slow
def test_a_driver_without_the_cluster_token_is_refused_with_what_to_set(
    two_nodes: LocalCluster, corpus: Path
) -> None:
    pipeline = write_pipeline(corpus, "no-token", "no-token", f'address = "{two_nodes.address}"')
    proc = curate_driver("run", pipeline, "--quiet", cwd=corpus,
                         env={**two_nodes.env, "RAY_AUTH_TOKEN": "0" * 32})
    _, err = proc.communicate(timeout=300)

    assert proc.returncode != 0
    message = err.decode().strip().splitlines()[-1]
    assert message.startswith(f"error: engine: cannot start or join Ray at {two_nodes.address} (")
    assert message.endswith("; the cluster wants its token: set RAY_AUTH_MODE=token and "
                            "RAY_AUTH_TOKEN (see docs/cluster.md)")
