"""Spilling between the phases of a global fit: hash partitioning, one Parquet file per
(partition, producer) so writers never share a file, and markers that let a re-run fit skip
the phases a killed run already finished."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from curate.io import write_shard
from curate.io.atomic import atomic_write_text


def node_ids(source: int, rows: pl.Expr) -> pl.Expr:
    """Node ids of documents: the source (summary file) in the upper 32 bits, the row of the
    document in its shard in the lower 32, so ids are unique, compact and ordered by
    (source, row)."""
    return (pl.lit(source, dtype=pl.Int64) * (1 << 32) + rows.cast(pl.Int64)).alias("__node")


def source_of(nodes: np.ndarray) -> np.ndarray:
    """The source each node id comes from (see `node_ids`)."""
    return np.asarray(nodes) >> 32


def mix(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's fmix64 over an integer array (a bijection that spreads nearby values)."""
    h = np.asarray(values).astype(np.uint64)  # int64 node ids reinterpret as unsigned
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


def partition_of(values: np.ndarray, partitions: int) -> np.ndarray:
    """The partition (0 .. partitions - 1) each value hashes to."""
    return (mix(values) % np.uint64(partitions)).astype(np.int64)


def partition_dir(root: Path, partition: int) -> Path:
    """The folder holding every producer's file for one partition."""
    return root / f"p{partition:05d}"


def write_partitions(frame: pl.DataFrame, partition: np.ndarray, root: Path,
                     producer: int) -> None:
    """Write the rows of `frame` to `root/pNNNNN/PPPPP.parquet`, one file per non-empty
    partition, named by the producing task so concurrent producers never collide."""
    if frame.height == 0:
        return
    tagged = frame.with_columns(pl.Series("__part", partition, dtype=pl.Int64))
    for (part,), rows in tagged.partition_by("__part", as_dict=True,
                                             maintain_order=True).items():
        path = partition_dir(root, int(part)) / f"{producer:05d}.parquet"
        write_shard(rows.drop("__part"), path)


def partition_files(root: Path, partition: int) -> list[Path]:
    """Every producer's file of one partition, in producer order."""
    folder = partition_dir(root, partition)
    return sorted(folder.glob("[0-9]*.parquet")) if folder.is_dir() else []


def read_partition(root: Path, partition: int, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """All rows written to one partition (an empty frame of `schema` when none were)."""
    files = partition_files(root, partition)
    if not files:
        return pl.DataFrame(schema=schema)
    return pl.read_parquet(files).select(list(schema)).cast(schema)


class Phases:
    """Markers of finished fit phases in a work folder. A phase whose marker exists was
    completed by an earlier (killed) attempt of the same config: it is not run again, and its
    small JSON result is read back from the marker."""

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir

    def run(self, name: str, phase: Callable[[], Any]) -> Any:
        """phase()'s result, computed now or by an earlier attempt."""
        marker = self.work_dir / f"{name}.done.json"
        if marker.exists():
            return json.loads(marker.read_text(encoding="utf-8"))
        result = phase()
        atomic_write_text(marker, json.dumps(result))
        return result
