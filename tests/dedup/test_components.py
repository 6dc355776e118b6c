"""Distributed connected components give the same components as a union-find, however the
graph is shaped and partitioned."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from curate.ops.base import MapFn
from curate.ops.dedup.components import MEMBER_SCHEMA, connected_components, write_undirected
from curate.ops.dedup.spill import Phases, read_partition


def union_find_roots(edges: list[tuple[int, int]]) -> dict[int, int]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


def components(tmp_path: Path, edges: list[tuple[int, int]], partitions: int) -> dict[int, int]:
    frame = pl.DataFrame(edges, schema={"a": pl.Int64, "b": pl.Int64}, orient="row")
    for producer, chunk in enumerate(frame.iter_slices(max(1, len(edges) // 3))):
        write_undirected(chunk, tmp_path / "in", producer, partitions)
    groups = 2
    connected_components(tmp_path / "in", tmp_path / "cc", partitions, MapFn(),
                         Phases(tmp_path), tmp_path / "members", lambda n: np.asarray(n) % groups)
    members = pl.concat([read_partition(tmp_path / "members", g, MEMBER_SCHEMA)
                         for g in range(groups)])
    assert members["node"].n_unique() == members.height
    return dict(zip(members["node"].to_list(), members["root"].to_list(), strict=True))


@pytest.mark.parametrize("seed", range(4))
def test_random_graphs_match_union_find(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    nodes = [rng.randrange(1 << 40) for _ in range(400)]
    edges = [(rng.choice(nodes), rng.choice(nodes)) for _ in range(300)]
    edges = [(a, b) for a, b in edges if a != b]
    assert components(tmp_path, edges, partitions=3) == union_find_roots(edges)


def test_a_long_chain_is_one_component_rooted_at_its_smallest_node(tmp_path: Path) -> None:
    order = list(range(1, 301))
    random.Random(1).shuffle(order)
    edges = list(itertools.pairwise(order))
    assert set(components(tmp_path, edges, partitions=4).values()) == {1}


def test_separate_stars_stay_separate(tmp_path: Path) -> None:
    edges = [(10, 11), (10, 12), (10, 13), (20, 21), (22, 21)]
    assert components(tmp_path, edges, partitions=2) == {
        10: 10, 11: 10, 12: 10, 13: 10, 20: 20, 21: 20, 22: 20}
