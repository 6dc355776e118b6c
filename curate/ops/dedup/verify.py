"""The optional exact Jaccard check of LSH candidate pairs, as two shuffles keyed by the
source (shard) of each end, so a task holds one shard's shingles and the pairs that touch
it, never the whole candidate list."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from curate.ops.dedup.lsh import EDGE_SCHEMA
from curate.ops.dedup.spill import read_partition, source_of, write_partitions

SETS = pl.List(pl.UInt32)


def attach_first_set(candidates: Path, source: int, summary: Path, out_root: Path) -> int:
    """Step 1 (one task per source): give each candidate pair (a, b) whose `a` comes from this
    source the shingle hashes of `a`, and send it on to the source of `b`."""
    pairs = read_partition(candidates, source, EDGE_SCHEMA).unique()
    if pairs.height == 0:
        return 0
    sets = pl.read_parquet(summary, columns=["__node", "__shingles"])
    joined = pairs.join(sets, left_on="a", right_on="__node").rename({"__shingles": "set_a"})
    write_partitions(joined, source_of(joined["b"].to_numpy()), out_root, source)
    return pairs.height


def keep_similar(in_root: Path, source: int, summary: Path, threshold: float,
                 out_root: Path) -> int:
    """Step 2 (one task per source): compare each pair whose `b` comes from this source
    exactly, and keep it (in this source's partition of `out_root`) when its Jaccard
    similarity reaches `threshold`. Returns the number of pairs kept."""
    schema = {**EDGE_SCHEMA, "set_a": SETS}
    pairs = read_partition(in_root, source, schema)
    if pairs.height == 0:
        return 0
    sets = pl.read_parquet(summary, columns=["__node", "__shingles"])
    joined = pairs.join(sets, left_on="b", right_on="__node").rename({"__shingles": "set_b"})
    # Jaccard = |A ∩ B| / (|A| + |B| - |A ∩ B|) over the distinct shingles of each list.
    common = pl.col("set_a").list.set_intersection("set_b").list.len()
    union = pl.col("set_a").list.n_unique() + pl.col("set_b").list.n_unique() - common
    kept = joined.filter(common >= threshold * union).select("a", "b").sort("a", "b")
    write_partitions(kept, source_of(kept["b"].to_numpy()), out_root, source)
    return kept.height
