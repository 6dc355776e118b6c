"""LSH banding: the choice of bands × rows for a Jaccard threshold, and the two shuffle phases
that turn band keys into candidate duplicate edges without any task seeing more than its
partition of the buckets."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from curate.ops.dedup.spill import mix, partition_of, read_partition, source_of, write_partitions

# Schema of the band-key shuffle and of candidate edges.
BUCKET_SCHEMA = {"bucket": pl.UInt64, "node": pl.Int64}
EDGE_SCHEMA = {"a": pl.Int64, "b": pl.Int64}


def _false_positive_area(threshold: float, bands: int, rows: int) -> float:
    from scipy.integrate import quad  # imported here: only the band layout needs scipy

    # Probability that a pair of similarity s shares a band: 1 - (1 - s^r)^b (Leskovec,
    # Rajaraman & Ullman, Mining of Massive Datasets, §3.4.2), integrated below the threshold.
    return quad(lambda s: 1 - (1 - s ** float(rows)) ** float(bands), 0.0, threshold)[0]


def _false_negative_area(threshold: float, bands: int, rows: int) -> float:
    from scipy.integrate import quad

    # ... and the probability of sharing none, integrated above it (written as datasketch
    # writes it, so floating-point ties break the same way).
    return quad(lambda s: 1 - (1 - (1 - s ** float(rows)) ** float(bands)), threshold, 1.0)[0]


@cache
def optimal_bands(
    threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5)
) -> tuple[int, int]:
    """(bands, rows) minimising the weighted false-positive and false-negative areas, by the
    same grid search over b and r ≤ num_perm / b as datasketch's `MinHashLSH` (so the same
    parameters for the same threshold, num_perm and weights)."""
    fp_weight, fn_weight = weights
    best, best_error = (0, 0), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            error = (_false_positive_area(threshold, bands, rows) * fp_weight
                     + _false_negative_area(threshold, bands, rows) * fn_weight)
            if error < best_error:
                best, best_error = (bands, rows), error
    return best


def shuffle_band_keys(summary: Path, out_dir: Path, producer: int, partitions: int) -> int:
    """Phase 1 (one task per summary file): explode each document's band keys into (bucket,
    node) rows, a bucket being a (band, key) pair hashed to 64 bits, and write each row to
    the partition of its bucket. Returns the number of rows written."""
    frame = pl.read_parquet(summary, columns=["__node", "__bands"])
    if frame.height == 0:
        return 0
    keys = np.asarray(frame["__bands"].to_numpy(), dtype=np.uint64)  # documents × bands
    bands = keys.shape[1]
    salt = mix(np.arange(bands, dtype=np.uint64))  # so equal keys of two bands differ
    rows = pl.DataFrame({
        "bucket": mix((keys ^ salt).reshape(-1)),
        "node": np.repeat(frame["__node"].to_numpy(), bands),
    })
    write_partitions(rows, partition_of(rows["bucket"].to_numpy(), partitions), out_dir,
                     producer)
    return rows.height


def bucket_edges(in_dir: Path, partition: int, out_root: Path) -> int:
    """Phase 2 (one task per partition): every bucket of two or more documents becomes a star
    of edges from its smallest node to each other member (a < b). Writes them, deduplicated,
    to the source of `a`; returns their number."""
    rows = read_partition(in_dir, partition, BUCKET_SCHEMA)
    edges = (
        rows.filter(pl.col("bucket").is_duplicated())  # most buckets hold one document
        .with_columns(pl.col("node").min().over("bucket").alias("a"))
        .filter(pl.col("a") != pl.col("node"))
        .select("a", pl.col("node").alias("b"))
        .unique()
        .sort("a", "b")
    )
    write_partitions(edges, source_of(edges["a"].to_numpy()), out_root, partition)
    return edges.height
