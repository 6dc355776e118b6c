"""The read stage: an input shard's rows as the first operator will see them.

It reads the shard (or, under `on_error = "quarantine"`, notes why the shard cannot be read),
rejects the rows no operator should see, and writes the shard's ids for the corpus-wide check
that ids are unique. Reasons of the read stage:

- `null_text`: the text is null;
- `too_large`: the text is longer than `[pipeline] max_doc_bytes` UTF-8 bytes;
- `binary`: the text holds a NUL character, or more than a tenth of its characters are U+FFFD
  (bytes that were not text, decoded with replacement characters).

Other control characters are left to the operators (`normalize` removes them). Lone UTF-16
surrogates in JSONL (`\\ud800`) are repaired to U+FFFD when the shard is read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import polars as pl

from curate.config import PipelineConfig
from curate.errors import ShardError
from curate.io import ROW_COLUMN, read_shard, write_shard
from curate.io.corpus import split_screened
from curate.io.shards import Shard, shard_size
from curate.runfolder import RunLayout

# Columns the engine writes into rejected/ and stats/ itself.
ENGINE_COLUMNS = ("reason", "stage")


@dataclass
class Intake:
    """What the read stage made of one input shard."""

    batch: pl.DataFrame | None  # rows that go on to the first operator; None if quarantined
    rejected: pl.DataFrame | None  # rows the read stage rejected, with `reason` and `stage`
    rows_in: int = 0
    bytes_in: int = 0
    seconds: float = 0.0
    quarantined: str | None = None  # why the shard was skipped (on_error = "quarantine")


def read_checked(config: PipelineConfig, source: Shard, source_name: str) -> pl.DataFrame:
    """The shard's rows, or ShardError when it cannot be read or has a column named like
    one the engine writes (`reason`, `stage`: stats/ would then mark kept rows rejected).

    Input columns named like an operator's rejection column (`dup_of`) are replaced in
    rejected/ by the operator's."""
    p = config.pipeline
    batch = read_shard(source, p.text_column, p.id_column, source_name)
    for name in ENGINE_COLUMNS:
        if name in batch.columns and name not in (p.text_column, p.id_column):
            raise ShardError(source, f"column {name!r} is reserved (curate writes it into "
                                     "rejected/ and stats/); rename or drop it")
    return batch


def read_input(config: PipelineConfig, source: Shard, source_name: str, shard: int,
               layout: RunLayout) -> Intake:
    """Read and screen one input shard; write its ids to `layout.ids(shard)`.

    A ShardError is raised, or under `on_error = "quarantine"` returned as the reason in
    `Intake.quarantined` (and nothing is written).
    """
    start = time.perf_counter()
    p = config.pipeline
    try:
        batch = read_checked(config, source, source_name)
    except ShardError as exc:
        if p.on_error != "quarantine":
            raise
        return Intake(None, None, quarantined=exc.reason)
    bytes_in = shard_size(source)
    write_shard(
        batch.select(pl.col(p.id_column).alias("id"), pl.lit(shard, dtype=pl.Int32).alias("shard"),
                     pl.col(ROW_COLUMN).alias("row")),
        layout.ids(shard),
    )
    rows_in = batch.height
    batch, rejected = split_screened(batch, p.text_column, p.max_doc_bytes)
    return Intake(batch, rejected, rows_in, bytes_in, time.perf_counter() - start)
