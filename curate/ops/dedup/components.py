"""Distributed connected components: alternating Large-Star and Small-Star rounds (Kiveris,
Lattanzi, Mirrokni, Rastogi & Vassilvitskii, "Connected Components in MapReduce and Beyond",
SoCC 2014) over edge files partitioned by node, so no task holds more than one partition.

Each round rewires edges towards smaller node ids; at the fixed point every component is a
star around its smallest node. Nodes are int64 ids; only nodes with edges take part.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from curate.ops.dedup.spill import Phases, mix, partition_of, read_partition, write_partitions

DIRECTED = {"src": pl.Int64, "dst": pl.Int64}
MEMBER_SCHEMA = {"node": pl.Int64, "root": pl.Int64}
MAX_ROUNDS = 200

Map = Callable[[Callable[..., Any], list[tuple]], list[Any]]


def write_undirected(edges: pl.DataFrame, root: Path, producer: int, partitions: int) -> None:
    """Write undirected edges (columns a, b) as directed (src, dst) rows both ways, each in
    the partition of its src: the input format of a Large-Star step."""
    if edges.height == 0:
        return
    both = pl.concat([
        edges.select(pl.col("a").alias("src"), pl.col("b").alias("dst")),
        edges.select(pl.col("b").alias("src"), pl.col("a").alias("dst")),
    ])
    write_partitions(both, partition_of(both["src"].to_numpy(), partitions), root, producer)


def write_both_ways(in_root: Path, partition: int, out_root: Path, partitions: int) -> None:
    """Task: read one partition of undirected edges (a, b) and write them, deduplicated, in
    the input format of the first Large-Star step."""
    edges = read_partition(in_root, partition, {"a": pl.Int64, "b": pl.Int64}).unique()
    write_undirected(edges, out_root, partition, partitions)


def large_star(in_root: Path, partition: int, out_root: Path, partitions: int) -> list[int]:
    """Large-Star on one partition: each node u links every larger neighbour to the smallest
    node of its closed neighbourhood. Returns the fingerprint [edges, checksum] of the input,
    which is unchanged after a round exactly when the algorithm has converged."""
    edges = read_partition(in_root, partition, DIRECTED).unique()
    emitted = (
        edges.with_columns(pl.min_horizontal(pl.col("dst").min().over("src"), "src").alias("m"))
        .filter(pl.col("dst") > pl.col("src"))
        .select(pl.col("dst").alias("u"), pl.col("m").alias("v"))
    )
    # Small-Star reads each edge at its larger end: here u = dst > src >= m = v.
    write_partitions(emitted, partition_of(emitted["u"].to_numpy(), partitions), out_root,
                     partition)
    return _fingerprint(edges)


def small_star(in_root: Path, partition: int, out_root: Path, partitions: int) -> None:
    """Small-Star on one partition: each node u and its smaller neighbours all link to the
    smallest of them."""
    edges = read_partition(in_root, partition, {"u": pl.Int64, "v": pl.Int64}).unique()
    smallest = edges.group_by("u").agg(pl.col("v").min().alias("m"))
    linked = pl.concat([
        edges.join(smallest, on="u").select(pl.col("v").alias("a"), "m"),
        smallest.select(pl.col("u").alias("a"), "m"),
    ]).filter(pl.col("a") != pl.col("m")).unique()
    write_undirected(linked.rename({"m": "b"}), out_root, partition, partitions)


def star_members(in_root: Path, partition: int, out_root: Path,
                 group_of: Callable[[np.ndarray], np.ndarray]) -> int:
    """From converged stars: (node, root) for every node of a partition, root being the
    smallest node of its component; written partitioned by `group_of(node)`. Returns the
    number of members."""
    edges = read_partition(in_root, partition, DIRECTED)
    members = (
        edges.group_by("src")
        .agg(pl.col("dst").min())
        .select(pl.col("src").alias("node"), pl.min_horizontal("src", "dst").alias("root"))
        .sort("node")
    )
    write_partitions(members, group_of(members["node"].to_numpy()), out_root, partition)
    return members.height


def connected_components(
    edges_root: Path, work_dir: Path, partitions: int, run: Map, phases: Phases,
    members_root: Path, group_of: Callable[[np.ndarray], np.ndarray],
) -> int:
    """Label every node of the undirected graph in `edges_root` (written by
    `write_undirected`) with its component's smallest node, into `members_root` partitioned
    by `group_of(node)`. Returns the number of rounds it took."""
    current, previous = edges_root, None
    for round_ in range(MAX_ROUNDS):
        small_root = work_dir / f"r{round_:03d}-small"
        next_root = work_dir / f"r{round_ + 1:03d}-large"
        prints = phases.run(f"cc-r{round_:03d}-large", lambda c=current, s=small_root: run(
            large_star, [(c, p, s, partitions) for p in range(partitions)]))
        fingerprint = [sum(f[0] for f in prints), sum(f[1] for f in prints) % (1 << 64)]
        if fingerprint == previous:
            phases.run("cc-members", lambda c=current: run(
                star_members, [(c, p, members_root, group_of) for p in range(partitions)]))
            return round_
        phases.run(f"cc-r{round_:03d}-small", lambda s=small_root, n=next_root: run(
            small_star, [(s, p, n, partitions) for p in range(partitions)]))
        current, previous = next_root, fingerprint
    raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")


def _fingerprint(edges: pl.DataFrame) -> list[int]:
    """[count, order-independent checksum] of a set of directed edges."""
    if edges.height == 0:
        return [0, 0]
    src = edges["src"].to_numpy()
    dst = edges["dst"].to_numpy()
    checksum = np.sum(mix(mix(src) ^ dst.astype(np.uint64)), dtype=np.uint64)
    return [edges.height, int(checksum)]
