"""Fixtures of the cluster tests, shared by the tests of this folder: a two-node Ray cluster on
this machine, and a corpus with its curated output from the local engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cluster.cluster import LocalCluster
from tests.cluster.drivers import corpus_with_reference


@pytest.fixture(scope="package")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A head node and a worker node, one CPU each, started with `ray start`."""
    ray_cluster = LocalCluster(tmp_path_factory.mktemp("cluster"))
    try:
        ray_cluster.start_node("head", wait=False)
        ray_cluster.start_node("worker", wait=False)
        ray_cluster.wait_for_nodes({"head", "worker"})
        yield ray_cluster
    finally:
        ray_cluster.shutdown()


@pytest.fixture
def two_nodes(cluster: LocalCluster) -> LocalCluster:
    """The cluster with both nodes alive (a test before may have killed the worker node)."""
    cluster.ensure_node("worker")
    return cluster


@pytest.fixture(scope="package")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a synthetic corpus (`in/`) and its local-engine output (`reference/`);
    each test writes its pipeline files and run folders beside them, under names of its own."""
    return corpus_with_reference(tmp_path_factory.mktemp("corpus"))
