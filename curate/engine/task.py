"""The unit of work: one pass over one shard. Pure given its files, so any engine can run it,
any number of times, with the same result."""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass

import polars as pl

from curate.config import PipelineConfig
from curate.engine.intake import read_input
from curate.engine.plan import Pass
from curate.engine.texts import curated_texts, rejected_texts
from curate.engine.workers import stage_operator
from curate.io import ROW_COLUMN, write_chunked, write_shard
from curate.io.corpus import READ_STAGE
from curate.io.shards import Shard
from curate.ops import REGISTRY
from curate.ops.apply import apply_stage
from curate.runfolder import RunLayout, ShardResult, StageCount, shard_stem
from curate.runfolder.state import read_state


@dataclass
class ShardTask:
    """Which pass over which shard, with everything needed to run it."""

    config: PipelineConfig
    plan_pass: Pass
    shard: int
    source: Shard
    source_name: str
    layout: RunLayout


@dataclass(frozen=True)
class OutputColumns:
    """Which operator-added columns go where: stats/ (signals), curated/ (annotations),
    rejected/ (rejection columns, present in every rejected shard so all share a schema).

    The text columns are curate.engine.texts': rejected/ holds each row's input text,
    curated/ the cleaned text, each with the other beside it where they differ."""

    signals: frozenset[str]
    annotations: frozenset[str]
    rejection: tuple[str, ...]
    text_column: str = "text"
    keep_original: bool = False
    texts_change: bool = False  # a stage may rewrite the text (a cleaner)

    @classmethod
    def of(cls, config: PipelineConfig) -> OutputColumns:
        """The columns declared by the configured operators."""
        ops = [REGISTRY[s.op] for s in config.stages]
        rejection = dict.fromkeys(c for op in ops for c in op.rejection_columns)
        return cls(
            frozenset(c for op in ops for c in op.signals),
            frozenset(c for op in ops for c in op.annotations),
            tuple(rejection),
            config.pipeline.text_column,
            config.pipeline.keep_original,
            any(op.rewrites_text for op in ops),
        )

    def curated(self, batch: pl.DataFrame) -> pl.DataFrame:
        """Input columns (the text cleaned) and annotations, then TEXT_original where a stage
        may rewrite texts (or `keep_original` is set)."""
        drop = self.signals | set(self.rejection)
        columns = [pl.col(c) for c in batch.columns if not c.startswith("__") and c not in drop]
        if self.texts_change or self.keep_original:
            columns.append(curated_texts(batch, self.text_column, self.keep_original))
        return batch.select(columns)

    def rejected(self, batch: pl.DataFrame) -> pl.DataFrame:
        """Input columns (the text as it was read), TEXT_cleaned where a stage may rewrite
        texts, then reason, stage and every rejection column."""
        if self.texts_change:
            batch = batch.with_columns(rejected_texts(batch, self.text_column))
        drop = self.signals | self.annotations | {"reason", "stage", *self.rejection}
        inputs = [c for c in batch.columns if not c.startswith("__") and c not in drop]
        extra = [
            pl.col(c) if c in batch.columns else pl.lit(None, dtype=pl.String).alias(c)
            for c in ("reason", "stage", *self.rejection)
        ]
        return batch.select(*inputs, *extra)

    def stats(self, batch: pl.DataFrame, id_col: str) -> pl.DataFrame:
        """Id, row, signals and annotations, and stage and reason when rejected."""
        measured = self.signals | self.annotations
        keep = [id_col, ROW_COLUMN] + [c for c in batch.columns if c in measured]
        keep += [c for c in ("stage", "reason") if c in batch.columns]
        return batch.select(keep).rename({ROW_COLUMN: "row"})


def run_shard_pass(task: ShardTask) -> ShardResult:
    """Run one pass over one shard and write its outputs (kept, rejected, stats, summaries).

    Every file is written after all computation succeeded, each atomically, so a failed or
    killed task leaves nothing half-written and a rerun overwrites with identical bytes.
    """
    start = time.perf_counter()
    config, plan_pass, layout = task.config, task.plan_pass, task.layout
    result = ShardResult(plan_pass.index, task.shard)
    rejected: list[pl.DataFrame] = []

    if plan_pass.index == 0:
        intake = read_input(config, task.source, task.source_name, task.shard, layout)
        if intake.batch is None:  # quarantined: nothing is written for this shard
            result.quarantined = intake.quarantined
            result.seconds = time.perf_counter() - start
            return result
        batch, result.bytes_in = intake.batch, intake.bytes_in
        if intake.rejected is not None:
            rejected.append(intake.rejected)
        result.counts.append(StageCount(READ_STAGE, intake.rows_in, batch.height,
                                        intake.rows_in - batch.height, intake.seconds))
    else:
        batch = pl.read_parquet(layout.work_shard(plan_pass.index - 1, task.shard))
    result.rows_in = batch.height

    for stage in plan_pass.stages:
        t0 = time.perf_counter()
        op = stage_operator(config, stage)
        rows_in = batch.height
        state = None
        if stage is plan_pass.opens_with:
            state = read_state(layout.state(stage.name), task.shard, op.state_per_shard)
        applied = apply_stage(op, batch, stage.index, state, task.shard)
        batch = applied.kept
        if applied.rejected is not None:
            rejected.append(applied.rejected)
        result.counts.append(
            StageCount(stage.name, rows_in, batch.height, rows_in + applied.added - batch.height,
                       time.perf_counter() - t0, applied.added)
        )

    summary = None
    if plan_pass.observes is not None:
        t0 = time.perf_counter()
        observer = stage_operator(config, plan_pass.observes)
        batch = observer.prepare(batch)
        summary = observer.observe(batch, task.shard)
        result.counts.append(StageCount(plan_pass.observes.name, 0, 0, 0,
                                        time.perf_counter() - t0))

    columns = OutputColumns.of(config)
    id_col = config.pipeline.id_column
    rejected_frame = pl.concat(rejected, how="diagonal_relaxed") if rejected else None
    stem = shard_stem(task.shard)
    max_rows = config.pipeline.max_rows_per_shard

    # Write: summaries and work files first, curated output last.
    if summary is not None:
        write_shard(summary, layout.summary(plan_pass.index, task.shard))
    if rejected_frame is not None:
        write_chunked(columns.rejected(rejected_frame), layout.rejected,
                      f"{stem}-p{plan_pass.index}", max_rows)
        write_shard(columns.stats(rejected_frame, id_col),
                    layout.work_stats(plan_pass.index, task.shard))
    if plan_pass.last:
        stats = [pl.read_parquet(p) for p in layout.earlier_stats(plan_pass.index, task.shard)]
        stats.append(columns.stats(batch, id_col))
        write_shard(pl.concat(stats, how="diagonal_relaxed"), layout.stats_shard(task.shard))
        write_chunked(columns.curated(batch), layout.curated, stem, max_rows)
    else:
        write_shard(batch, layout.work_shard(plan_pass.index, task.shard))

    result.rows_out = batch.height
    result.seconds = time.perf_counter() - start
    result.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result
