"""A global stage's fitted state on disk. A per-shard state (`state_per_shard`) is stored
sorted by shard, in row groups with statistics, so each shard task reads only the row groups
that hold its own rows: no task holds the whole state, however large the corpus."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from curate.io import SHARD_COLUMN, write_shard

# Rows per row group of a per-shard state: a shard's rows span few groups.
ROW_GROUP = 4096


def write_state(state: pl.DataFrame, path: Path, per_shard: bool) -> None:
    """Write a fitted `state` to `path`; `per_shard` as the operator's `state_per_shard`."""
    if per_shard and SHARD_COLUMN in state.columns:
        # A stable sort: each shard's rows keep their order.
        write_shard(state.sort(SHARD_COLUMN, maintain_order=True), path, ROW_GROUP)
    else:
        write_shard(state, path)


def read_state(path: Path, shard: int, per_shard: bool) -> pl.DataFrame:
    """The fitted state at `path` that `shard`'s transform gets: whole, or for a per-shard
    state the rows of that shard, reading only the row groups that can hold them."""
    scan = pl.scan_parquet(path)
    if per_shard and SHARD_COLUMN in scan.collect_schema():
        scan = scan.filter(pl.col(SHARD_COLUMN) == shard)
    return scan.collect()
