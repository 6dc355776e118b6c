"""One survivor per duplicate cluster, chosen without gathering clusters on one node: members
meet their documents' attributes source by source, then their cluster partition by
partition."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from curate.io import write_shard
from curate.ops.dedup.components import MEMBER_SCHEMA
from curate.ops.dedup.spill import partition_of, read_partition, write_partitions

ATTRIBUTES = {"__node": pl.Int64, "__id": pl.String, "__score": pl.Float64}
MEMBER_ROWS = {"root": pl.Int64, "node": pl.Int64, "id": pl.String, "score": pl.Float64,
               "reference": pl.Boolean}
# The fitted state: one row per corpus document that belongs to a duplicate cluster.
STATE_SCHEMA = {"__node": pl.Int64, "__survivor": pl.Boolean, "__reference": pl.Boolean,
                "__dup_of": pl.String, "dup_cluster": pl.String, "dup_cluster_size": pl.Int64}


def attach_attributes(members_root: Path, source: int, summary: Path, reference: bool,
                      out_root: Path, partitions: int) -> int:
    """Step 1 (one task per source): give the clustered documents of this source their id,
    score and origin, and send them to the partition of their cluster's root."""
    members = read_partition(members_root, source, MEMBER_SCHEMA)
    if members.height == 0:
        return 0
    attributes = pl.read_parquet(summary, columns=list(ATTRIBUTES)).cast(ATTRIBUTES)
    rows = members.join(attributes, left_on="node", right_on="__node").select(
        "root", "node", pl.col("__id").alias("id"), pl.col("__score").alias("score"),
        pl.lit(reference).alias("reference"),
    )
    write_partitions(rows, partition_of(rows["root"].to_numpy(), partitions), out_root, source)
    return rows.height


def choose_survivors(in_root: Path, partition: int, out_root: Path) -> int:
    """Step 2 (one task per partition): in each cluster the survivor is a reference document
    if there is one, else the highest score, then the lowest id (then the earliest document).
    Writes the state rows of this partition's corpus documents; returns their number."""
    rows = read_partition(in_root, partition, MEMBER_ROWS)
    ranked = rows.sort(
        ["root", "reference", "score", "id", "node"],
        descending=[False, True, True, False, False], nulls_last=True,
    )
    survivors = ranked.group_by("root", maintain_order=True).agg(
        pl.col("node").first().alias("s_node"),
        pl.col("id").first().alias("s_id"),
        pl.col("reference").first().alias("s_reference"),
        pl.len().cast(pl.Int64).alias("size"),
    )
    state = (
        rows.filter(~pl.col("reference"))
        .join(survivors, on="root")
        .select(
            pl.col("node").alias("__node"),
            (pl.col("node") == pl.col("s_node")).alias("__survivor"),
            pl.col("s_reference").alias("__reference"),
            pl.col("s_id").alias("__dup_of"),
            pl.col("s_id").alias("dup_cluster"),
            pl.col("size").alias("dup_cluster_size"),
        )
        .sort("__node")
    )
    write_shard(state, out_root / f"part-{partition:05d}.parquet")
    return state.height


def read_state(out_root: Path, partitions: int) -> pl.DataFrame:
    """The state rows of every partition, in node order."""
    files = [out_root / f"part-{p:05d}.parquet" for p in range(partitions)]
    files = [f for f in files if f.exists()]
    if not files:
        return pl.DataFrame(schema=STATE_SCHEMA)
    return pl.read_parquet(files).sort("__node")

