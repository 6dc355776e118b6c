"""`line_dedup`: remove lines (or paragraphs) that repeat across many documents, such as site
boilerplate, navigation and cookie notices.

After CCNet (Wenzek et al., "CCNet: Extracting High Quality Monolingual Datasets from Web
Crawl Data", LREC 2020, §3.1): lines are compared after normalisation (lower case, digits
replaced by 0, punctuation removed, white space collapsed) by a hash. CCNet removes every line
seen twice; here the number of documents a line must occur in is `min_count`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from curate.io import ROW_COLUMN, write_shard
from curate.ops.base import FitContext, GlobalOperator, register
from curate.ops.dedup.spill import Phases, partition_of, read_partition, write_partitions
from curate.params import param
from curate.text import lines, paragraphs

COUNT_SCHEMA = {"__line": pl.UInt64, "__docs": pl.UInt32}
# Distinct (line, shard) counts one partition should hold at most.
LINES_PER_PARTITION = 20_000_000


@dataclass
class LineDedupParams:
    min_count: int = param(3, "remove a line found in at least this many documents")
    unit: Literal["line", "paragraph"] = param(
        "line", "line: text between newlines; paragraph: text between blank lines")

    def validate(self) -> tuple[str, str] | None:
        """Check ranges."""
        if self.min_count < 2:
            return "min_count", f"must be >= 2, got {self.min_count}"
        return None


def normalized_hash(units: pl.Expr, seed: int) -> pl.Expr:
    """The hash of a line after CCNet's normalisation, null when nothing is left of it."""
    key = (
        units.str.to_lowercase()
        .str.replace_all(r"\p{N}", "0")
        .str.replace_all(r"[\p{P}\p{S}]+", "")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
    return pl.when(key.str.len_bytes() > 0).then(key.hash(seed)).otherwise(None)


@register
class LineDedup(GlobalOperator[LineDedupParams]):
    """Remove lines or paragraphs repeated across many documents (boilerplate), CCNet-style."""

    name = "line_dedup"
    rewrites_text = True
    signals = ("boilerplate_lines",)

    @property
    def _separator(self) -> str:
        return "\n\n" if self.params.unit == "paragraph" else "\n"

    def _units(self, batch: pl.DataFrame) -> pl.DataFrame:
        """One row per line (or paragraph): its document's row, position, text and hash."""
        text = self.text.fill_null("")
        pieces = paragraphs(text) if self.params.unit == "paragraph" else lines(text)
        return (
            batch.select(pl.col(ROW_COLUMN), pieces.alias("__unit"))
            .explode("__unit")
            .with_columns(normalized_hash(pl.col("__unit"), self.context.seed).alias("__line"))
        )

    def observe(self, batch: pl.DataFrame, shard: int) -> pl.DataFrame:
        """How many of the shard's documents contain each (normalised) line."""
        return (
            self._units(batch)
            .drop_nulls("__line")
            .unique([ROW_COLUMN, "__line"])
            .group_by("__line")
            .agg(pl.len().cast(pl.UInt32).alias("__docs"))
            .sort("__line")
        )

    def fit(self, context: FitContext) -> pl.DataFrame:
        """The hashes of lines found in at least `min_count` documents."""
        phases = Phases(context.work_dir)
        summaries = context.summaries
        rows = pl.scan_parquet(summaries).select(pl.len()).collect().item() if summaries else 0
        partitions = max(math.ceil(rows / LINES_PER_PARTITION), 1)
        counts, frequent = context.work_dir / "counts", context.work_dir / "frequent"
        phases.run("shuffle", lambda: context.map(shuffle_line_counts, [
            (path, counts, i, partitions) for i, path in enumerate(summaries)]))
        phases.run("count", lambda: context.map(frequent_lines, [
            (counts, p, self.params.min_count, frequent) for p in range(partitions)]))
        files = sorted(frequent.glob("part-*.parquet"))
        if not files:
            return pl.DataFrame(schema={"__line": pl.UInt64})
        return pl.read_parquet(files).sort("__line")

    def transform(self, batch: pl.DataFrame, state: pl.DataFrame, shard: int) -> pl.DataFrame:
        """Drop the frequent lines from every text; reject texts left with no line."""
        units = self._units(batch).with_columns(
            pl.col("__line").is_in(state["__line"].implode()).fill_null(False).alias("__drop")
        )
        rebuilt = units.group_by(ROW_COLUMN, maintain_order=True).agg(
            pl.col("__unit").filter(~pl.col("__drop")).str.join(self._separator).alias("__text"),
            pl.col("__drop").sum().cast(pl.Int64).alias("boilerplate_lines"),
            (pl.col("__line").is_not_null() & ~pl.col("__drop")).sum().alias("__left"),
        )
        joined = batch.join(rebuilt, on=ROW_COLUMN, how="left", maintain_order="left")
        removed = pl.col("boilerplate_lines") > 0
        return joined.with_columns(
            pl.when(removed).then(pl.col("__text")).otherwise(self.text)
            .alias(self.context.text_column),
            self.reject_when(removed & (pl.col("__left") == 0), "boilerplate_only"),
        ).drop("__text", "__left")


def shuffle_line_counts(summary: Path, out_root: Path, producer: int, partitions: int) -> None:
    """Task: send one shard's line counts to the partitions their hashes fall in."""
    counts = pl.read_parquet(summary).cast(COUNT_SCHEMA)
    write_partitions(counts, partition_of(counts["__line"].to_numpy(), partitions), out_root,
                     producer)


def frequent_lines(in_root: Path, partition: int, min_count: int, out_root: Path) -> int:
    """Task: total one partition's counts and write the lines reaching `min_count`."""
    counts = read_partition(in_root, partition, COUNT_SCHEMA)
    frequent = (
        counts.group_by("__line").agg(pl.col("__docs").sum())
        .filter(pl.col("__docs") >= min_count)
        .select("__line").sort("__line")
    )
    if frequent.height:
        write_shard(frequent, out_root / f"part-{partition:05d}.parquet")
    return frequent.height
