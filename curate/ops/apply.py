"""Applying one stage to a batch: the one place that does it, for shard tasks and for the
reserve pass of domain_backfill. The operator transforms the batch; around it, the input
text of rows a cleaner changed is kept, rows the stage added are numbered after every input
row of the shard, and the rows it rejected are split off with their stage and reason."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from curate.io import ROW_COLUMN
from curate.ops.base import ADDED, INPUT_TEXT, REASON, GlobalOperator, Operator

# Rows a stage adds are numbered after every input row of the shard: stage index × 2**32 + k.
ADDED_ROW_BASE = 1 << 32


@dataclass
class Applied:
    """A batch after one stage: the rows it kept, those it rejected (with `stage` and
    `reason`; None when none) and how many rows it added."""

    kept: pl.DataFrame
    rejected: pl.DataFrame | None
    added: int


def apply_stage(op: Operator, batch: pl.DataFrame, stage_index: int,
                state: pl.DataFrame | None = None, shard: int = 0,
                prepare: bool = False) -> Applied:
    """Run `op` (the operator of stage number `stage_index`) over `batch`: a global operator
    with its fitted `state` for `shard` (`prepare`: add its prepared columns first, for a
    batch its observe never saw)."""
    text_column = op.context.text_column
    before = batch[text_column] if op.rewrites_text else None
    if isinstance(op, GlobalOperator):
        assert state is not None, f"{op.context.stage}: a global stage needs its state"
        batch = op.transform(op.prepare(batch) if prepare else batch, state, shard)
    else:
        batch = op.transform(batch)
    if before is not None:
        batch = keep_input_text(batch, before, text_column)
    batch, added = number_added(batch, stage_index)
    kept, rejected = split_rejected(batch, op)
    return Applied(kept, rejected, added)


def keep_input_text(batch: pl.DataFrame, before: pl.Series, text_column: str) -> pl.DataFrame:
    """The batch with INPUT_TEXT set, on rows whose text a stage just changed from `before`
    (the text the rows had before the stage, in the same row order), unless set already."""
    after = batch[text_column].head(before.len())
    changed = (after != before).fill_null(after.is_null() != before.is_null())
    if not changed.any() and INPUT_TEXT in batch.columns:
        return batch
    kept = batch[INPUT_TEXT].head(before.len()) if INPUT_TEXT in batch.columns else pl.Series(
        INPUT_TEXT, [None] * before.len(), dtype=pl.String)
    value = pl.select(pl.when(pl.lit(changed) & pl.lit(kept).is_null()).then(pl.lit(before))
                      .otherwise(pl.lit(kept))).to_series()
    tail = pl.Series(INPUT_TEXT, [None] * (batch.height - before.len()), dtype=pl.String)
    return batch.with_columns(pl.concat([value, tail]).alias(INPUT_TEXT))


def number_added(batch: pl.DataFrame, stage_index: int) -> tuple[pl.DataFrame, int]:
    """Count the rows a stage added (marked in ADDED), give them row numbers no input row of
    the shard has, and drop the mark."""
    if ADDED not in batch.columns:
        return batch, 0
    added = batch[ADDED].fill_null(False)
    count = int(added.sum())
    if count:
        order = added.cast(pl.Int64).cum_sum() - 1
        batch = batch.with_columns(
            pl.when(added).then(stage_index * ADDED_ROW_BASE + order)
            .otherwise(pl.col(ROW_COLUMN)).cast(pl.Int64).alias(ROW_COLUMN))
    return batch.drop(ADDED), count


def split_rejected(batch: pl.DataFrame, op: Operator) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Separate the rows an operator marked in REASON (given `stage` and `reason` columns)
    from the kept ones (which lose the operator's rejection columns)."""
    if REASON not in batch.columns:
        return batch, None
    rejected_mask = batch[REASON].is_not_null()
    extra = [c for c in op.rejection_columns if c in batch.columns]
    kept = batch.filter(~rejected_mask).drop(REASON, *extra)
    if not rejected_mask.any():
        return kept, None
    rejected = batch.filter(rejected_mask).rename({REASON: "reason"})
    return kept, rejected.with_columns(pl.lit(op.context.stage).alias("stage"))
