"""Specification of fitted states on disk: a per-shard state reaches each shard's transform as
that shard's rows alone, in fit order, read from row groups sorted by shard."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from curate.io import SHARD_COLUMN
from curate.runfolder.state import ROW_GROUP, read_state, write_state

STATE = pl.DataFrame({SHARD_COLUMN: [2, 0, 2, 1, 0], "text": ["c1", "a1", "c2", "b1", "a2"]})


def test_a_per_shard_state_gives_each_shard_its_rows_in_fit_order(tmp_path: Path) -> None:
    path = tmp_path / "state.parquet"
    write_state(STATE, path, per_shard=True)
    assert read_state(path, 0, per_shard=True)["text"].to_list() == ["a1", "a2"]
    assert read_state(path, 2, per_shard=True)["text"].to_list() == ["c1", "c2"]
    assert read_state(path, 7, per_shard=True).height == 0


def test_other_states_are_kept_in_fit_order_and_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "state.parquet"
    write_state(STATE, path, per_shard=False)
    assert read_state(path, 0, per_shard=False).equals(STATE)


def test_a_per_shard_state_without_shards_reaches_every_shard_whole(tmp_path: Path) -> None:
    path = tmp_path / "state.parquet"
    empty = pl.DataFrame({"text": ["x"]})
    write_state(empty, path, per_shard=True)
    assert read_state(path, 3, per_shard=True).equals(empty)


def test_a_large_per_shard_state_is_stored_in_row_groups_a_shard_reads_few_of(
        tmp_path: Path) -> None:
    shards = 10
    state = pl.DataFrame({SHARD_COLUMN: [i % shards for i in range(ROW_GROUP * shards)]})
    path = tmp_path / "state.parquet"
    write_state(state, path, per_shard=True)
    groups = pq.ParquetFile(path).metadata
    assert groups.num_row_groups == shards
    for g in range(groups.num_row_groups):  # each group holds one shard: statistics prune
        stats = groups.row_group(g).column(0).statistics
        assert stats.has_min_max and stats.min == stats.max == g
